// The pieces the loss-surface view draws (landscape.js is their container): the filled
// contour with its iso-lines, the optimiser's path, the colour legend and the 1-D slice. Each
// draws what it is given (the server's losses) and computes only layout and colour.

import { fmt, sequentialRGB } from "../ui/colors.js";
import { svgEl } from "../ui/dom.js";
import { plotTransform, sampleBilinear, isoSegments } from "./contour.js";

export const MARGIN = 36;
export const BANDS = 12;
/** The axes' and the legend's numbers, in CSS pixels: drawn at this size (never scaled down), at
 * least the page's smallest paragraph text (0.85rem = 11.9 px). */
export const TICK_PX = 12;
const TICK_FONT = `${TICK_PX}px system-ui, sans-serif`;

/**
 * Where the contour sits on its canvas: a square plot of `size` − 2·MARGIN pixels, MARGIN above,
 * below and on the right, and on the left room for the y axis' name and its end values as
 * `ctx` measures them (at least MARGIN). Returns {left, top, inner, width, height}: the canvas
 * is width × height.
 */
export function contourFrame(ctx, { ys, size }) {
  ctx.font = TICK_FONT;
  const widest = Math.max(...[ys[0], ys[ys.length - 1]].map((v) => ctx.measureText(fmt(v, 2)).width));
  const left = Math.max(MARGIN, Math.ceil(TICK_PX + 6 + widest + 4));
  const inner = size - 2 * MARGIN;
  return { left, top: MARGIN, inner, width: left + inner + MARGIN, height: size };
}

/**
 * The filled contour on `canvas` (resized to frame.width × frame.height; `frame` from
 * contourFrame): each pixel the colour `rgbOf(loss)` of the bilinearly interpolated loss of
 * `vals` (ny, nx) over axes xs, ys; white iso-lines on the band `edges`; the axes' ends and names.
 */
