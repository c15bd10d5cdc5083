// The film's large picture for one frame: the input, a layer's output, the loss, a layer's
// gradients, or a weight update (before, change, after). Everything comes from the trace.

import { absMax, fmt } from "../ui/colors.js";
import { el, clear } from "../ui/dom.js";
import { lossLabelPhrase } from "./loss-label.js";
import { figure, kernels } from "./pictures.js";
import { percentText } from "../lib/percent.js";

const MAX_LISTED = 16; // a vector this short is listed in numbers under its strip of colours

/** A short vector output (a dense layer's units, the softmax's probabilities) in numbers: its
 * strip of colours alone gives no value. [] for maps and long vectors. */
function vectorValues(t, type, name) {
  if (t.shape.length !== 1 || t.shape[0] > MAX_LISTED) return [];
  const softmax = type === "softmax";
  return [el("ol", { class: "nn-film-values", "data-role": "film-values", start: "0" },
    ...Array.from(t.data, (v, i) => el("li", { "data-value": String(v) },
      `${softmax ? name(i) : `unit ${i}`}: ${softmax ? percentText(v) : fmt(v)}`)))];
}

// The (C, H, W) shape of what a layer received, when the trace shows it: the previous
// layer's output, looking through a flatten to the maps it flattened. Layout only.
function inputMaps(trace, index, count) {
  const tensor = (layer, kind) => trace.tensors[`${layer}.${kind}`] || null;
  for (let j = index - 1; j >= -1; j--) {
    const t = j >= 0 ? tensor(trace.layers[j].name, "output") : tensor("input", "input");
    if (!t) return null;
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== count) return null;
    if (t.shape.length === 3) return { shape: t.shape, from: j >= 0 ? trace.layers[j].name : "the input" };
    if (t.shape.length !== 1 || j < 0 || trace.layers[j].type !== "flatten") return null;
  }
  return null;
}

/**
 * Draw `frame` of `trace` into `focus` (the film's large picture). `words`: {names, source}
 * (the class names and where the trace's label came from, for the loss frame's sentence).
 */
export function renderFocus(focus, trace, frame, words) {
  const tensor = (layer, kind) => trace.tensors[`${layer}.${kind}`] || null;
  const name = (i) => (i === undefined || i === null ? "?" : words.names[i] ?? String(i));
  clear(focus);
  if (frame.phase === "input") {
    const t = tensor("input", "input");
    if (t) focus.append(figure("the input the network sees", t, 140, 1));
    return;
  }
  if (frame.phase === "forward") {
    const t = tensor(frame.layer, "output");
    if (t) focus.append(figure(`${frame.layer} output ${t.shape.join("×")}`, t, 70, 16));
    if (t) focus.append(...vectorValues(t, trace.layers.find((l) => l.name === frame.layer)?.type, name));
    return;
  }
  if (frame.phase === "loss") {
    const out = trace.layers.length ? tensor(trace.layers.at(-1).name, "output") : null;
    focus.append(el("p", { class: "nn-film-loss", "data-role": "loss", "data-value": String(trace.loss) }, `loss = ${fmt(trace.loss)}`),
      el("p", { "data-role": "loss-label" }, `the loss is for ${lossLabelPhrase(words.names, trace.label, words.source)}; the network predicted ${name(trace.prediction)}`));
    if (out) focus.append(figure("what the network output", out, 200, 1));
    return;
  }
  if (frame.phase === "backward") {
    const g = tensor(frame.layer, "grad_output");
    if (g) focus.append(figure(`dL/d(${frame.layer} output)`, g, 70, 16, "gradient"));
    const gw = tensor(frame.layer, "grad_W");
    if (gw) focus.append(kernels(`dL/dW of ${frame.layer}`, gw, "weight gradient"));
    return;
  }
  if (frame.phase === "update") {
    const w = tensor(frame.layer, "W");
    const u = tensor(frame.layer, "update_W");
    const after = tensor(frame.layer, "W_after");
    const dense = [w, u, after].some((t) => t && t.shape.length === 2);
    const row = el("div", { class: `nn-film-kernels${dense ? " nn-film-dense" : ""}` });
    const maps = w && w.shape.length === 2 ? inputMaps(trace, frame.index, w.shape[0]) : null;
    // before and after on one colour scale: a weight that did not move keeps its colour (each
    // on its own, the after column looked faded whenever the step grew the largest weight)
    const weightLim = Math.max(w ? absMax(w.data) : 0, after ? absMax(after.data) : 0);
    if (w) row.append(kernels(`${frame.layer} weights before the step`, w, "weight", maps, weightLim));
    if (u) row.append(kernels("the change (update applied)", u, "change", maps));
    if (after) row.append(kernels("after the step", after, "weight", maps, weightLim));
    focus.append(row);
    if (!after) {
      focus.append(el("p", { class: "nn-note" }, "The server sends the weights and the update; the weights after the step are not in this trace."));
    }
  }
}
