import assert from "node:assert/strict";
import { test } from "node:test";
import { createStore } from "../../static/js/store.js";
import { installLayerTypes } from "./layer-fixture.mjs";

installLayerTypes(); // the URL codec reads the layer table (GET /api/layers)

test("get/set/subscribe with changed keys", () => {
  const store = createStore();
  const seen = [];
  const off = store.subscribe(["epoch"], (changed) => seen.push([...changed]));
  store.set("epoch", 1);
  store.set({ epoch: 1, training: true }); // epoch unchanged: only training changed
  store.set("training", false);
  assert.deepEqual(seen, [["epoch"]]);
  off();
  store.set("epoch", 2);
  assert.equal(seen.length, 1);
  assert.equal(store.get("epoch"), 2);
});

test("unknown keys are refused", () => {
  const store = createStore();
  assert.throws(() => store.set("bogus", 1), /unknown key "bogus"/);
  assert.throws(() => store.get("bogus"), /unknown key/);
});

test("persisted keys round-trip through the URL query", () => {
  const a = createStore();
  a.set({
    sessionId: "s1",
    spec: { input: { channels: 1, height: 28, width: 28 }, layers: [{ type: "flatten" }, { type: "dense", units: 10 }, { type: "softmax" }] },
    settings: { dataset: "shapes", optimizer: "adam", lr: 0.001, batch_size: 16, seed: 3, split: { train: 0.7, val: 0.2, test: 0.1 } },
    epoch: 5,
  });
  const b = createStore();
  b.fromQuery(a.toQuery());
  for (const key of a.persistedKeys) assert.deepEqual(b.get(key), a.get(key), key);
  assert.equal(b.get("epoch"), 0, "epoch is not persisted in the URL");
  assert.deepEqual(a.persistedKeys, ["sessionId", "spec", "settings"]);
});
