// The loss surface around the current weights: a filled contour plot (canvas) with a colour
// legend, the optimiser's path over the epochs (SVG: a dot per finished epoch, small dots for
// the checkpoints the trainer keeps within its first epochs, and the current point), random filter-normalised or PCA directions (with the variance each explains), a
// 1-D slice, hover for coordinates and loss. Recomputes in the background after each epoch.
// Every loss shown is the server's (POST /api/sessions/{id}/landscape).

import { api, decodeTensor } from "../api.js";
import { el, button } from "../ui/dom.js";
import { fmt, sequentialRGB } from "../ui/colors.js";
import { contourLevels, bandOf, frameTransform, nearestNode } from "./contour.js";
import { BANDS, MARGIN, contourFrame, drawContour, drawLegend, drawPath, drawSlice } from "./plot.js";
import { createSurface3d } from "./surface3d.js";

const SVG_NS = "http://www.w3.org/2000/svg";
let modeGroups = 0;

// The centre's loss and the data it is measured on: a fixed subset of the validation split
// (eval_count images), which is why it differs from the training panel's validation loss (all
// of it) unless the split is that small. `noun` names the data as the page around the panel does
// (the lab's 2-D view: "test points", its held-out split).
function centreWords(data, noun = "validation images") {
  const on = Number.isFinite(data.eval_count) ? ` on ${data.eval_count} ${noun}` : "";
  return `Loss at the centre (the current weights)${on}: ${fmt(data.center_loss)}.`;
}

// A compact surface (the learning-rate comparison's cards) is drawn at real size, as large as
// its card allows beside its colour scale (about 100 px with the y axis' labels): never scaled
// down (CSS zoom made its numbers 6 px), so that they stay as large as the page's text.
function compactSize(container) {
  const room = container.clientWidth - 110;
  return Math.max(160, Math.min(250, Math.floor(room)));
}

// The full panel's surface likewise: 360 px where there is room, less in a phone's panel (its
// colour scale wraps below it there); 360 when the container is not laid out (no width yet).
function fullSize(container) {
  const width = container.clientWidth;
  if (!width) return 360;
  return Math.max(200, Math.min(360, Math.floor(width - 26)));
}

