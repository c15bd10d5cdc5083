// The pictures the film draws: a tensor's maps as small canvases, a figure with its legend,
// a layer's kernels (conv filters, or a dense layer's weights per unit laid out as the maps
// they read). Each takes the tensor it shows ({shape, data} of the trace) and computes nothing
// but layout and the colour range.

import { createGridRenderer } from "../ui/grid.js";
import { absMax, createDivergingLegend } from "../ui/colors.js";
import { paintMap } from "../lib/colors.js";
import { el } from "../ui/dom.js";

/** A captioned figure of a tensor's maps (up to maxMaps) with its diverging legend. */
export function figure(caption, t, px, maxMaps, legendCaption = "value") {
  const lim = absMax(t.data);
  return el("figure", { class: "nn-fig" }, el("figcaption", {}, caption), thumbs(t, px, maxMaps, lim),
    createDivergingLegend(document, lim, legendCaption));
}

/* Kernels of a conv (F, C, k, k): one grid per filter (input channel 0 when C > 1).
// A dense W (in, out): one picture per unit (see denseLayout); `maps` is focus.js inputMaps().
// `limit`: the colour scale's end (default the tensor's own largest |value|). */
export function kernels(caption, t, legendCaption, maps = null, limit = null) {
  const lim = limit ?? absMax(t.data);
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

/** Small canvases for a (C, H, W) tensor (up to maxMaps channels) or one strip for a vector. */
export function thumbs(t, px, maxMaps, limit) {
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
export function deadTitle(batch) {
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
