// Activation detail: the map before and after the function (both from the forward reply), the
// function's curve, and the current cell's (before, after) pair marked on it. Hover either map
// to choose the cell. The curve is a drawing of the function's shape; the marked point and
// the numbers are the engine's values.

import { layerContext, channel as channelOf } from "./data.js";
import { createGridRenderer } from "../ui/grid.js";
import { absMax, fmt, createDivergingLegend } from "../ui/colors.js";
import { el } from "../ui/dom.js";
import { deadText } from "../lib/dead-text.js";

// The curve drawn behind the marked point, per element-wise activation of the layer table (a
// drawing only: every number shown is the engine's). A type without one shows the point alone.
const SHAPES = {
  relu: () => (x) => Math.max(0, x),
  leaky_relu: (spec) => (x) => (x > 0 ? x : (spec.slope ?? 0.01) * x),
  sigmoid: () => (x) => 1 / (1 + Math.exp(-x)),
  tanh: () => (x) => Math.tanh(x),
  linear: () => (x) => x,
};

export function createActivationDetail(container, store) {
  const root = el("section", { class: "nn-detail nn-activation-detail", "data-view": "activation-detail" });
  container.append(root);
  const title = el("h3", { class: "nn-detail-title" });
  const blurb = el("p", { class: "nn-detail-blurb" });
  // A dead map or unit says so here too: the network view explains it on hover, and a touch
  // screen has no hover (a tap opens this detail).
  const deadNote = el("p", { class: "nn-dead-note", "data-role": "dead", hidden: true });
  const beforeCanvas = el("canvas", { role: "img", class: "nn-before-grid" });
  const afterCanvas = el("canvas", { role: "img", class: "nn-after-grid" });
  const curve = el("canvas", { role: "img", class: "nn-curve", width: "260", height: "200" });
  const legendSlot = el("div", { class: "nn-legend-slot" });
  const readout = el("p", { class: "nn-eq nn-final", "aria-live": "polite", "data-role": "arithmetic" });
  const beforeCap = el("figcaption");
  const afterCap = el("figcaption");
  root.append(title, blurb, deadNote, el("div", { class: "nn-detail-body" },
    el("div", { class: "nn-stage" },
      el("figure", { class: "nn-fig" }, beforeCap, beforeCanvas),
      el("figure", { class: "nn-fig" }, el("figcaption", {}, "the function, current value marked"), curve),
      el("figure", { class: "nn-fig" }, afterCap, afterCanvas, legendSlot)),
    readout));
  const beforeGrid = createGridRenderer(beforeCanvas);
  const afterGrid = createGridRenderer(afterCanvas);
  let cell = { row: 0, col: 0 };
  let ctx = null;

  for (const [canvas, grid] of [[beforeCanvas, beforeGrid], [afterCanvas, afterGrid]]) {
    canvas.addEventListener("mousemove", (e) => {
      const c = grid.cellFromEvent(e);
      if (c && (c.row !== cell.row || c.col !== cell.col)) { cell = c; draw(); }
    });
  }

  function setup() {
    const detail = store.get("detail") || {};
    ctx = layerContext(store, detail.layer);
    if (!ctx || !ctx.output || !ctx.input) {
      blurb.textContent = "No forward data yet: draw or pick an input first.";
      return;
    }
    draw();
  }

  function draw() {
    const detail = store.get("detail") || {};
    const type = ctx.type || (ctx.spec && ctx.spec.type);
    const isMap = ctx.output.shape.length === 3;
    const ch = isMap ? Math.max(0, Math.min(ctx.output.shape[0] - 1, Number(detail.channel) || 0)) : 0;
    const before = isMap ? channelOf(ctx.input, ch) : { shape: [1, ctx.input.shape[0]], data: ctx.input.data };
    const after = isMap ? channelOf(ctx.output, ch) : { shape: [1, ctx.output.shape[0]], data: ctx.output.data };
    const [H, W] = before.shape;
    cell = { row: Math.min(cell.row, H - 1), col: Math.min(cell.col, W - 1) };
    const lim = Math.max(absMax(before.data), absMax(after.data));
    const size = Math.max(4, Math.min(30, Math.floor(300 / Math.max(H, W))));
    const spec = { rows: H, cols: W, cellSize: size, gap: size > 8 ? 1 : 0, limit: lim,
      highlights: [{ row: cell.row, col: cell.col, color: "#111", width: 2 }] };
    beforeGrid.draw({ ...spec, value: (r, c) => before.data[r * W + c] });
    afterGrid.draw({ ...spec, value: (r, c) => after.data[r * W + c] });
    title.textContent = `${ctx.name} (${type})${isMap ? ` · channel ${ch}` : ""}: before and after`;
    blurb.textContent = `Each value of ${ctx.previous ? ctx.previous.name : "the input"} goes through ${type} on its own. `
      + "Hover over or tap a map to pick a value; it is marked on the curve.";
    beforeCap.textContent = `before (${ctx.previous ? ctx.previous.name : "input"})`;
    afterCap.textContent = `after (${ctx.name})`;
    showDead(isMap, ch);
    beforeCanvas.setAttribute("aria-label", `values before ${type}, ${H} by ${W}`);
    afterCanvas.setAttribute("aria-label", `values after ${type}, ${H} by ${W}`);
    legendSlot.replaceChildren(createDivergingLegend(document, lim, "value"));
    const x = before.data[cell.row * W + cell.col];
    const y = after.data[cell.row * W + cell.col];
    drawCurve(curve, SHAPES[type] ? SHAPES[type](ctx.spec || {}) : null, lim, x, y, type);
    curve.setAttribute("aria-label", `${type} curve with the point (${fmt(x)}, ${fmt(y)}) marked`);
    readout.replaceChildren(`cell (${cell.row}, ${cell.col}): ${type}(`,
      el("span", { "data-role": "before", "data-value": String(x) }, fmt(x)), ") = ",
      el("strong", { "data-role": "after", "data-value": String(y) }, fmt(y)));
  }

  /** store.dead (the server's, for the last training batch) for this layer: the map `ch`, or
   * (a vector) every dead unit. */
  function showDead(isMap, ch) {
    const info = (store.get("dead")?.layers ?? []).find((l) => l.name === ctx.name);
    const dead = info ? info.dead.filter((k) => !isMap || k === ch) : [];
    deadNote.hidden = dead.length === 0;
    deadNote.textContent = !dead.length ? ""
      : isMap ? `Channel ${ch} is ${deadText(info.type)}`
        : `${dead.length === 1 ? "Unit" : "Units"} ${dead.join(", ")} ${dead.length === 1 ? "is" : "are each"} ${deadText(info.type)}`;
  }

  setup();
  const off = store.subscribe(["dead"], () => { if (ctx && ctx.output && ctx.input) draw(); });
  return {
    update() { setup(); },
    destroy() { off(); root.remove(); },
  };
}

