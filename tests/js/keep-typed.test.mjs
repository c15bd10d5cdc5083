import assert from "node:assert/strict";
import { test } from "node:test";
import { keepTyped, mayWrite } from "../../static/js/lib/keep-typed.js";

test("the page writes into a box the learner is not in and has not typed into", () => {
  assert.equal(mayWrite({ focused: false, text: "8", last: "8" }), true);
  assert.equal(mayWrite({ focused: false, text: "", last: null }), true);
});

test("the page does not write over the learner: in the box, or its text typed there", () => {
  assert.equal(mayWrite({ focused: true, text: "8", last: "8" }), false);
  assert.equal(mayWrite({ focused: true, text: "3", last: "8" }), false);
  assert.equal(mayWrite({ focused: false, text: "3", last: "8" }), false);
});

/** A stand-in for an <input>: its value, the focused element, and its listeners. */
function fakeInput(value) {
  const doc = { activeElement: null };
  const listeners = {};
  const input = {
    value,
    ownerDocument: doc,
    addEventListener: (type, f) => { listeners[type] = f; },
    focus() { doc.activeElement = input; },
    blur() { doc.activeElement = null; listeners.blur?.(); },
  };
  return input;
}

test("a write held back while the learner is in the box is made when they leave it", () => {
  const input = fakeInput("0");
  const box = keepTyped(input);
  input.focus();
  box.show(2);
  assert.equal(input.value, "0");
  input.blur();
  assert.equal(input.value, "2");
});

test("text typed and not taken is kept, on leaving too; once taken, later writes replace it", () => {
  const input = fakeInput("0.05");
  const box = keepTyped(input);
  input.focus();
  input.value = "0.5";
  box.show(0.1);
  input.blur();
  assert.equal(input.value, "0.5");
  box.show(0.2);
  assert.equal(input.value, "0.5");
  box.taken();
  box.show(0.3);
  assert.equal(input.value, "0.3");
  box.set(4);
  assert.equal(input.value, "4");
});
