import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ACTIVATIONS, FEATURES, LIMITS, addLayer, buildSpec, outputFor, readSpec, removeLayer, resizeLayer, setActivation, toggleFeature,
} from "../../static/js/lab/plane/setup.js";

test("the output fits the task", () => {
  assert.deepEqual(outputFor(2), { units: 1, activation: "sigmoid", loss: "bce" });
  assert.deepEqual(outputFor(3), { units: 3, activation: "softmax", loss: "cross_entropy" });
  assert.deepEqual(outputFor(0), { units: 1, activation: null, loss: "mse" });
});

test("buildSpec: flatten, dense + activation per hidden layer, then the output", () => {
  const spec = buildSpec({ features: 3, hidden: [{ units: 8, activation: "relu" }, { units: 2, activation: "leaky_relu" }], classes: 2 });
  assert.deepEqual(spec.input, { channels: 3, height: 1, width: 1 });
  assert.deepEqual(spec.layers.map((l) => l.type), ["flatten", "dense", "relu", "dense", "leaky_relu", "dense", "sigmoid"]);
  assert.equal(spec.layers[1].units, 8);
  assert.equal(spec.layers[4].slope, 0.01);
  const none = buildSpec({ features: 2, hidden: [], classes: 0 });
  assert.deepEqual(none.layers, [{ type: "flatten" }, { type: "dense", units: 1 }]);
});

test("readSpec reads back what buildSpec built, with the engine's layer names", () => {
  const hidden = [{ units: 8, activation: "tanh" }, { units: 5, activation: "linear" }];
  const spec = buildSpec({ features: 2, hidden, classes: 2 });
  // what the server sends back: named layers
  const named = { ...spec, layers: spec.layers.map((l, i) => ({ ...l, name: `${l.type}${i}` })) };
  const r = readSpec(named);
  assert.equal(r.features, 2);
  assert.deepEqual(r.hidden.map((h) => [h.units, h.activation]), [[8, "tanh"], [5, "linear"]]);
  assert.equal(r.hidden[0].dense, "dense1");
  assert.equal(r.hidden[0].act, "tanh2");
  assert.deepEqual([r.output.units, r.output.activation, r.output.dense], [1, "sigmoid", "dense5"]);
  const reg = readSpec({ input: { channels: 1, height: 1, width: 1 }, layers: [{ type: "flatten" }, { type: "dense", units: 1, name: "dense1" }] });
  assert.deepEqual(reg.hidden, []);
  assert.equal(reg.output.activation, "linear");
  assert.equal(reg.output.act, null);
});

test("readSpec refuses what is not a dense stack on a point", () => {
  assert.equal(readSpec(null), null);
  assert.equal(readSpec({ input: { channels: 1, height: 28, width: 28 }, layers: [{ type: "flatten" }, { type: "dense", units: 10 }] }), null);
  assert.equal(readSpec({ input: { channels: 2, height: 1, width: 1 }, layers: [{ type: "conv2d" }] }), null);
  assert.equal(readSpec({ input: { channels: 2, height: 1, width: 1 }, layers: [{ type: "flatten" }] }), null);
});

test("layers: add copies the last (or 4 ReLUs), at most 6; units stay in 1..8", () => {
  let h = addLayer([]);
  assert.deepEqual(h, [{ units: 4, activation: "relu" }]);
  h = setActivation(h, 0, "tanh");
  h = resizeLayer(h, 0, +10);
  assert.deepEqual(h, [{ units: LIMITS.units, activation: "tanh" }]);
  h = resizeLayer(h, 0, -20);
  assert.equal(h[0].units, 1);
  for (let i = 0; i < 10; i++) h = addLayer(h);
  assert.equal(h.length, LIMITS.layers);
  assert.equal(h[5].activation, "tanh");
  assert.equal(removeLayer(h).length, 5);
  assert.deepEqual(removeLayer([]), []);
  assert.throws(() => setActivation(h, 0, "softmax"), /unknown activation/);
  assert.deepEqual(ACTIVATIONS.map((a) => a.id), ["linear", "sigmoid", "tanh", "relu", "leaky_relu"]);
});

test("features toggle in the engine's order and never all off", () => {
  assert.deepEqual(FEATURES.map((f) => f.id), ["x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"]);
  assert.deepEqual(toggleFeature(["x1", "x2"], "x1sq"), ["x1", "x2", "x1sq"]);
  assert.deepEqual(toggleFeature(["x2", "sinx1"], "x1"), ["x1", "x2", "sinx1"]);
  assert.deepEqual(toggleFeature(["x1", "x2"], "x1"), ["x2"]);
  assert.deepEqual(toggleFeature(["x2"], "x2"), ["x2"]);
});

test("outputs: built from OUTPUTS and recognised again with their loss", async () => {
  const { OUTPUTS, outputKind, taskOf } = await import("../../static/js/lab/plane/setup.js");
  for (const [key, o] of Object.entries(OUTPUTS)) {
    const spec = buildSpec({ features: 2, hidden: [{ units: 3, activation: "relu" }], output: o });
    const named = { ...spec, layers: spec.layers.map((l, i) => ({ ...l, name: `${l.type}${i}` })) };
    assert.equal(outputKind(readSpec(named).output, o.loss), key);
  }
  const linearAct = { units: 1, activation: "linear" };
  assert.equal(outputKind(linearAct, "mse"), "linear_mse", "a final linear layer is a linear output");
  assert.equal(outputKind({ units: 1, activation: "sigmoid" }, "cross_entropy"), null);
  assert.equal(taskOf("gmm"), "regression");
  assert.equal(taskOf("spiral"), "classification");
  assert.equal(taskOf("custom"), "classification");
});