function drawCurve(canvas, f, lim, px, py, type) {
  const ctx = canvas.getContext("2d");
  const w = canvas.width;
  const h = canvas.height;
  ctx.clearRect(0, 0, w, h);
  const span = Math.max(1, lim, Math.abs(px)) * 1.1;
  const bounded = type === "sigmoid" || type === "tanh";
  const ylo = bounded ? (type === "sigmoid" ? -0.1 : -1.1) : -span * 0.3;
  const yhi = bounded ? 1.1 : span;
  const X = (x) => ((x + span) / (2 * span)) * (w - 20) + 10;
  const Y = (y) => h - 10 - ((y - ylo) / (yhi - ylo)) * (h - 20);
  ctx.strokeStyle = "#bbb";
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(X(-span), Y(0));
  ctx.lineTo(X(span), Y(0));
  ctx.moveTo(X(0), Y(ylo));
  ctx.lineTo(X(0), Y(yhi));
  ctx.stroke();
  if (f) {
    ctx.strokeStyle = "#1d2430";
    ctx.lineWidth = 2;
    ctx.beginPath();
    for (let i = 0; i <= 200; i++) {
      const x = -span + (2 * span * i) / 200;
      const yy = Math.max(ylo, Math.min(yhi, f(x)));
      if (i === 0) ctx.moveTo(X(x), Y(yy));
      else ctx.lineTo(X(x), Y(yy));
    }
    ctx.stroke();
  }
  ctx.fillStyle = "#d62728";
  ctx.strokeStyle = "#fff";
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.arc(X(px), Y(Math.max(ylo, Math.min(yhi, py))), 6, 0, 2 * Math.PI);
  ctx.fill();
  ctx.stroke();
  ctx.fillStyle = "#555";
  ctx.font = "11px system-ui, sans-serif";
  // printed as the readout under the maps prints them ("x = -0.00605" beside relu(-0.006048))
  ctx.fillText(`x = ${fmt(px)}`, 12, 14);
  ctx.fillText(`${type}(x) = ${fmt(py)}`, 12, 28);
}
