import assert from "node:assert/strict";
import { test } from "node:test";
import { FIXTURE, installLayerTypes } from "./layer-fixture.mjs";
import {
  fieldOf, inputLimits, is, layerType, layerTypes, maxLayers, namePrefix, newLayer, setLayerTypes, valueOf,
} from "../../static/js/lib/layer-types.js";
import { decodeState, encodeState, layerNames, layerToToken, tokenToLayer } from "../../static/js/lib/urlstate.js";

test("nothing reads the table before it is loaded, and a broken reply is refused", () => {
  assert.throws(() => layerTypes(), /not loaded/);
  assert.throws(() => setLayerTypes({ types: [] }), /no types/);
  assert.throws(() => setLayerTypes({ types: [{ type: "x", prefix: "x", fields: [{ key: "k", kind: "colour" }] }] }), /unknown field kind/);
  assert.throws(() => layerTypes(), /not loaded/);
});

test("the table answers from the server's reply", () => {
  installLayerTypes();
  assert.deepEqual(layerTypes().map((t) => t.type), FIXTURE.types.map((t) => t.type));
  assert.equal(namePrefix("leaky_relu"), "lrelu");
  assert.equal(fieldOf("dense", "units").max, FIXTURE.types.find((t) => t.type === "dense").fields[0].max);
  assert.equal(layerType("banana"), null);
  assert.equal(is("relu", "rectifier"), true);
  assert.equal(is("sigmoid", "rectifier"), false);
  assert.equal(is("linear", "elementwise"), true);
  assert.equal(is("banana", "elementwise"), false);
  assert.deepEqual(inputLimits().map((f) => f.key), ["channels", "height", "width"]);
  assert.equal(maxLayers(), FIXTURE.max_layers);
});

test("a pool's stride is its size unless set; other keys fall back to their default", () => {
  installLayerTypes();
  assert.equal(valueOf({ type: "pool", size: 3 }, "stride"), 3);
  assert.equal(valueOf({ type: "pool", size: 3, stride: 1 }, "stride"), 1);
  assert.equal(valueOf({ type: "global_pool" }, "mode"), fieldOf("global_pool", "mode").default);
  assert.equal(valueOf({ type: "relu" }, "slope"), undefined);
});

test("a new layer starts at each key's suggestion or default, frozen left out", () => {
  installLayerTypes();
  for (const t of layerTypes()) {
    const layer = newLayer(t.type);
    assert.equal(layer.type, t.type);
    for (const f of t.fields) {
      if (f.kind === "bool") assert.equal(layer[f.key], undefined, `${t.type}.${f.key}`);
      else assert.notEqual(layer[f.key], undefined, `${t.type}.${f.key}`);
    }
  }
  assert.deepEqual(newLayer("pool"), { type: "pool", mode: "max", size: 2, stride: 2 });
  assert.deepEqual(newLayer("relu"), { type: "relu" });
});

test("every type of the table round-trips through the URL, new layers and all-keys layers", () => {
  installLayerTypes();
  for (const t of layerTypes()) {
    const plain = newLayer(t.type);
    assert.deepEqual(tokenToLayer(layerToToken(plain)), plain, t.type);
    const full = { ...plain };
    for (const f of t.fields) if (f.kind === "bool") full[f.key] = true;
    assert.deepEqual(tokenToLayer(layerToToken(full)), full, `${t.type} with every key`);
  }
  assert.equal(layerToToken({ type: "linear" }), "linear");
});

test("a type the table does not have, with keys, is read from its generic token", () => {
  const demo = { type: "demo_act", label: "demo", prefix: "demo", fields: [
    { key: "alpha", kind: "number", default: 1, min: 0, max: 10 },
    { key: "mode", kind: "choice", default: "a", choices: ["a", "b"] },
    { key: "frozen", kind: "bool", default: false },
  ], activation: true, elementwise: true };
  setLayerTypes({ ...FIXTURE, types: [...FIXTURE.types, demo] });
  const layer = { type: "demo_act", alpha: 0.5, mode: "b", frozen: true };
  assert.equal(layerToToken(layer), "demo_act.alpha0.5.modeb.frozen");
  assert.deepEqual(tokenToLayer("demo_act.alpha0.5.modeb.frozen"), layer);
  assert.deepEqual(tokenToLayer("demo_act"), { type: "demo_act" });
  assert.throws(() => tokenToLayer("demo_act.alphaX"), /cannot read layer/);
  assert.deepEqual(layerNames([{ type: "demo_act" }, { type: "demo_act" }]), ["demo1", "demo2"]);
  installLayerTypes();
  assert.throws(() => tokenToLayer("demo_act"), /cannot read layer/);
});

test("every URL the old codec wrote reads exactly as before", () => {
  installLayerTypes();
  const arch = "conv16k5s2psameF~edges-conv4k3pvalid-minpool3s1-avgpool2-gavgpool-gmaxpool-lrelu0.05-relu-sigmoid-tanh-flatten-drop0.25-dense64F-softmax";
  const spec = decodeState(`in=3x32x32&arch=${arch}`).spec;
  assert.deepEqual(spec.layers, [
    { type: "conv2d", filters: 16, kernel: 5, stride: 2, padding: "same", frozen: true, name: "edges" },
    { type: "conv2d", filters: 4, kernel: 3, stride: 1, padding: "valid" },
    { type: "pool", mode: "min", size: 3, stride: 1 },
    { type: "pool", mode: "avg", size: 2, stride: 2 },
    { type: "global_pool", mode: "avg" },
    { type: "global_pool", mode: "max" },
    { type: "leaky_relu", slope: 0.05 },
    { type: "relu" }, { type: "sigmoid" }, { type: "tanh" }, { type: "flatten" },
    { type: "dropout", rate: 0.25 },
    { type: "dense", units: 64, frozen: true },
    { type: "softmax" },
  ]);
  assert.equal(encodeState({ spec }), `in=3x32x32&arch=${arch}`);
});
