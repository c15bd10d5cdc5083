// The input plane of the 2-D data view: data coordinates <-> canvas pixels, finding the point
// under the pointer, and the user's own points (add, move, delete; kept immutable), with their
// compact text form for the URL. Pure: no DOM. Tested in tests/js/lab-plane-points.test.mjs.

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
 * points: [{x, y, ...}] in plane coordinates.
 */
export function nearestPoint(points, transform, px, py, radius = 8) {
  let best = -1;
  let bestD = radius * radius;
  points.forEach((p, i) => {
    const [qx, qy] = transform.toPx(p.x, p.y);
    const d = (qx - px) ** 2 + (qy - py) ** 2;
    if (d <= bestD) {
      best = i;
      bestD = d;
    }
  });
  return best;
}

/** Round to `digits` decimals (what the URL and the server get). */
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
  return points.map((p, i) => (i === index ? { ...p, x, y } : p));
}

export function removePoint(points, index) {
  return points.filter((_, i) => i !== index);
}

/**
 * Points as text for the URL: "x,y,label;x,y,label" (label an integer class, or for a
 * regression set a real target), numbers rounded to 2 decimals.
 */
export function encodePoints(points) {
  return points.map((p) => [p.x, p.y, p.label].map((v) => String(roundTo(v))).join(",")).join(";");
}

/** The inverse of encodePoints; throws an Error naming the bad piece. */
export function decodePoints(text) {
  if (!text) return [];
  return text.split(";").map((piece) => {
    const parts = piece.split(",");
    const nums = parts.map(Number);
    if (parts.length !== 3 || parts.some((s) => s.trim() === "") || nums.some((v) => !Number.isFinite(v))) {
      throw new Error(`cannot read point "${piece}" in the URL`);
    }
    return { x: nums[0], y: nums[1], label: nums[2] };
  });
}
