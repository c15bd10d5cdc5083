import assert from "node:assert/strict";
import { test } from "node:test";
import { createStore } from "../../static/js/store.js";
import { applyChange, currentSetup } from "../../static/js/lab/plane/actions.js";
import { buildSpec, readSpec } from "../../static/js/lab/plane/setup.js";

// A store like the page's, whose "controller" records each request and completes it at once.
function fixture({ set = "circle", hidden = [{ units: 4, activation: "tanh" }], loss = "bce", playing = false } = {}) {
  const store = createStore();
  const spec = buildSpec({ features: 2, hidden, classes: 2 });
  spec.layers = spec.layers.map((l, i) => ({ ...l, name: `${l.type}${i}` }));
  store.set({ spec, settings: { dataset: "planar", loss, lr: 0.02, planar: { set, features: ["x1", "x2"] } }, playing, training: playing });
  const seen = [];
  store.subscribe(["request"], (_, s) => {
    const r = s.request;
    seen.push(r);
    if (r.type === "stop") store.set({ training: false, playing: false });
    if (r.type === "play") store.set({ playing: true, training: true });
    r.resolve?.();
  });
  return { store, seen };
}

test("currentSetup reads the server's spec and settings", () => {
  const { store } = fixture({ hidden: [{ units: 3, activation: "relu" }] });
  const s = currentSetup(store);
  assert.deepEqual(s.features, ["x1", "x2"]);
  assert.deepEqual(s.hidden, [{ units: 3, activation: "relu" }]);
  assert.equal(s.output, "sigmoid_bce");
  assert.equal(s.task, "classification");
});

test("a setting alone is a PUT settings; the network stays", async () => {
  const { store, seen } = fixture();
  await applyChange(store, { settings: { lr: 0.1 } });
  assert.equal(seen.length, 1);
  assert.equal(seen[0].type, "applySettings");
  assert.deepEqual(seen[0].settings, { lr: 0.1 });
});

test("more features change the input size: spec and settings in one request", async () => {
  const { store, seen } = fixture();
  await applyChange(store, { features: ["x1", "x2", "x1sq"] });
  assert.equal(seen[0].type, "applySpec");
  assert.equal(seen[0].spec.input.channels, 3);
  assert.deepEqual(seen[0].settings, { planar: { features: ["x1", "x2", "x1sq"] } });
});

test("a regression set brings a linear output with squared error, together", async () => {
  const { store, seen } = fixture();
  await applyChange(store, { planar: { set: "gmm" } });
  assert.equal(seen[0].type, "applySpec");
  const out = readSpec({ ...seen[0].spec, layers: seen[0].spec.layers.map((l, i) => ({ ...l, name: `l${i}` })) }).output;
  assert.equal(out.units, 1);
  assert.equal(out.activation, "linear");
  assert.deepEqual(seen[0].settings, { planar: { set: "gmm" }, loss: "mse" });
});

test("back from regression: the usual sigmoid and cross-entropy", async () => {
  const { store, seen } = fixture({ set: "plane", loss: "mse" });
  // the fixture's spec ends in a sigmoid; make it the regression's plain dense layer
  const spec = store.get("spec");
  store.set("spec", { ...spec, layers: spec.layers.slice(0, -1) });
  await applyChange(store, { planar: { set: "xor" } });
  assert.equal(seen[0].type, "applySpec");
  assert.equal(seen[0].spec.layers.at(-1).type, "sigmoid");
  assert.deepEqual(seen[0].settings, { planar: { set: "xor" }, loss: "bce" });
});

test("a change while playing pauses first and plays on after", async () => {
  const { store, seen } = fixture({ playing: true });
  await applyChange(store, { hidden: [] });
  assert.deepEqual(seen.map((r) => r.type), ["stop", "applySpec", "play"]);
  assert.equal(readSpec({ ...seen[1].spec, layers: seen[1].spec.layers.map((l, i) => ({ ...l, name: `l${i}` })) }).hidden.length, 0);
});

test("nothing to change sends nothing", async () => {
  const { store, seen } = fixture();
  await applyChange(store, {});
  assert.equal(seen.length, 0);
});
