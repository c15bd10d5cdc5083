import assert from "node:assert/strict";
import { test } from "node:test";
import { mayWrite } from "../../static/js/lab/plane/settings-box.js";

test("a reply writes into a box the learner is not in and has not typed into", () => {
  assert.equal(mayWrite({ focused: false, sending: false, text: "8", last: "8" }), true);
  assert.equal(mayWrite({ focused: false, sending: false, text: "", last: null }), true); // first
});

test("a reply does not write over the learner: in the box, typing, or a typed value on its way", () => {
  assert.equal(mayWrite({ focused: true, sending: false, text: "8", last: "8" }), false);
  assert.equal(mayWrite({ focused: true, sending: false, text: "3", last: "8" }), false);
  assert.equal(mayWrite({ focused: false, sending: false, text: "3", last: "8" }), false);
  assert.equal(mayWrite({ focused: false, sending: true, text: "32", last: "32" }), false);
});
