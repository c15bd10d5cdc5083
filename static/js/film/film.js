// The training step as a film: the forward sweep layer by layer, the loss, the backward sweep
// from the loss to the first layer (dL/d(output) maps, each kernel's dL/dW), then the update
// (each kernel before, the change, and after). Every tensor comes from the server's trace
// (WebSocket `trace` command); the browser only draws and indexes.

import { createAnimator } from "../ui/animator.js";
import { createGridRenderer } from "../ui/grid.js";
import { absMax, fmt, createDivergingLegend } from "../ui/colors.js";
import { paintMap } from "../lib/colors.js";
import { el, button, clear } from "../ui/dom.js";
import { filmFrames, frameCaption, layerStatus } from "./frames.js";
import { recordTrace } from "./record.js";
import { createLossLabel, lossLabelPhrase } from "./loss-label.js";

const SPEEDS = [0.5, 1, 2, 4];

export function createFilm(container, store) {
  const root = el("section", { class: "nn-film", "data-view": "film", "data-state": "empty" });
  container.append(root);
  const recordBtn = button("● Record one training step", "Record one training step on the current input", record, "nn-record");
  const playBtn = button("▶ Play", "Play the film", () => animator && animator.toggle(), "nn-play");
  const backBtn = button("◀", "Previous frame", () => animator && animator.step(-1));
  const stepBtn = button("▶|", "Next frame", () => animator && animator.step(1));
  const scrub = el("input", { type: "range", min: "0", max: "0", value: "0", "aria-label": "Film position", class: "nn-scrub" });
  scrub.addEventListener("input", () => animator && animator.seek(Number(scrub.value)));
  const speedSel = el("select", { "aria-label": "Film speed in frames per second" });
  for (const s of SPEEDS) speedSel.append(el("option", { value: String(s) }, `${s} frames/s`));
  speedSel.value = "1";
  speedSel.addEventListener("change", () => animator && animator.setSpeed(Number(speedSel.value)));
  const position = el("span", { class: "nn-position", "aria-live": "polite" });
  const status = el("p", { class: "nn-hint" },
    "Record a training step to watch it: the input flows forward, the loss is measured, the gradient flows back, and the weights move. "
    + "(The step is traced on the current input; it does not change your model.)");
  const phase = el("p", { class: "nn-film-phase", "aria-live": "polite" });
  const strip = el("div", { class: "nn-film-strip", role: "list", "aria-label": "layers of the network" });
  const focus = el("div", { class: "nn-film-focus" });
  const controls = el("div", { class: "nn-controls", role: "group", "aria-label": "Film controls" },
    recordBtn, backBtn, playBtn, stepBtn, scrub, el("label", {}, "speed ", speedSel), position);
  const lossLabel = createLossLabel(store);
  root.append(el("h3", { class: "nn-detail-title" }, "One training step, as a film"), status, lossLabel.node, controls, phase, strip, focus);
  for (const b of [playBtn, backBtn, stepBtn]) b.disabled = true;
  scrub.disabled = true;

  let trace = null;
  let frames = [];
  let animator = null;
  let cards = [];
  let pending = 0; // recordings asked for
  let recorded = ""; // what was recorded: the first part of the status line
  let traceSource = null; // where the trace's label came from: "sample" or "chosen"

  function record() {
    if (!store.get("sessionId")) {
      status.textContent = "No session yet.";
      return;
    }
    const target = lossLabel.current();
    if (target.label === null) {
      status.textContent = "Choose the label first: the loss of a training step is measured against the label the input should have.";
      lossLabel.ask();
      return;
    }
    root.dataset.state = "recording";
    status.textContent = "Recording: the server runs one forward and backward pass…";
    const mine = ++pending; // only the latest recording is shown
    recordTrace(store, { label: target.label }).then(
      (done) => mine === pending && load(done, target.source),
      (err) => {
        if (mine !== pending) return;
        root.dataset.state = trace ? "ready" : "empty";
        status.textContent = `The server refused the trace: ${err.message}`;
      },
    );
  }

  function load(t, source) {
    trace = t;
    traceSource = source;
    frames = filmFrames(t);
    if (animator) animator.destroy();
    animator = createAnimator({ count: frames.length, speed: Number(speedSel.value) });
    animator.subscribe(show);
    scrub.max = String(frames.length - 1);
    for (const b of [playBtn, backBtn, stepBtn]) b.disabled = false;
    scrub.disabled = false;
    recorded = `Recorded: loss ${fmt(t.loss)} for ${lossLabelPhrase(labelNames(), t.label, source)}; the network predicted ${labelName(t.prediction)}.`;
    root.dataset.label = String(t.label);
    buildStrip();
    root.dataset.state = "ready";
    show(animator.state());
  }

  function labelNames() {
    return (store.get("lastForward") || {}).class_names || store.get("classNames") || [];
  }

  function labelName(i) {
    const names = labelNames();
    return i === undefined || i === null ? "?" : names[i] ?? String(i);
  }

  function tensor(layer, kind) {
    return trace.tensors[`${layer}.${kind}`] || null;
  }

  function buildStrip() {
    clear(strip);
    cards = [];
    const inputCard = el("div", { class: "nn-film-layer", role: "listitem" }, el("h5", {}, "input"));
    const inp = tensor("input", "input");
    if (inp) inputCard.append(thumbs(inp, 48, 1));
    strip.append(inputCard);
    trace.layers.forEach((l) => {
      const card = el("div", { class: "nn-film-layer", role: "listitem", "data-layer": l.name },
        el("h5", {}, `${l.name}`), el("div", { class: "nn-film-maps" }));
      const dead = trace.dead && trace.dead[l.name];
      if (dead !== undefined && dead !== null) {
        card.append(el("span", { class: "nn-dead", title: deadTitle(trace.dead_batch) }, `dead: ${(100 * dead).toFixed(0)}%`));
      }
      strip.append(card);
      cards.push(card);
    });
    root._inputCard = inputCard;
  }

  function show(state) {
    const at = state.index;
    const frame = frames[at];
    scrub.value = String(at);
    position.textContent = `frame ${at + 1} of ${frames.length}`;
    playBtn.textContent = state.playing ? "❚❚ Pause" : "▶ Play";
    playBtn.setAttribute("aria-pressed", String(state.playing));
    root.dataset.frame = String(at);
    root.dataset.frames = String(frames.length);
    root.dataset.phase = frame.phase;
    root.dataset.state = state.playing ? "playing" : state.atEnd ? "done" : "ready";
    showStatus(state);
    phase.textContent = frameCaption(frame);
    root._inputCard.classList.toggle("nn-active", frame.phase === "input");
    trace.layers.forEach((l, i) => {
      const s = layerStatus(frames, at, i);
      const card = cards[i];
      card.classList.toggle("nn-active", s.active);
      card.classList.toggle("nn-done-forward", s.forward && !s.backward);
      card.classList.toggle("nn-done-backward", s.backward);
      const maps = card.querySelector(".nn-film-maps");
      const kind = s.backward ? "grad_output" : s.forward ? "output" : null;
      if (maps.dataset.kind !== String(kind)) {
        maps.dataset.kind = String(kind);
        clear(maps);
        const t = kind && tensor(l.name, kind);
        if (t) maps.append(thumbs(t, 22, 8));
        else if (kind === "grad_output") maps.append(el("span", { class: "nn-note" }, "fused with the loss"));
      }
    });
    renderFocus(frame);
  }

  // The status line: what was recorded, then what pressing play does from here.
  function showStatus(state) {
    const updates = frames.some((f) => f.phase === "update");
    const next = state.playing ? "Playing…"
      : state.atEnd ? "End of the step. Press play to watch it again."
        : state.index === 0 ? "Press play." : "Press play to go on.";
    const text = `${recorded} ${next}`
      + (updates ? "" : " (No update is shown: this model has not been trained yet, so it has no optimizer to take the step.)");
    if (status.textContent !== text) status.textContent = text;
  }

  // The (C, H, W) shape of what a layer received, when the trace shows it: the previous
  // layer's output, looking through a flatten to the maps it flattened. Layout only.
  function inputMaps(index, count) {
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

  function renderFocus(frame) {
    clear(focus);
    if (frame.phase === "input") {
      const t = tensor("input", "input");
      if (t) focus.append(figure("the input the network sees", t, 140, 1));
      return;
    }
    if (frame.phase === "forward") {
      const t = tensor(frame.layer, "output");
      if (t) focus.append(figure(`${frame.layer} output ${t.shape.join("×")}`, t, 70, 16));
      return;
    }
    if (frame.phase === "loss") {
      const out = trace.layers.length ? tensor(trace.layers.at(-1).name, "output") : null;
      focus.append(el("p", { class: "nn-film-loss", "data-role": "loss", "data-value": String(trace.loss) }, `loss = ${fmt(trace.loss)}`),
        el("p", { "data-role": "loss-label" }, `the loss is for ${lossLabelPhrase(labelNames(), trace.label, traceSource)}; the network predicted ${labelName(trace.prediction)}`));
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
      const maps = w && w.shape.length === 2 ? inputMaps(frame.index, w.shape[0]) : null;
      if (w) row.append(kernels(`${frame.layer} weights before the step`, w, "weight", maps));
      if (u) row.append(kernels("the change (update applied)", u, "change", maps));
      if (after) row.append(kernels("after the step", after, "weight", maps));
      focus.append(row);
      if (!after) {
        focus.append(el("p", { class: "nn-note" }, "The server sends the weights and the update; the weights after the step are not in this trace."));
      }
    }
  }

  function figure(caption, t, px, maxMaps, legendCaption = "value") {
    const lim = absMax(t.data);
    return el("figure", { class: "nn-fig" }, el("figcaption", {}, caption), thumbs(t, px, maxMaps, lim),
      createDivergingLegend(document, lim, legendCaption));
  }

  // Kernels of a conv (F, C, k, k): one grid per filter (input channel 0 when C > 1).
  // A dense W (in, out): one picture per unit (see denseLayout); `maps` is inputMaps().
  function kernels(caption, t, legendCaption, maps = null) {
    const lim = absMax(t.data);
    const box = el("figure", { class: "nn-fig" }, el("figcaption", {}, caption));
    const grid = el("div", { class: "nn-film-maps" });
    if (t.shape.length === 4) {
      const [F, C, k] = t.shape;
      for (let f = 0; f < Math.min(F, 16); f++) {
        const c = el("canvas", { role: "img", "aria-label": `${caption}, filter ${f}` });
        const base = f * C * k * k;
        createGridRenderer(c).draw({ rows: k, cols: k, cellSize: k <= 3 ? 14 : 8, gap: 1, limit: lim,
          value: (r, x) => t.data[base + r * k + x] });
        grid.append(c);
      }
      if (C > 1) box.append(el("span", { class: "nn-note" }, "input channel 0 of each filter"));
    } else if (t.shape.length === 2) {
      // dense W (in, out): one picture per unit of its `in` weights. When the inputs were maps
      // (a flatten of C maps of H×W), the weights are laid out as those maps, so a unit's
      // picture shows where on each map it looks; otherwise they wrap into a near-square block.
      const [nIn, nOut] = t.shape;
      const shown = Math.min(nOut, 16);
      const layout = denseLayout(nIn, maps && maps.shape);
      grid.classList.add("nn-film-units");
      for (let u = 0; u < shown; u++) {
        const column = new Float32Array(nIn);
        for (let i = 0; i < nIn; i++) column[i] = t.data[i * nOut + u]; // W[i][u], indexing only
        grid.append(el("span", { class: "nn-film-unit" }, el("span", {}, `unit ${u}`),
          unitCanvas(column, layout, lim, `${caption}, unit ${u}: ${nIn} weights`)));
      }
      box.append(el("span", { class: "nn-note" }, layout.maps
        ? `each unit's ${nIn} weights as the ${layout.maps} maps of ${layout.h}×${layout.w} from ${maps.from}`
        : `each unit's ${nIn} weights, ${layout.w} to a row`));
      if (nOut > shown) box.append(el("span", { class: "nn-note" }, `the first ${shown} of ${nOut} units`));
    } else {
      grid.append(thumbs(t, 200, 1, lim));
    }
    box.append(grid, createDivergingLegend(document, lim, legendCaption));
    return box;
  }

  return {
    update() {},
    destroy() {
      if (animator) animator.destroy();
      pending += 1; // a recording still under way is not shown
      lossLabel.destroy();
      root.remove();
    },
  };
}

/** Small canvases for a (C, H, W) tensor (up to maxMaps channels) or one strip for a vector. */
function thumbs(t, px, maxMaps, limit) {
  const lim = limit ?? absMax(t.data);
  const wrap = el("div", { class: "nn-film-maps" });
  let C;
  let H;
  let W;
  if (t.shape.length === 3) [C, H, W] = t.shape;
  else if (t.shape.length === 2) { C = 1; [H, W] = t.shape; }
  else { C = 1; H = 1; W = t.data.length; }
  for (let c = 0; c < Math.min(C, maxMaps); c++) {
    const canvas = el("canvas", { role: "img", "aria-label": `map ${c}, ${H} by ${W}` });
    const img = new ImageData(W, H);
    paintMap(t.data, c * H * W, H, W, lim, img.data);
    const zoom = Math.max(1, Math.floor(px / Math.max(H, W)));
    const scaleH = H === 1 ? Math.max(8, zoom) : zoom * H;
    const scaleW = H === 1 ? Math.min(px * 3, Math.max(W, W * Math.floor(px * 3 / W))) : zoom * W;
    canvas.width = scaleW;
    canvas.height = scaleH;
    const tmp = document.createElement("canvas");
    tmp.width = W;
    tmp.height = H;
    tmp.getContext("2d").putImageData(img, 0, 0);
    const ctx = canvas.getContext("2d");
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(tmp, 0, 0, scaleW, scaleH);
    wrap.append(canvas);
  }
  if (C > maxMaps) wrap.append(el("span", { class: "nn-note" }, `+${C - maxMaps} more`));
  return wrap;
}

/** Which batch the dead-unit fraction was counted on, from the trace's `dead_batch`. */
function deadTitle(batch) {
  const where = {
    last_batch: "the last batch trained on",
    first_batch: "the first training batch (nothing trained yet)",
    sample: "this sample alone (the session has no data)",
  }[batch?.source] ?? "a batch";
  const size = batch?.size ? ` (${batch.size} samples)` : "";
  return `fraction of units that never fired on ${where}${size}`;
}

// How a dense unit's weights are drawn: C maps of H×W in a grid of `cols` (maps) or one block
// `w` wide; `zoom` screen pixels per weight, so a picture is about 120 px wide.
function denseLayout(nIn, shape) {
  if (shape && shape[0] * shape[1] * shape[2] === nIn) {
    const [C, h, w] = shape;
    const cols = Math.min(C, 4);
    const rows = Math.ceil(C / cols);
    const gap = 1;
    const width = cols * w + (cols - 1) * gap;
    const zoom = Math.max(1, Math.min(6, Math.floor(124 / width)));
    return { maps: C, h, w, cols, rows, gap, zoom, width: width * zoom, height: (rows * h + (rows - 1) * gap) * zoom };
  }
  const w = Math.min(nIn, Math.ceil(Math.sqrt(nIn)));
  const h = Math.ceil(nIn / w);
  const zoom = Math.max(1, Math.min(12, Math.floor(124 / w)));
  return { maps: 0, h, w, cols: 1, rows: 1, gap: 0, zoom, width: w * zoom, height: h * zoom };
}

/** One dense unit's weights on a canvas, laid out by denseLayout (indexing only). */
function unitCanvas(values, layout, limit, label) {
  const { h, w, cols, gap, zoom } = layout;
  const canvas = el("canvas", { role: "img", width: String(layout.width), height: String(layout.height), "aria-label": label });
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = false;
  const blocks = layout.maps || 1;
  for (let m = 0; m < blocks; m++) {
    const img = new ImageData(w, h);
    const filled = Math.min(h * w, values.length - m * h * w);
    if (filled === h * w) paintMap(values, m * h * w, h, w, limit, img.data);
    else {
      // the last row of a wrapped block is not full: paint what there is, the rest stays clear
      const part = new Float32Array(h * w);
      part.set(values.subarray(m * h * w, m * h * w + filled));
      paintMap(part, 0, h, w, limit, img.data);
      for (let i = filled; i < h * w; i++) img.data[i * 4 + 3] = 0;
    }
    const tmp = document.createElement("canvas");
    tmp.width = w;
    tmp.height = h;
    tmp.getContext("2d").putImageData(img, 0, 0);
    const x = (m % cols) * (w + gap) * zoom;
    const y = Math.floor(m / cols) * (h + gap) * zoom;
    ctx.drawImage(tmp, x, y, w * zoom, h * zoom);
  }
  return canvas;
}
