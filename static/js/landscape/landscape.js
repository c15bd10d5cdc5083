// The loss surface around the current weights: a filled contour plot (canvas) with a colour
// legend, the optimiser's path over the epochs (SVG: a dot per finished epoch, small dots for
// the checkpoints the trainer keeps within its first epochs, and the current point), random filter-normalised or PCA directions (with the variance each explains), a
// 1-D slice, hover for coordinates and loss. Recomputes in the background after each epoch.
// Every loss shown is the server's (POST /api/sessions/{id}/landscape).

import { api, decodeTensor } from "../api.js";
import { el, button } from "../ui/dom.js";
import { fmt, sequentialRGB } from "../ui/colors.js";
import { contourLevels, bandOf, plotTransform, nearestNode, sampleBilinear, isoSegments } from "./contour.js";
import { createSurface3d } from "./surface3d.js";

const MARGIN = 36;
const BANDS = 12;
const SVG_NS = "http://www.w3.org/2000/svg";
let modeGroups = 0;

export function createLandscape(container, store, options = {}) {
  const sessionKey = options.sessionId ? () => options.sessionId : () => store.get("sessionId");
  const compact = Boolean(options.compact);
  const SIZE = options.size || (compact ? 250 : 360);
  const root = el("section", { class: "nn-landscape-view", "data-view": "landscape", "data-state": "empty" });
  container.append(root);

  const dirSel = el("select", { "aria-label": "Directions of the plot" },
    el("option", { value: "pca" }, "PCA of the path"), el("option", { value: "random" }, "random (filter-normalised)"));
  // PCA needs a few points on the path: before the first epoch, random directions
  let userChoseDirections = Boolean(options.directions);
  dirSel.value = options.directions || ((store.get("epoch") || 0) >= 1 ? "pca" : "random");
  const gridSel = el("select", { "aria-label": "Grid resolution" },
    ...[11, 15, 21, 31].map((g) => el("option", { value: String(g) }, `${g}×${g}`)));
  gridSel.value = String(options.grid || 15);
  const spanInput = el("input", { type: "number", min: "0.1", max: "10", step: "0.1", placeholder: "auto",
    value: options.span ? String(options.span) : "", "aria-label": "Span of the plot around the current weights (empty: the engine's choice)" });
  const autoBox = el("input", { type: "checkbox", checked: true, "aria-label": "Recompute after each epoch" });
  const recompute = button("↻ Compute", "Compute the loss surface now", () => compute());
  const busy = el("span", { class: "nn-busy", role: "status", hidden: true }, "computing the surface…");
  const info = el("p", { class: "nn-note", "aria-live": "polite", style: compact ? `max-width:${SIZE + 60}px` : null });
  const controls = el("div", { class: "nn-controls", role: "group", "aria-label": "Loss surface settings" },
    el("label", {}, "directions ", dirSel), el("label", {}, "grid ", gridSel), el("label", {}, "span ", spanInput),
    el("label", {}, autoBox, " after each epoch"), recompute, busy);

  const canvas = el("canvas", { width: String(SIZE), height: String(SIZE), role: "img", class: "nn-surface" });
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("width", String(SIZE));
  svg.setAttribute("height", String(SIZE));
  svg.setAttribute("class", "nn-path-layer");
  svg.setAttribute("aria-hidden", "true");
  svg.style.position = "absolute";
  svg.style.left = "0";
  svg.style.top = "0";
  svg.style.pointerEvents = "none";
  const tip = el("div", { class: "nn-surface-tip", hidden: true, "data-role": "tooltip" });
  const wrap = el("div", { class: "nn-surface-wrap", style: `width:${SIZE}px;height:${SIZE}px` }, canvas, svg, tip);
  const legend = el("canvas", { width: "40", height: String(SIZE), role: "img", class: "nn-surface-legend" });
  const slice = el("canvas", { width: "300", height: "160", role: "img", class: "nn-slice" });
  // The path's key: each item wraps as a whole (the ends of the path first, so that a narrow
  // key keeps them on one line and puts the dots between them below). The small dots are the trainer's checkpoints
  // within an epoch (engine/trainer.py: four per epoch while fewer than three are finished);
  // their item shows only when the path has some.
  const keyItem = (mark, text, role, title) => el("span", { class: "nn-path-key-item", "data-role": role, title },
    el("span", { class: `nn-path-mark nn-path-mark-${role}`, "aria-hidden": "true" }, mark), ` ${text}`);
  const checkpointItem = keyItem("•", "mid-epoch checkpoint", "checkpoint",
    "weights saved at every quarter of an epoch while fewer than three epochs are finished");
  checkpointItem.hidden = true;
  const pathLegend = el("div", { class: "nn-seq-legend nn-path-key", style: `max-width:${SIZE}px` },
    keyItem("■", "start", "start", "the weights before training (epoch 0)"),
    keyItem("◯", "now", "now", "the current weights (the centre of the plot)"),
    keyItem("●", "finished epoch", "epoch", "the weights at the end of an epoch"), checkpointItem);

  const MODE_GROUP = ++modeGroups;
  // contour or 3-D (the full panel only; the compact learning-rate surfaces stay contours)
  const surface3d = compact ? null : createSurface3d({ width: SIZE + 40, height: SIZE });
  if (surface3d) surface3d.element.hidden = true;
  const modeRadio = (value, text) => el("label", {}, el("input", { type: "radio", name: `nn-surface-mode-${MODE_GROUP}`, value,
    checked: value === "contour" }), ` ${text}`);
  const modeToggle = compact ? null : el("div", { class: "nn-surface-mode", role: "radiogroup", "aria-label": "View of the surface" },
    modeRadio("contour", "contour"), modeRadio("3d", "3-D"));
  modeToggle?.addEventListener("change", (e) => setMode(e.target.value));
  root.dataset.mode = "contour";
  function setMode(mode) {
    root.dataset.mode = mode;
    wrap.hidden = mode === "3d";
    surface3d.element.hidden = mode !== "3d";
    for (const r of modeToggle.querySelectorAll("input")) r.checked = r.value === mode;
    if (data && mode === "3d") draw3d();
  }

  const sliceFig = el("figure", { class: "nn-fig" }, el("figcaption", {}, "1-D slice along the x direction"), slice);
  root.append(...[
    compact ? null : el("h3", { class: "nn-detail-title" }, "The loss surface around the current weights"),
    compact ? null : el("p", { class: "nn-detail-blurb" },
      "Colours are the loss at weights moved along two directions from where the model is now (the centre). "
      + "The line is the optimiser's path: a dot per finished epoch, small dots for the weights saved "
      + "within each of the first three epochs (at every quarter), the ringed dot is now. Hover for numbers."),
    compact ? null : controls, info,
    el("div", { class: "nn-landscape" },
      el("figure", { class: "nn-fig" }, el("figcaption", {}, "loss surface ", modeToggle), wrap,
        surface3d?.element, pathLegend),
      el("figure", { class: "nn-fig" }, el("figcaption", {}, "loss"), legend),
      compact ? null : sliceFig)].filter(Boolean));

  let data = null;
  let inFlight = null;
  let again = false;
  let lastEpoch = store.get("epoch");
  let destroyed = false;

  async function compute() {
    const id = sessionKey();
    if (!id) return;
    if (inFlight) { again = true; return; }
    if (!userChoseDirections) dirSel.value = (store.get("epoch") || 0) >= 1 || options.sessionId ? "pca" : "random";
    const body = { directions: dirSel.value, grid: Number(gridSel.value), span: Number(spanInput.value) || null };
    busy.hidden = false;
    root.dataset.state = data ? "recomputing" : "computing";
    inFlight = api.landscape(id, body).then((reply) => {
      if (destroyed) return;
      data = decode(reply);
      root.dataset.state = "ready";
      draw();
    }, (err) => {
      if (destroyed) return;
      root.dataset.state = data ? "ready" : "error";
      info.textContent = `The surface could not be computed: ${err.message}`;
    }).finally(() => {
      inFlight = null;
      busy.hidden = true;
      if (again && !destroyed) { again = false; compute(); }
    });
    return inFlight;
  }

  function decode(reply) {
    return { ...reply, surface: decodeTensor(reply.surface) };
  }

  function draw() {
    const { axes, surface, trajectory = [] } = data;
    const xs = axes.x;
    const ys = axes.y;
    const nx = xs.length;
    const ny = ys.length;
    const vals = surface.data;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of vals) { if (v < lo) lo = v; if (v > hi) hi = v; }
    const edges = contourLevels(lo, hi, BANDS, true);
    data.edges = edges;
    const T = plotTransform(xs[0], xs[nx - 1], ys[0], ys[ny - 1], SIZE, SIZE, MARGIN);
    // filled bands: colour each pixel by the band its interpolated loss falls in
    const ctx = canvas.getContext("2d");
    const img = ctx.createImageData(SIZE, SIZE);
    const inner = SIZE - 2 * MARGIN;
    for (let py = 0; py < SIZE; py++) {
      for (let px = 0; px < SIZE; px++) {
        const o = (py * SIZE + px) * 4;
        if (px < MARGIN || py < MARGIN || px >= SIZE - MARGIN || py >= SIZE - MARGIN) {
          img.data[o] = img.data[o + 1] = img.data[o + 2] = 255;
          img.data[o + 3] = 255;
          continue;
        }
        const gx = ((px - MARGIN + 0.5) / inner) * (nx - 1);
        const gy = (1 - (py - MARGIN + 0.5) / inner) * (ny - 1);
        const v = sampleBilinear(vals, nx, ny, gx, gy);
        const [r, g, b] = bandRGB(v, edges);
        img.data[o] = r; img.data[o + 1] = g; img.data[o + 2] = b; img.data[o + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
    // iso-lines on the band edges
    ctx.strokeStyle = "rgba(255,255,255,0.55)";
    ctx.lineWidth = 1;
    const toPx = ([gx, gy]) => [MARGIN + (gx / (nx - 1)) * inner, MARGIN + (1 - gy / (ny - 1)) * inner];
    for (const level of edges.slice(1, -1)) {
      ctx.beginPath();
      for (const [a, b] of isoSegments(vals, nx, ny, level)) {
        const [x1, y1] = toPx(a);
        const [x2, y2] = toPx(b);
        ctx.moveTo(x1, y1);
        ctx.lineTo(x2, y2);
      }
      ctx.stroke();
    }
    // axes labels
    ctx.fillStyle = "#333";
    ctx.font = "11px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.fillText(fmt(xs[0], 2), MARGIN, SIZE - 10);
    ctx.fillText(fmt(xs[nx - 1], 2), SIZE - MARGIN, SIZE - 10);
    ctx.fillText(directionName(1), SIZE / 2, SIZE - 10);
    ctx.save();
    ctx.translate(12, SIZE / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(directionName(2), 0, 0);
    ctx.restore();
    ctx.textAlign = "right";
    ctx.fillText(fmt(ys[ny - 1], 2), MARGIN - 3, MARGIN + 8);
    ctx.fillText(fmt(ys[0], 2), MARGIN - 3, SIZE - MARGIN);

    // the path (SVG, so that every epoch is its own element)
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    if (trajectory.length) {
      const pts = trajectory.map((p) => T.toPx(p.x, p.y));
      const line = document.createElementNS(SVG_NS, "polyline");
      line.setAttribute("points", pts.map((p) => `${p.px.toFixed(1)},${p.py.toFixed(1)}`).join(" "));
      line.setAttribute("fill", "none");
      line.setAttribute("stroke", "#fff");
      line.setAttribute("stroke-width", "2.5");
      svg.append(line);
      const inner2 = line.cloneNode();
      inner2.setAttribute("stroke", "#d62728");
      inner2.setAttribute("stroke-width", "1.5");
      svg.append(inner2);
      trajectory.forEach((p, i) => {
        const { px, py } = pts[i];
        const pos = p.position ?? p.epoch;
        const isStart = pos === 0;
        const whole = Number.isInteger(pos);
        const isNow = i === trajectory.length - 1;
        const shape = document.createElementNS(SVG_NS, isStart ? "rect" : "circle");
        if (isStart) {
          shape.setAttribute("x", String(px - 4)); shape.setAttribute("y", String(py - 4));
          shape.setAttribute("width", "8"); shape.setAttribute("height", "8");
          shape.setAttribute("class", "nn-start-point");
        } else {
          shape.setAttribute("cx", String(px)); shape.setAttribute("cy", String(py));
          shape.setAttribute("r", isNow ? "6" : "4");
          shape.setAttribute("class", `${whole ? "nn-epoch-dot" : "nn-path-point"}${isNow ? " nn-current-point" : ""}`);
          if (!whole && !isNow) shape.setAttribute("r", "2");
        }
        shape.setAttribute("fill", isNow ? "#fff" : "#d62728");
        shape.setAttribute("stroke", isNow ? "#d62728" : "#fff");
        shape.setAttribute("stroke-width", isNow ? "3" : "1.5");
        shape.dataset.epoch = String(pos);
        const title = document.createElementNS(SVG_NS, "title");
        title.textContent = `${isNow ? "now, " : ""}epoch ${fmt(pos, 3)}: loss ${fmt(p.loss)} (surface ${fmt(p.surface_loss)})`;
        shape.append(title);
        shape.dataset.loss = String(p.loss);
        svg.append(shape);
      });
    }
    const epochs = trajectory.filter((p) => {
      const pos = p.position ?? p.epoch;
      return pos > 0 && Number.isInteger(pos);
    }).length;
    root.dataset.dots = String(epochs);
    checkpointItem.hidden = !trajectory.some((p, i) => i < trajectory.length - 1 && !Number.isInteger(p.position ?? p.epoch));
    canvas.setAttribute("aria-label", `loss surface ${nx} by ${ny}, loss from ${fmt(lo)} to ${fmt(hi)}; path of ${epochs} epochs`
      + (trajectory.length ? `, now at loss ${fmt(trajectory.at(-1).loss)}` : ""));
    drawLegend(edges);
    if (!compact) drawSlice();
    if (root.dataset.mode === "3d") draw3d();
    const ev = data.explained_variance;
    info.textContent = (data.directions === "pca" && ev
      ? `PC1 explains ${(100 * ev[0]).toFixed(0)}% and PC2 ${(100 * ev[1]).toFixed(0)}% of the path's variance. `
      : data.directions === "random" ? "Two random directions, each scaled filter by filter to the weights' size. " : "")
      + `Loss at the centre: ${fmt(data.center_loss)}.`
      + (data.clipped ? " Some losses were too large to show and are clipped." : "");
  }

  // the colour of a loss: the band of the contour it falls in (legend and 3-D view alike)
  function bandRGB(v, edges) {
    return sequentialRGB((bandOf(v, edges) + 0.5) / BANDS);
  }

  function directionName(k) {
    return data.directions === "pca" ? `PC${k}` : `direction ${k}`;
  }

  // the same grid, colours and path as the contour, as a shaded mesh (surface3d.js)
  function draw3d() {
    const { axes, surface, trajectory = [], edges } = data;
    surface3d.render({ xs: axes.x, ys: axes.y, values: surface.data, trajectory, edges, log: true,
      rgbOf: (v) => bandRGB(v, edges), xLabel: directionName(1), yLabel: directionName(2) });
  }

  function drawLegend(edges) {
    const ctx = legend.getContext("2d");
    const h = legend.height;
    ctx.clearRect(0, 0, legend.width, h);
    const bandH = (h - 2 * MARGIN) / BANDS;
    for (let b = 0; b < BANDS; b++) {
      const [r, g, bl] = sequentialRGB((b + 0.5) / BANDS); // = bandRGB of a loss in band b
      ctx.fillStyle = `rgb(${r},${g},${bl})`;
      ctx.fillRect(0, h - MARGIN - (b + 1) * bandH, 12, bandH);
    }
    ctx.fillStyle = "#333";
    ctx.font = "10px system-ui, sans-serif";
    ctx.textAlign = "left";
    for (let b = 0; b <= BANDS; b += 3) ctx.fillText(fmt(edges[b], 2), 14, h - MARGIN - b * bandH + 3);
    legend.setAttribute("aria-label", `loss colour scale from ${fmt(edges[0])} (dark) to ${fmt(edges.at(-1))} (yellow)`);
  }

  function drawSlice() {
    const s = data.slice;
    const ctx = slice.getContext("2d");
    const w = slice.width;
    const h = slice.height;
    ctx.clearRect(0, 0, w, h);
    if (!s || !s.x || !s.x.length) return;
    const lossVals = s.loss;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of lossVals) { if (v < lo) lo = v; if (v > hi) hi = v; }
    const T = plotTransform(s.x[0], s.x.at(-1), lo, hi > lo ? hi : lo + 1, w, h, 22);
    ctx.strokeStyle = "#ccc";
    ctx.strokeRect(22, 22, w - 44, h - 44);
    ctx.strokeStyle = "#1d2430";
    ctx.lineWidth = 2;
    ctx.beginPath();
    s.x.forEach((x, i) => {
      const { px, py } = T.toPx(x, lossVals[i]);
      if (i === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
    });
    ctx.stroke();
    // the current weights sit at x = 0 on this slice, at the centre loss the server reported
    const c = T.toPx(0, s.center_loss ?? data.center_loss);
    ctx.fillStyle = "#d62728";
    ctx.beginPath();
    ctx.arc(c.px, c.py, 4, 0, 2 * Math.PI);
    ctx.fill();
    ctx.fillStyle = "#333";
    ctx.font = "10px system-ui, sans-serif";
    ctx.textAlign = "left";
    ctx.fillText(`loss ${fmt(hi, 3)}`, 24, 16);
    ctx.fillText(`${fmt(lo, 3)}`, 24, h - 6);
    ctx.textAlign = "right";
    ctx.fillText(`x from ${fmt(s.x[0], 2)} to ${fmt(s.x.at(-1), 2)}`, w - 22, h - 6);
    slice.setAttribute("aria-label", `loss along the x direction through the current weights, from ${fmt(lo)} to ${fmt(hi)}`);
  }

  canvas.addEventListener("mousemove", (e) => {
    if (!data) return;
    const rect = canvas.getBoundingClientRect();
    const px = ((e.clientX - rect.left) / rect.width) * SIZE;
    const py = ((e.clientY - rect.top) / rect.height) * SIZE;
    const xs = data.axes.x;
    const ys = data.axes.y;
    const T = plotTransform(xs[0], xs.at(-1), ys[0], ys.at(-1), SIZE, SIZE, MARGIN);
    const d = T.toData(px, py);
    const node = nearestNode(xs, ys, d.x, d.y);
    if (!node) { tip.hidden = true; return; }
    const loss = data.surface.data[node.iy * xs.length + node.ix];
    tip.hidden = false;
    // axis values within rounding noise of zero print as 0
    const ax = (v, axis) => (Math.abs(v) < 1e-9 * (axis.at(-1) - axis[0]) ? "0" : fmt(v, 3));
    tip.textContent = `x ${ax(xs[node.ix], xs)}, y ${ax(ys[node.iy], ys)}: loss ${fmt(loss)}`;
    tip.dataset.loss = String(loss);
    tip.style.left = `${Math.min(SIZE - 150, px + 10)}px`;
    tip.style.top = `${Math.max(0, py - 26)}px`;
  });
  canvas.addEventListener("mouseleave", () => { tip.hidden = true; });
  dirSel.addEventListener("change", () => { userChoseDirections = true; compute(); });
  gridSel.addEventListener("change", () => compute());
  spanInput.addEventListener("change", () => compute());

  function maybeRecompute() {
    const epoch = store.get("epoch");
    if (epoch !== lastEpoch) {
      lastEpoch = epoch;
      if (autoBox.checked) compute();
    }
  }

  if (!options.manual) compute();
  return {
    update(changed) {
      if (!changed || changed.has("epoch")) maybeRecompute();
      if (changed && changed.has("sessionId") && !options.sessionId) { data = null; compute(); }
    },
    compute,
    destroy() { destroyed = true; root.remove(); },
  };
}
