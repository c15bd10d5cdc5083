// Heat maps of the 2-D data view: a grid of values (one neuron's output, or the network's output,
// over the input plane) -> RGBA pixels, on the project's diverging scale (lib/colors.js: blue
// below the middle, near-white at it, red above). Pure: no DOM. Tested in
// tests/js/lab-plane-heatmap.test.mjs.
//
// What "the middle" is depends on what the values are: a sigmoid's or a softmax's output is a
// probability, so 0.5 is the middle (a class-0 region is blue, a class-1 region red, the decision
// boundary is where the colour turns white); a tanh's output lies in [-1, 1]; a ReLU's, a linear
// unit's or a regression output has no fixed range, so it is shown symmetric around 0 up to the
// largest |value| of its layer (all maps of one layer comparable).

import { LUT } from "../../lib/colors.js";

const BOUNDED = {
  sigmoid: [0, 1],
  softmax: [0, 1],
  tanh: [-1, 1],
};

/**
 * The value range [lo, hi] that spans the colour scale for maps of a layer with this
 * activation (`type` as in the spec: sigmoid, tanh, relu, leaky_relu, identity/linear, dense
 * for a layer without activation, ...). `absMax` is the largest |value| over the layer's maps,
 * used for unbounded activations (1 when it is 0 or not finite).
 */
export function colourRange(type, absMax) {
  if (BOUNDED[type]) return BOUNDED[type];
  const a = Number.isFinite(absMax) && absMax > 0 ? absMax : 1;
  return [-a, a];
}

/**
 * Paint `count` values data[offset ..] into rgba (Uint8ClampedArray, 4 bytes a value):
 * lo -> the scale's blue end, (lo + hi) / 2 -> its white middle, hi -> its red end (clamped).
 * Row order is kept: data's first row is the image's first (top) row, so a grid whose row 0 is
 * the plane's top edge (largest x2) paints upright. `discrete` paints only the side of the
 * middle each value is on (the decision regions without their shading). `alpha` 0..255.
 */
export function paintGrid(data, offset, count, lo, hi, rgba, { discrete = false, alpha = 255, lut = LUT } = {}) {
  const n = lut.length / 4;
  const top = n - 1;
  const mid = (lo + hi) / 2;
  const k = hi > lo ? top / (hi - lo) : 0;
  for (let i = 0; i < count; i++) {
    const v = data[offset + i];
    let j;
    if (discrete) j = v > mid ? Math.round(top * 0.85) : v < mid ? Math.round(top * 0.15) : top / 2;
    else j = Math.round((v - lo) * k);
    if (!(j >= 0)) j = v > mid ? top : 0; // NaN -> blue end; +inf clamps below
    if (j > top) j = top;
    const s = j * 4;
    const d = i * 4;
    rgba[d] = lut[s];
    rgba[d + 1] = lut[s + 1];
    rgba[d + 2] = lut[s + 2];
    rgba[d + 3] = alpha;
  }
  return rgba;
}

/** Largest |value| of data[offset .. offset + count) (non-finite values skipped). */
export function absMaxOf(data, offset = 0, count = data.length - offset) {
  let m = 0;
  for (let i = offset, end = offset + count; i < end; i++) {
    const a = Math.abs(data[i]);
    if (a > m && a !== Infinity) m = a;
  }
  return m;
}

/** [r, g, b] of the colour value v gets on a [lo, hi] scale (for points, legends, lines). */
export function colourOf(v, lo, hi, lut = LUT) {
  const rgba = paintGrid([v], 0, 1, lo, hi, new Uint8ClampedArray(4), { lut });
  return [rgba[0], rgba[1], rgba[2]];
}

/** "rgb(r,g,b)" of colourOf. */
export function cssColour(v, lo, hi) {
  const [r, g, b] = colourOf(v, lo, hi);
  return `rgb(${r},${g},${b})`;
}
