// The pieces the 2-D view's output map draws (output-view.js is their container): the points
// over the map with the axes' ends, and the colour legend. They take what they draw.

import { el } from "../../ui/dom.js";
import { SCALE, formatValue } from "../../lib/colors.js";
import { cssColour } from "./heatmap.js";

const rgb = (c) => `rgb(${c[0]},${c[1]},${c[2]})`;
export const CLASS_COLOURS = [rgb(SCALE[1]), rgb(SCALE[9])]; // class 0 blue, class 1 red

/** The planar set's train and test points: {x, y, label, split, index, name}. */
export function dataPoints(pl) {
  const out = [];
  if (!pl) return out;
  for (const split of ["train", "val"]) {
    const s = pl.splits[split];
    if (!s) continue;
    const n = s.y.data.length;
    for (let i = 0; i < n; i++) out.push({ x: s.x.data[2 * i], y: s.x.data[2 * i + 1], label: s.y.data[i], split, index: s.index?.[i] ?? i, name: pl.names?.[split]?.[i] });
  }
  return out;
}

/**
 * The points on the `overlay` canvas (size × size CSS pixels) and the axes' ends. `view`:
 * {size, t (points.js planeTransform), showTest, colourOf(label), extent, axes}.
 */
export function drawPoints(overlay, pts, { size, t, showTest, colourOf, extent: e, axes }) {
  const dpr = window.devicePixelRatio || 1;
  if (overlay.width !== Math.round(size * dpr)) {
    overlay.width = Math.round(size * dpr);
    overlay.height = Math.round(size * dpr);
  }
  const ctx = overlay.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, size, size);
  let shownCount = 0;
  for (const p of pts) {
    if (p.split === "val" && !showTest) continue;
    const [px, py] = t.toPx(p.x, p.y);
    if (px < -4 || py < -4 || px > size + 4 || py > size + 4) continue;
    shownCount += 1;
    ctx.beginPath();
    ctx.arc(px, py, p.name ? 6 : 3.6, 0, 2 * Math.PI);
    ctx.fillStyle = colourOf(p.label);
    ctx.fill();
    ctx.lineWidth = p.split === "val" ? 1.6 : 1;
    ctx.strokeStyle = p.split === "val" ? "#111" : "#fff";
    ctx.stroke();
    if (p.name) {
      ctx.font = "11px system-ui, sans-serif";
      ctx.textAlign = "left";
      ctx.lineWidth = 3;
      ctx.strokeStyle = "rgba(255,255,255,0.9)";
      ctx.strokeText(p.name, px + 8, py + 4);
      ctx.fillStyle = "#111";
      ctx.fillText(p.name, px + 8, py + 4);
    }
  }
  overlay.dataset.points = String(shownCount);
  // the axes' ends
  ctx.font = "10px system-ui, sans-serif";
  ctx.lineWidth = 3;
  ctx.strokeStyle = "rgba(255,255,255,0.9)";
  ctx.fillStyle = "#111";
  const label = (text, x, y, align) => {
    ctx.textAlign = align;
    ctx.strokeText(text, x, y);
    ctx.fillText(text, x, y);
  };
  label(`${fmt(e.x1[0])}`, 3, size - 4, "left");
  label(`${axes[0]} ${fmt(e.x1[1])}`, size - 3, size - 4, "right");
  label(`${axes[1]} ${fmt(e.x2[1])}`, 3, 11, "left");
}

/** The colour bar under the map from s.lo to s.hi; `classes`: its ends read "0: class 0" and
 * "1: class 1" (the output of a classification) rather than numbers. */
export function drawLegend(legend, s, classes) {
  const bar = el("span", { class: "out-legend-bar" });
  const stops = [];
  for (let i = 0; i <= 10; i++) stops.push(`${cssColour(s.lo + ((s.hi - s.lo) * i) / 10, s.lo, s.hi)} ${i * 10}%`);
  bar.style.background = `linear-gradient(to right, ${stops.join(", ")})`;
  const left = classes ? "0: class 0" : formatValue(s.lo);
  const right = classes ? "1: class 1" : formatValue(s.hi);
  legend.replaceChildren(el("span", {}, left), bar, el("span", {}, right));
}

/** A number to 3 decimals at most, for the map's labels and readouts. */
export function fmt(v) {
  return Number.isFinite(v) ? String(+v.toFixed(3)) : String(v);
}

/** The activation of a grid layer's neurons, from the spec (a dense layer's own: linear). */
export function activationOf(spec, layer) {
  const l = spec?.layers.find((x) => x.name === layer.name);
  return l?.type === "dense" ? "linear" : l?.type ?? "linear";
}

/** A point in words, with the network's output `out` for it when known (else null). */
export function pointText(p, out, regression) {
  const who = p.name ? `${p.name}: ` : `${p.split === "val" ? "test" : "train"} point: `;
  const label = regression ? `target ${fmt(p.label)}` : `class ${p.label >= 0.5 ? 1 : 0}`;
  const said = out === null ? "" : `; the network says ${fmt(out)}`;
  return `${who}(${fmt(p.x)}, ${fmt(p.y)}), ${label}${said}`;
}
