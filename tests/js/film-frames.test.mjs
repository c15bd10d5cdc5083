// The film's script (static/js/film/frames.js): order of phases, which layers get frames.
import test from "node:test";
import assert from "node:assert/strict";
import { filmFrames, layerStatus, createTraceCollector, frameCaption } from "../../static/js/film/frames.js";
import { installLayerTypes } from "./layer-fixture.mjs";

installLayerTypes(); // the film asks the layer table which layers have weights

const t = (names) => Object.fromEntries(names.map((n) => [n, { shape: [1], data: new Float32Array(1) }]));
const trace = {
  layers: [
    { name: "conv1", type: "conv2d" }, { name: "relu1", type: "relu" }, { name: "pool1", type: "pool" },
    { name: "flatten1", type: "flatten" }, { name: "dense1", type: "dense" }, { name: "softmax1", type: "softmax" },
  ],
  tensors: t([
    "input.input", "conv1.output", "relu1.output", "pool1.output", "flatten1.output", "dense1.output", "softmax1.output",
    // softmax is fused with the loss: no grad_output of its own
    "dense1.grad_output", "flatten1.grad_output", "pool1.grad_output", "relu1.grad_output", "conv1.grad_output",
    "conv1.grad_W", "dense1.grad_W", "conv1.update_W", "dense1.update_W", "conv1.W", "dense1.W",
  ]),
};

test("forward first to last, loss, backward last to first, then the updates", () => {
  const frames = filmFrames(trace);
  const script = frames.map((f) => (f.layer ? `${f.phase}:${f.layer}` : f.phase));
  assert.deepEqual(script, [
    "input",
    "forward:conv1", "forward:relu1", "forward:pool1", "forward:flatten1", "forward:dense1", "forward:softmax1",
    "loss",
    "backward:dense1", "backward:flatten1", "backward:pool1", "backward:relu1", "backward:conv1",
    "update:conv1", "update:dense1",
  ]);
  for (const f of frames) assert.ok(frameCaption(f).length > 10);
});

test("layers without an update get no update frame", () => {
  const frozen = { ...trace, tensors: { ...trace.tensors } };
  delete frozen.tensors["conv1.update_W"]; // its weights are still sent, but nothing moved
  const updates = filmFrames(frozen).filter((f) => f.phase === "update").map((f) => f.layer);
  assert.deepEqual(updates, ["dense1"]);
});

test("layer status follows the frame being shown", () => {
  const frames = filmFrames(trace);
  const conv = 0;
  const atForwardConv = frames.findIndex((f) => f.phase === "forward" && f.layer === "conv1");
  assert.deepEqual(layerStatus(frames, 0, conv), { forward: false, backward: false, active: false });
  assert.deepEqual(layerStatus(frames, atForwardConv, conv), { forward: true, backward: false, active: true });
  const atBackConv = frames.findIndex((f) => f.phase === "backward" && f.layer === "conv1");
  assert.deepEqual(layerStatus(frames, atBackConv, conv), { forward: true, backward: true, active: true });
  assert.deepEqual(layerStatus(frames, atBackConv - 1, conv), { forward: true, backward: false, active: false });
});

test("the collector keeps one trace's tensors and ignores other commands' messages", () => {
  const c = createTraceCollector(7);
  const d = new Float32Array([1, 2]);
  assert.equal(c.take({ seq: 7, type: "ack" }), null);
  assert.equal(c.take({ seq: 7, type: "tensor", trace_id: 3, name: "conv1.output", shape: [2], data: d }), null);
  assert.equal(c.take({ seq: 9, type: "tensor", trace_id: 4, name: "conv1.grad_W", shape: [2], data: d }), null);
  assert.equal(c.take({ seq: 7, type: "tensor", trace_id: 3, name: "conv1.grad_output", shape: [2], data: d }), null);
  const done = c.take({ seq: 7, type: "trace", trace_id: 3, loss: 0.5, layers: [] });
  assert.deepEqual(Object.keys(done.tensors), ["conv1.output", "conv1.grad_output"]);
  assert.equal(done.loss, 0.5);
  assert.equal(done.tensors["conv1.output"].data, d);
});