export function drawContour(canvas, { xs, ys, vals, edges, frame, rgbOf, xName, yName }) {
  const nx = xs.length;
  const ny = ys.length;
  const { left, top, inner, width, height } = frame;
  canvas.width = width;
  canvas.height = height;
  // filled bands: colour each pixel by the band its interpolated loss falls in
  const ctx = canvas.getContext("2d");
  const img = ctx.createImageData(width, height);
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) {
      const o = (py * width + px) * 4;
      if (px < left || py < top || px >= left + inner || py >= top + inner) {
        img.data[o] = img.data[o + 1] = img.data[o + 2] = 255;
        img.data[o + 3] = 255;
        continue;
      }
      const gx = ((px - left + 0.5) / inner) * (nx - 1);
      const gy = (1 - (py - top + 0.5) / inner) * (ny - 1);
      const v = sampleBilinear(vals, nx, ny, gx, gy);
      const [r, g, b] = rgbOf(v);
      img.data[o] = r; img.data[o + 1] = g; img.data[o + 2] = b; img.data[o + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
  // iso-lines on the band edges
  ctx.strokeStyle = "rgba(255,255,255,0.55)";
  ctx.lineWidth = 1;
  const toPx = ([gx, gy]) => [left + (gx / (nx - 1)) * inner, top + (1 - gy / (ny - 1)) * inner];
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
  // axes: the ends' values and the directions' names, at TICK_PX
  ctx.fillStyle = "#333";
  ctx.font = TICK_FONT;
  ctx.textAlign = "center";
  const base = top + inner + TICK_PX + 6;
  ctx.fillText(fmt(xs[0], 2), left, base);
  ctx.fillText(fmt(xs[nx - 1], 2), left + inner, base);
  ctx.fillText(xName, left + inner / 2, base);
  ctx.save();
  ctx.translate(TICK_PX, top + inner / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(yName, 0, 0);
  ctx.restore();
  ctx.textAlign = "right";
  ctx.fillText(fmt(ys[ny - 1], 2), left - 4, top + TICK_PX * 0.7);
  ctx.fillText(fmt(ys[0], 2), left - 4, top + inner);
}

/** The optimiser's path on `svg`: a line, a square at the start, a dot per epoch (small
 * ones for checkpoints within an epoch), the current point ringed; `T` plotTransform's. */
export function drawPath(svg, trajectory, T) {
  svg.replaceChildren();
  if (!trajectory.length) return;
  const pts = trajectory.map((p) => T.toPx(p.x, p.y));
  const points = pts.map((p) => `${p.px.toFixed(1)},${p.py.toFixed(1)}`).join(" ");
  svg.append(svgEl("polyline", { points, fill: "none", stroke: "#fff", "stroke-width": "2.5" }),
    svgEl("polyline", { points, fill: "none", stroke: "#d62728", "stroke-width": "1.5" }));
  trajectory.forEach((p, i) => {
    const { px, py } = pts[i];
    const pos = p.position ?? p.epoch;
    const whole = Number.isInteger(pos);
    const isNow = i === trajectory.length - 1;
    const at = pos === 0
      ? ["rect", { x: String(px - 4), y: String(py - 4), width: "8", height: "8", class: "nn-start-point" }]
      : ["circle", { cx: String(px), cy: String(py), r: isNow ? "6" : whole ? "4" : "2",
        class: `${whole ? "nn-epoch-dot" : "nn-path-point"}${isNow ? " nn-current-point" : ""}` }];
    svg.append(svgEl(at[0], {
      ...at[1], fill: isNow ? "#fff" : "#d62728", stroke: isNow ? "#d62728" : "#fff",
      "stroke-width": isNow ? "3" : "1.5", "data-epoch": String(pos), "data-loss": String(p.loss),
    }, svgEl("title", {}, `${isNow ? "now, " : ""}epoch ${fmt(pos, 3)}: loss ${fmt(p.loss)} (surface ${fmt(p.surface_loss)})`)));
  });
}

/** The colour legend of the BANDS bands on the `legend` canvas (height kept, width fitted to
 * its numbers), labelled every third edge. */
export function drawLegend(legend, edges) {
  let ctx = legend.getContext("2d");
  ctx.font = TICK_FONT;
  const labels = [];
  for (let b = 0; b <= BANDS; b += 3) labels.push(fmt(edges[b], 2));
  // as wide as its longest number needs (resizing clears the canvas and its state)
  legend.width = Math.max(40, Math.ceil(16 + Math.max(...labels.map((t) => ctx.measureText(t).width))));
  ctx = legend.getContext("2d");
  const h = legend.height;
  const bandH = (h - 2 * MARGIN) / BANDS;
  for (let b = 0; b < BANDS; b++) {
    const [r, g, bl] = sequentialRGB((b + 0.5) / BANDS); // = bandRGB of a loss in band b
    ctx.fillStyle = `rgb(${r},${g},${bl})`;
    ctx.fillRect(0, h - MARGIN - (b + 1) * bandH, 12, bandH);
  }
  ctx.fillStyle = "#333";
  ctx.font = TICK_FONT;
  ctx.textAlign = "left";
  for (let b = 0; b <= BANDS; b += 3) ctx.fillText(fmt(edges[b], 2), 14, h - MARGIN - b * bandH + 4);
  legend.setAttribute("aria-label", `loss colour scale from ${fmt(edges[0])} (dark) to ${fmt(edges.at(-1))} (yellow)`);
}

/** The 1-D slice (loss along x through the current weights) on the `slice` canvas. */
export function drawSlice(slice, s, centerLoss) {
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
  const c = T.toPx(0, s.center_loss ?? centerLoss);
  ctx.fillStyle = "#d62728";
  ctx.beginPath();
  ctx.arc(c.px, c.py, 4, 0, 2 * Math.PI);
  ctx.fill();
  ctx.fillStyle = "#333";
  ctx.font = TICK_FONT;
  ctx.textAlign = "left";
  ctx.fillText(`loss ${fmt(hi, 3)}`, 24, 16);
  ctx.fillText(`${fmt(lo, 3)}`, 24, h - 6);
  ctx.textAlign = "right";
  ctx.fillText(`x from ${fmt(s.x[0], 2)} to ${fmt(s.x.at(-1), 2)}`, w - 22, h - 6);
  slice.setAttribute("aria-label", `loss along the x direction through the current weights, from ${fmt(lo)} to ${fmt(hi)}`);
}
