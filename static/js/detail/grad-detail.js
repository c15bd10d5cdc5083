// Gradient detail: the same layer and channel, seen backwards. A training step is traced on
// the current input (WebSocket `trace`; the server computes and undoes it, the model is not
// changed) and the view shows the channel's output next to dL/d(output), and for a conv filter
// or dense unit its weight gradient dL/dW and dL/db. Every number comes from the trace.

import { recordTrace } from "../film/record.js";
import { createGridRenderer } from "../ui/grid.js";
import { absMax, fmt, createDivergingLegend } from "../ui/colors.js";
import { el, button, clear } from "../ui/dom.js";
import { createLossLabel, lossLabelPhrase } from "../film/loss-label.js";

export function createGradDetail(container, store) {
  const root = el("section", { class: "nn-detail nn-grad-detail", "data-view": "grad-detail", "data-state": "empty" });
  container.append(root);
  const title = el("h3", { class: "nn-detail-title" });
  const blurb = el("p", { class: "nn-detail-blurb" });
  const again = button("↻ Trace again", "Trace the training step again on the current input", () => load());
  const status = el("span", { class: "nn-note", "aria-live": "polite" });
  const figs = el("div", { class: "nn-stage" });
  const readout = el("p", { class: "nn-eq nn-final", "aria-live": "polite", "data-role": "arithmetic" });
  const lossLabel = createLossLabel(store);
  root.append(title, blurb, lossLabel.node, el("div", { class: "nn-controls" }, again, status), figs, readout);
  let token = 0;
  let destroyed = false;
  let tracedFor = null; // the label the shown gradients are for

  async function load() {
    const detail = store.get("detail") || {};
    const id = store.get("sessionId");
    const forward = store.get("lastForward");
    if (!id || !forward) {
      blurb.textContent = "No forward data yet: draw or pick an input first.";
      return;
    }
    const mine = ++token;
    const target = lossLabel.current();
    tracedFor = target.label;
    if (target.label === null) {
      title.textContent = `${detail.layer}: gradients`;
      blurb.textContent = "Gradients say how the loss would change, and the loss needs the label this input should have.";
      status.textContent = "Choose the label above to trace a training step toward it.";
      clear(figs);
      readout.textContent = "";
      root.dataset.state = "needs-label";
      return;
    }
    root.dataset.state = "recording";
    status.textContent = "tracing one training step…";
    let trace;
    try {
      trace = await recordTrace(store, { label: target.label, layers: [detail.layer],
        kinds: ["output", "grad_output", "grad_W", "grad_b"] });
    } catch (err) {
      if (mine === token && !destroyed) {
        status.textContent = `The server could not trace this step: ${err.message}`;
        root.dataset.state = "error";
      }
      return;
    }
    if (destroyed || mine !== token) return;
    render(detail, trace, forward, target.source);
  }

  function render(detail, trace, forward, source) {
    const names = forward.class_names || [];
    const name = detail.layer;
    const out = trace.tensors[`${name}.output`];
    const grad = trace.tensors[`${name}.grad_output`];
    const gW = trace.tensors[`${name}.grad_W`];
    const gb = trace.tensors[`${name}.grad_b`];
    const ch = Math.max(0, Number(detail.channel) || 0);
    title.textContent = `${name}${out && out.shape.length === 3 ? ` · channel ${ch}` : ` · unit ${ch}`}: gradients`;
    blurb.textContent = `One training step traced on the current input toward ${lossLabelPhrase(names, trace.label, source)} `
      + `(loss ${fmt(trace.loss)}; the network predicted ${names[trace.prediction] ?? trace.prediction}). dL/d(output) says how the loss would change if each output value grew a little: `
      + "blue cells should grow, red cells should shrink. Your model is not changed.";
    status.textContent = "";
    clear(figs);
    readout.textContent = "";
    if (!grad) {
      figs.append(el("p", { class: "nn-note" }, `${name} has no gradient of its own here: the softmax is fused with the loss, whose gradient starts at the layer before.`));
      root.dataset.state = "ready";
      return;
    }
    if (out.shape.length === 3) {
      const [, H, W] = out.shape;
      const base = ch * H * W;
      const size = Math.max(4, Math.min(24, Math.floor(300 / Math.max(H, W))));
      const outC = el("canvas", { role: "img", class: "nn-grad-out", "aria-label": `${name} channel ${ch} output` });
      const gradC = el("canvas", { role: "img", class: "nn-grad-map", "aria-label": `dL/d ${name} channel ${ch}` });
      const oLim = absMax(out.data.subarray(base, base + H * W));
      const gLim = absMax(grad.data.subarray(base, base + H * W));
      const outGrid = createGridRenderer(outC);
      const gradGrid = createGridRenderer(gradC);
      let cell = { row: 0, col: 0 };
      const draw = () => {
        const hl = [{ row: cell.row, col: cell.col, color: "#111", width: 2 }];
        outGrid.draw({ rows: H, cols: W, cellSize: size, gap: size > 8 ? 1 : 0, limit: oLim, highlights: hl,
          value: (r, c) => out.data[base + r * W + c] });
        gradGrid.draw({ rows: H, cols: W, cellSize: size, gap: size > 8 ? 1 : 0, limit: gLim, highlights: hl,
          value: (r, c) => grad.data[base + r * W + c] });
        const i = base + cell.row * W + cell.col;
        readout.replaceChildren(`cell (${cell.row}, ${cell.col}): output `,
          el("span", { "data-role": "output", "data-value": String(out.data[i]) }, fmt(out.data[i])),
          ", dL/d(output) ", el("strong", { "data-role": "grad", "data-value": String(grad.data[i]) }, fmt(grad.data[i])));
      };
      for (const [canvas, g] of [[outC, outGrid], [gradC, gradGrid]]) {
        canvas.addEventListener("mousemove", (e) => {
          const c = g.cellFromEvent(e);
          if (c && (c.row !== cell.row || c.col !== cell.col)) { cell = c; draw(); }
        });
      }
      draw();
      figs.append(
        el("figure", { class: "nn-fig" }, el("figcaption", {}, `output ${name}[${ch}]`), outC, createDivergingLegend(document, oLim, "output value")),
        el("figure", { class: "nn-fig" }, el("figcaption", {}, `dL/d(output) ${name}[${ch}]`), gradC, createDivergingLegend(document, gLim, "gradient")));
      if (gLim === 0) figs.append(el("p", { class: "nn-note nn-zero-why", "data-role": "zero-why" }, zeroWhy(trace, name, out.data.subarray(base, base + H * W))));
    } else {
      const i = Math.min(ch, out.data.length - 1);
      if (grad.data[i] === 0) figs.append(el("p", { class: "nn-note nn-zero-why", "data-role": "zero-why" }, zeroWhy(trace, name, out.data.subarray(i, i + 1))));
      readout.replaceChildren(`unit ${i}: output `,
        el("span", { "data-role": "output", "data-value": String(out.data[i]) }, fmt(out.data[i])),
        ", dL/d(output) ", el("strong", { "data-role": "grad", "data-value": String(grad.data[i]) }, fmt(grad.data[i])));
    }
    if (gW && gW.shape.length === 4) {
      const [, C, k] = gW.shape;
      const box = el("figure", { class: "nn-fig" }, el("figcaption", {}, `dL/dW of filter ${ch}${C > 1 ? " (one grid per input channel)" : ""}`));
      const lim = absMax(gW.data.subarray(ch * C * k * k, (ch + 1) * C * k * k));
      const wrap = el("div", { class: "nn-film-maps" });
      for (let c = 0; c < C; c++) {
        const cv = el("canvas", { role: "img", "aria-label": `weight gradient, input channel ${c}` });
        const b0 = (ch * C + c) * k * k;
        createGridRenderer(cv).draw({ rows: k, cols: k, cellSize: C > 1 ? 30 : 52, gap: 2, limit: lim, numbers: C === 1, digits: 2,
          value: (r, x) => gW.data[b0 + r * k + x] });
        wrap.append(cv);
      }
      box.append(wrap, createDivergingLegend(document, lim, "weight gradient"));
      if (gb) box.append(el("p", { class: "nn-eq" }, "dL/db = ", el("strong", { "data-role": "grad-b", "data-value": String(gb.data[ch]) }, fmt(gb.data[ch]))));
      figs.append(box);
    } else if (gW && gW.shape.length === 2) {
      const [nIn, nOut] = gW.shape;
      const u = Math.min(ch, nOut - 1);
      const cols = Math.min(nIn, 64);
      const rows = Math.ceil(nIn / cols);
      const cv = el("canvas", { role: "img", "aria-label": `weight gradient of unit ${u}: ${nIn} values` });
      let lim = 0;
      for (let i = 0; i < nIn; i++) lim = Math.max(lim, Math.abs(gW.data[i * nOut + u]));
      createGridRenderer(cv).draw({ rows, cols, cellSize: Math.max(3, Math.floor(320 / cols)), limit: lim,
        value: (r, c) => (r * cols + c < nIn ? gW.data[(r * cols + c) * nOut + u] : null) });
      figs.append(el("figure", { class: "nn-fig" }, el("figcaption", {}, `dL/dW of unit ${u} (${nIn} weights)`), cv,
        createDivergingLegend(document, lim, "weight gradient"),
        gb ? el("p", { class: "nn-eq" }, "dL/db = ", el("strong", { "data-role": "grad-b", "data-value": String(gb.data[u]) }, fmt(gb.data[u]))) : null));
    }
    root.dataset.state = "ready";
  }

  const offLabel = store.subscribe(["traceLabel"], () => {
    if (lossLabel.current().label !== tracedFor) load();
  });
  load();
  return {
    update() { load(); },
    destroy() { destroyed = true; offLabel(); lossLabel.destroy(); root.remove(); },
  };
}

