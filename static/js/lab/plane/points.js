// The input plane of the 2-D data view: data coordinates <-> canvas pixels, finding the point
// under the pointer, and the user's own points (add, move, delete; kept immutable). A point is
// [x1, x2, label] as in settings.planar.points (docs/protocol.md); lib/urlstate.js writes
// them into the URL. Pure: no DOM. Tested in tests/js/lab-plane-points.test.mjs.

/**
 * Transform between the plane [x0, x1] x [y0, y1] and a canvas of `size` x `size` pixels
 * (y grows upward on the plane, downward on the canvas).
 */
export function planeTransform({ x: [x0, x1], y: [y0, y1] }, size) {
  const sx = size / (x1 - x0);
  const sy = size / (y1 - y0);
  return {
    size,
    toPx: (x, y) => [(x - x0) * sx, (y1 - y) * sy],
    toPlane: (px, py) => [x0 + px / sx, y1 - py / sy],
  };
}

/**
 * Index of the point nearest (px, py) in canvas pixels, within `radius` pixels, or -1.
 * points: [[x1, x2, ...]] in plane coordinates.
 */
export function nearestPoint(points, transform, px, py, radius = 8) {
  let best = -1;
  let bestD = radius * radius;
  points.forEach((p, i) => {
    const [qx, qy] = transform.toPx(p[0], p[1]);
    const d = (qx - px) ** 2 + (qy - py) ** 2;
    if (d < bestD || (best === -1 && d === bestD)) {
      best = i;
      bestD = d;
    }
  });
  return best;
}

/** Round to `digits` decimals (a placed point's coordinates: short in the URL). */
export function roundTo(v, digits = 2) {
  const k = 10 ** digits;
  return Math.round(v * k) / k;
}

/** Clamp (x, y) into the plane's domain. */
export function clampToDomain(domain, x, y) {
  const c = (v, [lo, hi]) => Math.min(hi, Math.max(lo, v));
  return [c(x, domain.x), c(y, domain.y)];
}

export function addPoint(points, point) {
  return [...points, point];
}

export function movePoint(points, index, x, y) {
  return points.map((p, i) => (i === index ? [x, y, p[2]] : p));
}

export function removePoint(points, index) {
  return points.filter((_, i) => i !== index);
}
