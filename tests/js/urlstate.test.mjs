import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeState, encodeState, layerNames, layerToToken, tokenToLayer } from "../../static/js/lib/urlstate.js";
import { installLayerTypes } from "./layer-fixture.mjs";

installLayerTypes(); // the URL codec reads the layer table (GET /api/layers)

const tiny = {
  input: { channels: 1, height: 28, width: 28 },
  layers: [
    { type: "conv2d", filters: 8, kernel: 3, stride: 1, padding: 1 },
    { type: "relu" },
    { type: "pool", mode: "max", size: 2, stride: 2 },
    { type: "flatten" },
    { type: "dense", units: 10 },
    { type: "softmax" },
  ],
};

test("tiny spec reads as a short readable string", () => {
  const q = encodeState({ spec: tiny });
  assert.equal(q, "in=1x28x28&arch=conv8k3p1-relu-maxpool2-flatten-dense10-softmax");
});

test("every layer kind round-trips", () => {
  const layers = [
    { type: "conv2d", filters: 16, kernel: 5, stride: 2, padding: "same", frozen: true, name: "edges" },
    { type: "conv2d", filters: 4, kernel: 3, stride: 1, padding: "valid" },
    { type: "pool", mode: "min", size: 3, stride: 1 },
    { type: "pool", mode: "avg", size: 2, stride: 2 },
    { type: "global_pool", mode: "avg" },
    { type: "leaky_relu", slope: 0.05 },
    { type: "sigmoid" }, { type: "tanh" }, { type: "flatten" },
    { type: "dropout", rate: 0.25 },
    { type: "dense", units: 64, frozen: true },
    { type: "softmax" },
  ];
  for (const layer of layers) assert.deepEqual(tokenToLayer(layerToToken(layer)), layer);
});

test("session, spec and settings round-trip through a query string", () => {
  const settings = {
    dataset: "mnist", optimizer: "momentum", lr: 0.05, momentum: 0.9, batch_size: 32,
    weight_decay: 0.0001, loss: "cross_entropy", seed: 7, dataset_size: 2000, split: { train: 0.8, val: 0.1, test: 0.1 },
  };
  const q = encodeState({ sessionId: "abc_DEF-123", spec: tiny, settings });
  assert.match(q, /split=0.8,0.1,0.1/);
  const back = decodeState("?" + q);
  assert.equal(back.sessionId, "abc_DEF-123");
  assert.deepEqual(back.spec, tiny);
  assert.deepEqual(back.settings, settings);
});

test("bad URL parts raise readable errors", () => {
  assert.throws(() => decodeState("arch=conv8k3-banana"), /banana/);
  assert.throws(() => decodeState("arch=relu&in=28x28"), /input shape/);
  assert.throws(() => decodeState("lr=fast"), /lr="fast"/);
  assert.throws(() => decodeState("split=0.5,0.5"), /split/);
});

test("an empty query gives nothing", () => {
  assert.deepEqual(decodeState(""), {});
});

test("the engine's automatic names and frozen:false stay out of the URL, custom names stay", () => {
  const normalised = {
    input: { channels: 1, height: 28, width: 28 },
    layers: [
      { type: "conv2d", filters: 8, kernel: 3, stride: 1, padding: 1, frozen: false, name: "conv1" },
      { type: "relu", name: "relu1" },
      { type: "conv2d", filters: 4, kernel: 3, stride: 1, padding: 0, frozen: false, name: "edges" },
      { type: "flatten", name: "flatten1" },
      { type: "dense", units: 10, frozen: false, name: "dense1" },
      { type: "softmax", name: "softmax1" },
    ],
  };
  assert.equal(encodeState({ spec: normalised }), "in=1x28x28&arch=conv8k3p1-relu-conv4k3~edges-flatten-dense10-softmax");
});

test("layerNames follows the engine's rule: prefix and count per type, custom names kept", () => {
  const layers = [{ type: "conv2d" }, { type: "relu" }, { type: "conv2d", name: "conv1" }, { type: "conv2d" }, { type: "leaky_relu" }, { type: "global_pool" }];
  assert.deepEqual(layerNames(layers), ["conv2", "relu1", "conv1", "conv3", "lrelu1", "gpool1"]);
});

test("the lab's planar settings and l1 round-trip, readable, only for the planar dataset", () => {
  const spec = {
    input: { channels: 3, height: 1, width: 1 },
    layers: [{ type: "flatten" }, { type: "dense", units: 8 }, { type: "linear" }, { type: "dense", units: 1 }, { type: "sigmoid" }],
  };
  const settings = {
    dataset: "planar", lr: 0.03, batch_size: 10, seed: 4, l1: 0.001,
    planar: { set: "custom", noise: 0.1, train_ratio: 0.5, count: 200, features: ["x1", "x2", "x1sq"], points: [[1.5, -2, 1], [0, 3.25, 0]] },
  };
  const q = encodeState({ spec, settings });
  assert.match(q, /arch=flatten-dense8-linear-dense1-sigmoid/);
  assert.match(q, /feat=x1,x2,x1sq/);
  assert.match(q, /pts=1.5,-2,1;0,3.25,0/);
  assert.match(q, /l1=0.001/);
  const back = decodeState(q);
  assert.deepEqual(back.spec, spec);
  assert.deepEqual(back.settings.planar, settings.planar);
  assert.equal(back.settings.l1, 0.001);
  // the playground's settings carry planar defaults too: they stay out of its URL
  const cnn = encodeState({ settings: { dataset: "mnist", l1: 0, planar: { set: "spiral", features: ["x1"] } } });
  assert.doesNotMatch(cnn, /set=|feat=|l1=/);
  assert.deepEqual(decodeState("ds=planar&pts=").settings.planar, { points: [] });
  assert.throws(() => decodeState("pts=1,2"), /point "1,2"/);
  assert.throws(() => decodeState("noise=abc"), /noise="abc"/);
  assert.throws(() => decodeState("l1=x"), /l1="x"/);
});