/** Why a gradient map (or unit) is all zero, read off the trace: its loss, this output, the next layer. */
export function zeroWhy(trace, name, values) {
  const at = trace.layers.findIndex((l) => l.name === name);
  const self = trace.layers[at]?.type;
  const next = trace.layers[at + 1]?.type;
  const relu = (t) => t === "relu";
  let allZero = true;
  let allNonPositive = true;
  for (const v of values) {
    if (v !== 0) allZero = false;
    if (v > 0) allNonPositive = false;
  }
  const why = "The gradient here is 0 everywhere: ";
  if (trace.loss !== null && trace.loss < 1e-7) {
    return `${why}the loss is 0 for this label (the network is already certain of it), so no change would lower it.`;
  }
  if (relu(self) && allZero) {
    return `${why}this ReLU is off at every position for this input (its output is 0), and an off ReLU passes no gradient back. `
      + "A map that is off for every input is dead: its filter stops learning.";
  }
  if (relu(next) && allNonPositive) {
    return `${why}every value of it is at most 0 for this input, so the ReLU after it is off everywhere and passes no gradient back to it.`;
  }
  return `${why}every later value it feeds is cut off for this input (a ReLU that is off, or a max-pool window whose gradient `
    + "goes to its one winning cell), so no path from the loss reaches it.";
}
