// Drawing helpers for the loss surface: contour levels, the position of a point on the plot,
// the nearest grid node under the pointer, and iso-lines by marching squares. Pure, tested in
// Node (tests/js/landscape-contour.test.mjs). The loss values themselves come from the server;
// these functions only decide where and in which colour band to draw them.

/**
 * n+1 band edges spanning [lo, hi]; geometric spacing when `log` and lo > 0 (losses span
 * decades), linear otherwise. Edges ascend; the first is lo and the last is hi.
 */
export function contourLevels(lo, hi, n, log = true) {
  if (!(hi > lo)) return [lo, lo];
  const edges = [];
  const useLog = log && lo > 0;
  for (let i = 0; i <= n; i++) {
    const t = i / n;
    edges.push(useLog ? lo * (hi / lo) ** t : lo + (hi - lo) * t);
  }
  edges[0] = lo;
  edges[n] = hi;
  return edges;
}

/** Index of the band containing v (0 .. edges.length-2), clamped. */
export function bandOf(v, edges) {
  let lo = 0;
  let hi = edges.length - 1;
  if (!(v > edges[0])) return 0;
  if (v >= edges[hi]) return hi - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (v >= edges[mid]) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Plot transform: data (x, y) <-> pixel (px, py) with y up. */
export function plotTransform(xmin, xmax, ymin, ymax, width, height, margin = 0) {
  return frameTransform(xmin, xmax, ymin, ymax, { left: margin, top: margin, width: width - 2 * margin, height: height - 2 * margin });
}

/**
 * The same for a plot area `width` × `height` pixels whose top-left corner is (left, top):
 * px = left + (x − xmin) / (xmax − xmin) · width (margins of their own on each side).
 */
export function frameTransform(xmin, xmax, ymin, ymax, { left, top, width, height }) {
  return {
    toPx: (x, y) => ({ px: left + ((x - xmin) / (xmax - xmin)) * width, py: top + (1 - (y - ymin) / (ymax - ymin)) * height }),
    toData: (px, py) => ({ x: xmin + ((px - left) / width) * (xmax - xmin), y: ymin + (1 - (py - top) / height) * (ymax - ymin) }),
  };
}

/** Nearest grid node {ix, iy} to data point (x, y) on axes xs, ys (ascending), or null outside. */
export function nearestNode(xs, ys, x, y) {
  const near = (axis, v) => {
    const step = (axis[axis.length - 1] - axis[0]) / (axis.length - 1);
    if (v < axis[0] - step / 2 || v > axis[axis.length - 1] + step / 2) return -1;
    let best = 0;
    for (let i = 1; i < axis.length; i++) if (Math.abs(axis[i] - v) < Math.abs(axis[best] - v)) best = i;
    return best;
  };
  const ix = near(xs, x);
  const iy = near(ys, y);
  return ix < 0 || iy < 0 ? null : { ix, iy };
}

/**
 * Fractional grid position of pixel column/row for a surface of n x n nodes drawn so that node
 * centres sit at the axes' values: used to colour the plot by bilinear interpolation.
 */
export function sampleBilinear(values, nx, ny, gx, gy) {
  const x0 = Math.max(0, Math.min(nx - 1, Math.floor(gx)));
  const y0 = Math.max(0, Math.min(ny - 1, Math.floor(gy)));
  const x1 = Math.min(nx - 1, x0 + 1);
  const y1 = Math.min(ny - 1, y0 + 1);
  const fx = Math.max(0, Math.min(1, gx - x0));
  const fy = Math.max(0, Math.min(1, gy - y0));
  const a = values[y0 * nx + x0];
  const b = values[y0 * nx + x1];
  const c = values[y1 * nx + x0];
  const d = values[y1 * nx + x1];
  return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
}

/**
 * Iso-line segments at `level` through a grid of values (row-major, ny rows of nx), by
 * marching squares with linear interpolation along cell edges. Segments are in grid
 * coordinates: [[gx1, gy1], [gx2, gy2]].
 */
export function isoSegments(values, nx, ny, level) {
  const segs = [];
  const v = (x, y) => values[y * nx + x];
  const lerp = (a, b) => (level - a) / (b - a);
  for (let y = 0; y < ny - 1; y++) {
    for (let x = 0; x < nx - 1; x++) {
      const a = v(x, y);
      const b = v(x + 1, y);
      const c = v(x + 1, y + 1);
      const d = v(x, y + 1);
      const code = (a >= level ? 8 : 0) | (b >= level ? 4 : 0) | (c >= level ? 2 : 0) | (d >= level ? 1 : 0);
      if (code === 0 || code === 15) continue;
      const top = [x + lerp(a, b), y];
      const right = [x + 1, y + lerp(b, c)];
      const bottom = [x + lerp(d, c), y + 1];
      const left = [x, y + lerp(a, d)];
      switch (code) {
        case 1: case 14: segs.push([left, bottom]); break;
        case 2: case 13: segs.push([bottom, right]); break;
        case 3: case 12: segs.push([left, right]); break;
        case 4: case 11: segs.push([top, right]); break;
        case 6: case 9: segs.push([top, bottom]); break;
        case 7: case 8: segs.push([left, top]); break;
        case 5: segs.push([left, top], [bottom, right]); break;
        case 10: segs.push([top, right], [left, bottom]); break;
        default: break;
      }
    }
  }
  return segs;
}