export function createLandscape(container, store, options = {}) {
  const sessionKey = options.sessionId ? () => options.sessionId : () => store.get("sessionId");
  const compact = Boolean(options.compact);
  const fit = () => options.size || (compact ? compactSize(container) : fullSize(container));
  let SIZE = fit();
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
  const wrap = el("div", { class: "nn-surface-wrap" }, canvas, svg, tip);
  // the canvas, the path's layer and their box: frame.width × frame.height (draw() sets them)
  let frame = null;
  function setFrame(f) {
    frame = f;
    for (const [k, v] of [["width", f.width], ["height", f.height]]) svg.setAttribute(k, String(v));
    wrap.style.width = `${f.width}px`;
    wrap.style.height = `${f.height}px`;
  }
  setFrame({ left: MARGIN, top: MARGIN, inner: SIZE - 2 * MARGIN, width: SIZE, height: SIZE });
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
  // as wide as the panel allows too (at most 40 px wider than the contour): its 12 px numbers
  // are not scaled down at 390
  const surface3d = compact ? null : createSurface3d({ width: SIZE + (SIZE < 360 ? 24 : 40), height: SIZE });
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
      + "within each of the first three epochs (at every quarter), the ringed dot is now. Hover over or tap the plot for numbers."),
    compact ? null : controls, info,
    el("div", { class: "nn-landscape" },
      el("figure", { class: "nn-fig" }, el("figcaption", {}, "loss surface ", modeToggle), wrap,
        surface3d?.element, pathLegend),
      el("figure", { class: "nn-fig" }, el("figcaption", {}, "loss"), legend),
      compact ? null : sliceFig)].filter(Boolean));
  const row = root.querySelector(".nn-landscape");
  // the 3-D canvas: up to 40 px wider than the contour (24 below 360), never wider than its
  // row (less its 1 px border each side), so that it is drawn at the size it is shown at
  function fit3d() {
    if (!surface3d) return;
    const wanted = SIZE + (SIZE < 360 ? 24 : 40);
    const room = row.clientWidth ? row.clientWidth - 2 : wanted;
    surface3d.resize(Math.max(160, Math.min(wanted, room)), SIZE);
  }
  fit3d();

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
    setFrame(contourFrame(canvas.getContext("2d"), { ys, size: SIZE }));
    const T = transformOf(xs, ys);
    drawContour(canvas, { xs, ys, vals, edges, frame, rgbOf: (v) => bandRGB(v, edges),
      xName: directionName(1), yName: directionName(2) });
    drawPath(svg, trajectory, T);
    const epochs = trajectory.filter((p) => {
      const pos = p.position ?? p.epoch;
      return pos > 0 && Number.isInteger(pos);
    }).length;
    root.dataset.dots = String(epochs);
    checkpointItem.hidden = !trajectory.some((p, i) => i < trajectory.length - 1 && !Number.isInteger(p.position ?? p.epoch));
    canvas.setAttribute("aria-label", `loss surface ${nx} by ${ny}, loss from ${fmt(lo)} to ${fmt(hi)}; path of ${epochs} epochs`
      + (trajectory.length ? `, now at loss ${fmt(trajectory.at(-1).loss)}` : ""));
    drawLegend(legend, edges);
    if (!compact) drawSlice(slice, data.slice, data.center_loss);
    if (root.dataset.mode === "3d") draw3d();
    const ev = data.explained_variance;
    info.textContent = (data.directions === "pca" && ev
      ? `PC1 explains ${(100 * ev[0]).toFixed(0)}% and PC2 ${(100 * ev[1]).toFixed(0)}% of the path's variance. `
      : data.directions === "random" ? "Two random directions, each scaled filter by filter to the weights' size. " : "")
      + centreWords(data, options.evalNoun)
      + (data.clipped ? " Some losses were too large to show and are clipped." : "");
  }

  // data <-> canvas pixels on the plot's square (contour, path and hover alike)
  function transformOf(xs, ys) {
    return frameTransform(xs[0], xs.at(-1), ys[0], ys.at(-1),
      { left: frame.left, top: frame.top, width: frame.inner, height: frame.inner });
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

  canvas.addEventListener("mousemove", (e) => {
    if (!data) return;
    const rect = canvas.getBoundingClientRect();
    const px = ((e.clientX - rect.left) / rect.width) * frame.width;
    const py = ((e.clientY - rect.top) / rect.height) * frame.height;
    const xs = data.axes.x;
    const ys = data.axes.y;
    const T = transformOf(xs, ys);
    const d = T.toData(px, py);
    const node = nearestNode(xs, ys, d.x, d.y);
    if (!node) { tip.hidden = true; return; }
    const loss = data.surface.data[node.iy * xs.length + node.ix];
    tip.hidden = false;
    // axis values within rounding noise of zero print as 0
    const ax = (v, axis) => (Math.abs(v) < 1e-9 * (axis.at(-1) - axis[0]) ? "0" : fmt(v, 3));
    tip.textContent = `x ${ax(xs[node.ix], xs)}, y ${ax(ys[node.iy], ys)}: loss ${fmt(loss)}`;
    tip.dataset.loss = String(loss);
    tip.style.left = `${Math.min(frame.width - 150, px + 10)}px`;
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

  // the container narrower or wider (a phone turned, the window resized): drawn again at the
  // size that fits, rather than scaled
  const resized = typeof ResizeObserver === "function" && !options.size ? new ResizeObserver(() => {
    if (!container.clientWidth) return; // hidden: keep the size it has
    const size = fit();
    if (size === SIZE) { fit3d(); return; }
    SIZE = size;
    legend.height = SIZE;
    pathLegend.style.maxWidth = `${SIZE}px`;
    if (compact) info.style.maxWidth = `${SIZE + 60}px`;
    fit3d();
    if (data) draw();
    else setFrame({ left: MARGIN, top: MARGIN, inner: SIZE - 2 * MARGIN, width: SIZE, height: SIZE });
  }) : null;
  resized?.observe(container);

  if (!options.manual) compute();
  return {
    update(changed) {
      if (!changed || changed.has("epoch")) maybeRecompute();
      if (changed && changed.has("sessionId") && !options.sessionId) { data = null; compute(); }
    },
    compute,
    destroy() { destroyed = true; resized?.disconnect(); root.remove(); },
  };
}
