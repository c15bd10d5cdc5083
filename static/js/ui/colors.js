// Colour helpers for the detail, film and landscape views. The diverging scale is the page's own (lib/colors.js,
// ColorBrewer RdBu centred on zero: negative blue, zero near-white, positive red), so a value
// has the same colour here as in the network view. Plus a sequential scale for losses.

import { divergingColor } from "../lib/colors.js";

/** Largest absolute finite value in an array-like (0 if none). */
export function absMax(values) {
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (a > m && Number.isFinite(a)) m = a;
  }
  return m;
}

/** [r, g, b] for value v on a scale symmetric about zero reaching +-limit. */
export function divergingRGB(v, limit) {
  if (!Number.isFinite(v)) return [120, 120, 120];
  return divergingColor(limit > 0 ? v / limit : 0);
}

export function divergingCSS(v, limit) {
  const [r, g, b] = divergingRGB(v, limit);
  return `rgb(${r},${g},${b})`;
}

/** Black or white text, whichever reads on that background. */
export function textColorOn([r, g, b]) {
  return 0.299 * r + 0.587 * g + 0.114 * b > 140 ? "#111" : "#fff";
}

// Sequential scale (viridis-like, colour-blind readable) for non-negative quantities such as
// a loss surface: low = dark purple, high = yellow.
const SEQ = [
  [68, 1, 84], [72, 40, 120], [62, 74, 137], [49, 104, 142], [38, 130, 142],
  [31, 158, 137], [53, 183, 121], [109, 205, 89], [180, 222, 44], [253, 231, 37],
];

/** [r, g, b] for t in 0..1 on the sequential scale. */
export function sequentialRGB(t) {
  if (!Number.isFinite(t)) return [120, 120, 120];
  const x = Math.max(0, Math.min(1, t)) * (SEQ.length - 1);
  const i = Math.min(SEQ.length - 2, Math.floor(x));
  const f = x - i;
  return [0, 1, 2].map((k) => Math.round(SEQ[i][k] + (SEQ[i + 1][k] - SEQ[i][k]) * f));
}

/** Format a number for display: fixed significant digits, no "-0". */
export function fmt(v, digits = 4) {
  if (v === null || v === undefined) return "–";
  const n = Number(v);
  if (!Number.isFinite(n)) return String(n);
  if (n === 0) return "0";
  const a = Math.abs(n);
  if (a >= 1e4 || a < 1e-3) return n.toExponential(digits - 1);
  const s = n.toPrecision(digits);
  return String(Number(s));
}

/**
 * Build a legend element: a gradient bar with -limit, 0, +limit and a caption.
 * @returns {HTMLElement}
 */
export function createDivergingLegend(doc, limit, caption = "value") {
  const wrap = doc.createElement("div");
  wrap.className = "nn-legend";
  wrap.setAttribute("role", "img");
  // every value 0 (a dead map, a zero gradient): said once, not as a scale "0 0 0"
  const flat = !(limit > 0);
  wrap.setAttribute("aria-label", flat ? `colour scale for ${caption}: every value is 0 (white)`
    : `colour scale for ${caption}: blue negative, white zero, red positive, from ${fmt(-limit)} to ${fmt(limit)}`);
  const bar = doc.createElement("canvas");
  bar.width = 120;
  bar.height = 10;
  bar.className = "nn-legend-bar";
  const ctx = bar.getContext("2d");
  for (let x = 0; x < bar.width; x++) {
    // all 0: the one colour every cell has (white), not a scale of colours none of them has
    const v = flat ? 0 : (x / (bar.width - 1) * 2 - 1) * limit;
    ctx.fillStyle = divergingCSS(v, flat ? 1 : limit);
    ctx.fillRect(x, 0, 1, bar.height);
  }
  const labels = doc.createElement("div");
  labels.className = "nn-legend-labels";
  for (const t of flat ? ["every value is 0"] : [fmt(-limit, 3), "0", fmt(limit, 3)]) {
    const s = doc.createElement("span");
    s.textContent = t;
    labels.append(s);
  }
  const cap = doc.createElement("div");
  cap.className = "nn-legend-caption";
  cap.textContent = caption;
  wrap.append(cap, bar, labels);
  return wrap;
}
