import assert from "node:assert/strict";
import { test } from "node:test";

import { firstSampleInput, showcaseSplit } from "../../static/js/lib/splits.js";

test("examples come from validation when it has any", () => {
  assert.equal(showcaseSplit({ train: 8000, val: 1001, test: 999 }), "val");
});

test("a dataset with no validation samples shows training examples, then test ones", () => {
  assert.equal(showcaseSplit({ train: 6, val: 0, test: 0 }), "train");
  assert.equal(showcaseSplit({ train: 0, val: 0, test: 3 }), "test");
});

test("an empty or unknown dataset has nothing to show", () => {
  assert.equal(showcaseSplit({ train: 0, val: 0, test: 0 }), null);
  assert.equal(showcaseSplit(undefined), null);
  assert.equal(firstSampleInput({ train: 0, val: 0, test: 0 }), null);
});

test("the first input is the first example of that split", () => {
  const input = firstSampleInput({ train: 6, val: 0, test: 0 });
  assert.equal(input.kind, "sample");
  assert.equal(input.split, "train");
  assert.equal(input.index, 0);
  assert.equal(typeof input.t0, "number");
});
