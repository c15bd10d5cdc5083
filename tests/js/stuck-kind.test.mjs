import { test } from "node:test";
import assert from "node:assert/strict";

import { HEADS, readStuck } from "../../static/js/lib/stuck-kind.js";

test("each kind has its heading; the message is passed on as it is", () => {
  assert.deepEqual(readStuck({ kind: "worse", message: "after epoch 2 the network does worse than guessing" }),
    { kind: "worse", head: "Learning rate too large.", message: "after epoch 2 the network does worse than guessing" });
  assert.deepEqual(readStuck({ kind: "chance", message: "after epoch 1 the network is at chance level" }),
    { kind: "chance", head: "Training is stuck.", message: "after epoch 1 the network is at chance level" });
  assert.equal(HEADS.worse, "Learning rate too large.");
});

test("the kind decides, not the words", () => {
  assert.equal(readStuck({ kind: "chance", message: "does worse than guessing" }).head, "Training is stuck.");
  assert.equal(readStuck({ kind: "worse", message: "at chance level" }).head, "Learning rate too large.");
});

test("nothing stuck, or not of the shape: null; an unknown kind is headed as stuck", () => {
  for (const value of [null, undefined, "", "after epoch 3 the network does worse than guessing", 3,
    {}, { kind: "worse" }, { kind: "worse", message: "" }, { kind: "worse", message: 7 }]) {
    assert.equal(readStuck(value), null, JSON.stringify(value));
  }
  assert.deepEqual(readStuck({ kind: "plateau", message: "m" }), { kind: "chance", head: "Training is stuck.", message: "m" });
});
