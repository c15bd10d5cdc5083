// The editor's output check (static/js/lib/output-check.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { outputMismatch } from "../../static/js/lib/output-check.js";

const NAMES = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
const spec = (...layers) => ({ input: { channels: 1, height: 28, width: 28 }, layers });
const described = (...shapes) => ({ layers: shapes.map(([name, shape]) => ({ name, output_shape: shape })) });

test("a dense layer of 32 before the softmax is caught at that layer, with two fixes", () => {
  const s = spec({ type: "flatten" }, { type: "dense", units: 10 }, { type: "dense", units: 32 }, { type: "softmax" });
  const d = described(["flatten1", [784]], ["dense1", [10]], ["dense2", [32]], ["softmax1", [32]]);
  const m = outputMismatch(s, d, NAMES);
  assert.equal(m.layer_index, 2);
  assert.match(m.message, /^dense2 gives the softmax 32 values, but the data has 10 classes/);
  assert.deepEqual(m.fixes[0].spec.layers.map((l) => l.type), ["flatten", "dense", "dense", "relu", "dense", "softmax"]);
  assert.equal(m.fixes[0].spec.layers[4].units, 10);
  assert.equal(m.fixes[1].label, "Make dense2 10 units");
  assert.deepEqual(m.fixes[1].spec.layers.map((l) => l.units ?? null), [null, 10, 10, null]);
});

test("a network whose softmax fits the classes, or without a softmax, is fine", () => {
  const s = spec({ type: "flatten" }, { type: "dense", units: 10 }, { type: "softmax" });
  assert.equal(outputMismatch(s, described(["f", [784]], ["d", [10]], ["s", [10]]), NAMES), null);
  assert.equal(outputMismatch(spec({ type: "flatten" }, { type: "dense", units: 3 }), described(["f", [784]], ["d", [3]]), NAMES), null);
  assert.equal(outputMismatch(s, described(["f", [784]], ["d", [10]], ["s", [10]]), []), null);
});
