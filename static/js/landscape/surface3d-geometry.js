// Geometry of the 3-D loss surface: where a grid node, a path point or an axis end lands on
// the canvas for a given azimuth and elevation (orthographic), which quads are farther than
// others (painter's algorithm: draw far to near), and how brightly a face is lit. Pure, tested
// in Node (tests/js/landscape-surface3d.test.mjs). No loss is computed here: heights come from
// the server's numbers, mapped onto the same scale as the contour's colours.
//
// World coordinates: the plot's two directions span x, y in [-1, 1] (axis ends at the box's
// sides), the loss is z in [0, zScale]. The camera turns about the vertical axis through the
// box's centre by `azimuth` degrees and looks down at it by `elevation` degrees (0: from the
// side, 90: straight down, which is the contour's view: x right, y up).

export const DEG = Math.PI / 180;

/**
 * Height in [0, 1] of a loss v on the colour scale spanning [lo, hi]: geometric when `log`
 * and lo > 0 (as contour.js's contourLevels spaces the band edges), linear otherwise; values
 * outside the range (and non-finite ones) are clamped to its ends.
 */
export function heightScale(lo, hi, log = true) {
  const useLog = log && lo > 0 && hi > lo;
  const span = useLog ? Math.log(hi / lo) : hi - lo;
  return (v) => {
    if (Number.isNaN(v) || v === null || v === undefined) return 0;
    if (!(span > 0)) return 0;
    const t = useLog ? (v > 0 ? Math.log(v / lo) / span : 0) : (v - lo) / span;
    return Math.max(0, Math.min(1, t));
  };
}

/**
 * The camera for a view {azimuth, elevation} (degrees) on a canvas of width x height pixels.
 * The scale does not depend on the azimuth, so that turning the surface does not zoom it.
 * project(x, y, z) -> {sx, sy, depth}: canvas pixels (y down) and the distance along the line
 * of sight (larger is farther from the viewer).
 */
export function camera({ azimuth, elevation }, width, height, { zScale = 1, margin = 0 } = {}) {
  const a = azimuth * DEG;
  const e = elevation * DEG;
  const ca = Math.cos(a);
  const sa = Math.sin(a);
  const ce = Math.cos(e);
  const se = Math.sin(e);
  const zc = zScale / 2;
  // half extents over every azimuth: the box's diagonal sideways, its height and depth upwards
  const halfW = Math.SQRT2;
  const halfH = zc * Math.abs(ce) + Math.SQRT2 * Math.abs(se);
  const s = Math.min((width / 2 - margin) / halfW, (height / 2 - margin) / halfH);
  const cx = width / 2;
  const cy = height / 2;
  return {
    scale: s,
    project(x, y, z) {
      const xr = x * ca - y * sa;
      const yr = x * sa + y * ca;
      const zz = z - zc;
      return { sx: cx + s * xr, sy: cy - s * (zz * ce + yr * se), depth: yr * ce - zz * se };
    },
    /** Unit vectors in world coordinates: towards the viewer, screen right, screen up. */
    toViewer: [-ce * sa, -ce * ca, se],
    right: [ca, -sa, 0],
    up: [se * sa, se * ca, ce],
  };
}

/** Indices of `depths` from the farthest to the nearest (ties keep their order). */
export function paintOrder(depths) {
  const idx = Array.from(depths, (_, i) => i);
  idx.sort((i, j) => depths[j] - depths[i] || i - j);
  return idx;
}

/**
 * Unit normal of the quad p00, p10, p11, p01 (world [x, y, z] corners in order round it): the
 * cross product of its diagonals, pointing up (z >= 0) for a surface over the floor.
 */
export function quadNormal(p00, p10, p11, p01) {
  const d1 = [p11[0] - p00[0], p11[1] - p00[1], p11[2] - p00[2]];
  const d2 = [p01[0] - p10[0], p01[1] - p10[1], p01[2] - p10[2]];
  const n = [d1[1] * d2[2] - d1[2] * d2[1], d1[2] * d2[0] - d1[0] * d2[2], d1[0] * d2[1] - d1[1] * d2[0]];
  const len = Math.hypot(n[0], n[1], n[2]) || 1;
  const sign = n[2] < 0 ? -1 : 1;
  return [sign * n[0] / len, sign * n[1] / len, sign * n[2] / len];
}

/** Brightness factor of a face with unit normal n under unit light l: ambient + diffuse. */
export function lambert(n, l, ambient = 0.45) {
  const d = Math.abs(n[0] * l[0] + n[1] * l[1] + n[2] * l[2]);
  return ambient + (1 - ambient) * d;
}

/** The light for a camera: over the viewer's left shoulder, so it turns with the view. */
export function lightFor(cam) {
  const v = [0, 1, 2].map((k) => cam.toViewer[k] + 0.9 * cam.up[k] - 0.5 * cam.right[k]);
  const len = Math.hypot(...v);
  return v.map((c) => c / len);
}

/**
 * Points of a straight path step from grid position (gx0, gy0) to (gx1, gy1) cut into pieces
 * of at most `step` grid cells, so that each piece can be painted in depth order with the
 * quads under it. Returns fractions t in [0, 1], both ends included.
 */
export function pieces(gx0, gy0, gx1, gy1, step = 0.25) {
  const n = Math.max(1, Math.ceil(Math.hypot(gx1 - gx0, gy1 - gy0) / step));
  return Array.from({ length: n + 1 }, (_, i) => i / n);
}
