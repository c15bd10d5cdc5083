// Pure helpers for the SVG line charts. Tested in tests/js/chart.test.mjs.

import { linearScale, niceTicks } from "./geometry.js";

/** Keep at most `max` points: every k-th, always including the last. Indices are kept. */
export function thin(values, max) {
  const n = values.length;
  if (n <= max) return values.map((v, i) => [i, v]);
  const k = Math.ceil(n / max);
  const out = [];
  for (let i = 0; i < n; i += k) out.push([i, values[i]]);
  if (out[out.length - 1][0] !== n - 1) out.push([n - 1, values[n - 1]]);
  return out;
}

/** SVG path "M x y L x y ..." through points [[x, y]] (non-finite y breaks the line). */
export function linePath(points, sx, sy) {
  let d = "";
  let pen = false;
  for (const [x, y] of points) {
    if (y === null || !Number.isFinite(y)) {
      pen = false;
      continue;
    }
    d += `${pen ? "L" : "M"}${sx(x).toFixed(1)} ${sy(y).toFixed(1)}`;
    pen = true;
  }
  return d;
}

/** Extent [lo, hi] of finite values across series (arrays of [x, y]); pad when flat. */
export function extent(series, fallback = [0, 1]) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const pts of series) {
    for (const [, y] of pts) {
      if (y === null || !Number.isFinite(y)) continue;
      lo = Math.min(lo, y);
      hi = Math.max(hi, y);
    }
  }
  if (lo === Infinity) return fallback;
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  return [lo, hi];
}

/** About three nice y ticks, but never one alone: a range just under one nice step (a stuck
 * network's losses 2.306 and 2.39) held a single tick, an axis of one number. */
function yTicks(y0, y1) {
  const ticks = niceTicks(y0, y1, 3);
  return ticks.length < 2 ? niceTicks(y0, y1, 6) : ticks;
}

/**
 * Everything a chart needs to draw: scales, ticks, paths. `inset` ({x, y} pixels, default 0)
 * keeps the data that far inside the plot box (margin), so the extreme points (a dot at the
 * first epoch, the lowest loss) do not sit on its edge.
 */
export function layoutChart(series, { width, height, margin = { l: 36, r: 8, t: 8, b: 20 }, inset = { x: 0, y: 0 }, xDomain, yDomain }) {
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const [x0, x1] = xDomain ?? (xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1]);
  const [y0, y1] = yDomain ?? extent(series.map((s) => s.points));
  const ix = inset.x || 0;
  const iy = inset.y || 0;
  const sx = linearScale(x0, x1 === x0 ? x0 + 1 : x1, margin.l + ix, width - margin.r - ix);
  const sy = linearScale(y0, y1, height - margin.b - iy, margin.t + iy);
  return {
    sx, sy,
    xTicks: niceTicks(x0, x1 === x0 ? x0 + 1 : x1, 4).filter((t) => Number.isInteger(t) || x1 - x0 > 4),
    yTicks: yTicks(y0, y1),
    paths: series.map((s) => linePath(s.points, sx, sy)),
  };
}

/**
 * The decimals that tell ticks apart: enough for their step (times `scale`, e.g. 100 for a
 * percent), at least `min`. A chance-level network's accuracies lie within 0.5 % of each other:
 * whole percents printed its three ticks 0.0995, 0.1, 0.1005 as "10% 10% 10%".
 */
export function tickDecimals(ticks, scale = 1, min = 0) {
  if (ticks.length < 2) return min;
  const step = Math.abs(ticks[1] - ticks[0]) * scale;
  if (!(step > 0)) return min;
  return Math.max(min, Math.ceil(-Math.log10(step) - 1e-9));
}

/** Tick labels as the charts print them, `suffix` appended; `trim`: trailing zeros dropped
 * (0.5 beside 0.55), else every label with the same decimals (10.0% beside 10.2%). */
export function tickLabels(ticks, { scale = 1, min = 0, suffix = "", trim = true } = {}) {
  const d = tickDecimals(ticks, scale, min);
  return ticks.map((t) => `${trim ? +(t * scale).toFixed(d) : (t * scale).toFixed(d)}${suffix}`);
}
