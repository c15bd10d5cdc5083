// Words for the network's last input (static/js/lib/input-text.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { inputText, staleNote } from "../../static/js/lib/input-text.js";

test("each kind of input is named", () => {
  assert.equal(inputText({ kind: "sample", split: "val", index: 0 }), "validation sample #0");
  assert.equal(inputText({ kind: "sample", split: "train", index: 12 }), "training sample #12");
  assert.equal(inputText({ kind: "pixels" }), "your last drawing");
  assert.equal(inputText({ kind: "file", file: { name: "a.png" } }), "the uploaded image a.png");
  assert.equal(inputText(null), "its last input");
});

test("the note appears only for an empty pad with something still shown", () => {
  const fwd = { input: { kind: "sample", split: "val", index: 0 } };
  assert.match(staleNote({ kind: "empty" }, fwd), /^The pad is empty: the network still shows validation sample #0\./);
  assert.equal(staleNote({ kind: "empty" }, null), "");
  assert.equal(staleNote({ kind: "pixels" }, fwd), "");
});
