// The script of the training-step film: which frame shows what, built from the trace's layer
// list and the tensor names it carries. Pure (no DOM, no numbers computed); tested in Node
// (tests/js/film-frames.test.mjs).
//
// trace = {layers: [{name, type}], tensors: {"conv1.output": ..., "conv1.grad_output": ...}}

import { is } from "../lib/layer-types.js";

const parametrised = (type) => is(type, "params"); // has W and b (the layer table)

/**
 * Frames in playing order:
 *   {phase: "input"}
 *   {phase: "forward", layer, index}          one per layer, first to last
 *   {phase: "loss"}
 *   {phase: "backward", layer, index}         last to first, for layers with a gradient
 *   {phase: "update", layer, index}           first to last, for layers with an update
 */
export function filmFrames(trace) {
  const layers = trace.layers || [];
  const has = (name, kind) => Boolean(trace.tensors && trace.tensors[`${name}.${kind}`]);
  const frames = [{ phase: "input" }];
  layers.forEach((l, index) => frames.push({ phase: "forward", layer: l.name, type: l.type, index }));
  frames.push({ phase: "loss" });
  for (let index = layers.length - 1; index >= 0; index--) {
    const l = layers[index];
    if (has(l.name, "grad_output") || has(l.name, "grad_W")) {
      frames.push({ phase: "backward", layer: l.name, type: l.type, index });
    }
  }
  layers.forEach((l, index) => {
    if (parametrised(l.type) && has(l.name, "update_W")) {
      frames.push({ phase: "update", layer: l.name, type: l.type, index });
    }
  });
  return frames;
}

/** A one-line caption for a frame (what the viewer is looking at). */
export function frameCaption(frame) {
  switch (frame.phase) {
    case "input": return "The input image enters the network.";
    case "forward": return `Forward: ${frame.layer} (${frame.type}) computes its output.`;
    case "loss": return "The loss: how wrong the prediction is for the true label.";
    case "backward": return `Backward: dL/d(output) reaches ${frame.layer}${parametrised(frame.type) ? ", and its weights get their gradient dL/dW" : ""}.`;
    case "update": return `Update: ${frame.layer}'s weights move against their gradient.`;
    default: return "";
  }
}

/**
 * For a layer card at the moment `frame` is shown: has the forward pass reached it, has the
 * backward pass, and is it the layer in focus?
 */
export function layerStatus(frames, at, layerIndex) {
  let forward = false;
  let backward = false;
  let active = false;
  for (let i = 0; i <= at && i < frames.length; i++) {
    const f = frames[i];
    if (f.index !== layerIndex) continue;
    if (f.phase === "forward") forward = true;
    if (f.phase === "backward") backward = true;
    if (i === at) active = true;
  }
  return { forward, backward, active };
}

/** Gather WebSocket messages into one trace: tensor frames by trace_id, then the trace message. */
export function createTraceCollector(seq) {
  const tensors = {};
  let traceId = null;
  return {
    /** Feed a message; returns the finished trace when its `trace` message arrives. */
    take(msg) {
      if (msg.seq !== seq) return null;
      if (msg.type === "tensor") {
        if (traceId === null) traceId = msg.trace_id;
        if (msg.trace_id === traceId) tensors[msg.name || `${msg.layer}.${msg.kind}`] = { shape: msg.shape, data: msg.data };
        return null;
      }
      if (msg.type === "trace") {
        return { ...msg, tensors };
      }
      return null;
    },
  };
}
