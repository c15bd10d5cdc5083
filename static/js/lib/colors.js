// Diverging colour scale centred on zero, colour-blind safe (ColorBrewer RdBu, 11 classes,
// reversed): negative values blue, zero near-white, positive values red. Blue against red
// stays distinct for red-green colour blindness (it reads as blue against brown-yellow) and
// both arms darken at about the same rate. Pure: no DOM. Tested in tests/js/colors.test.mjs.

export const SCALE = [
  [5, 48, 97], [33, 102, 172], [67, 147, 195], [146, 197, 222], [209, 229, 240],
  [247, 247, 247],
  [253, 219, 199], [244, 165, 130], [214, 96, 77], [178, 24, 43], [103, 0, 31],
];

/** Colour for t in [-1, 1] (clamped; NaN -> mid grey). Returns [r, g, b] integers. */
export function divergingColor(t) {
  if (Number.isNaN(t)) return [128, 128, 128];
  const c = Math.max(-1, Math.min(1, t));
  const pos = ((c + 1) / 2) * (SCALE.length - 1);
  const i = Math.min(SCALE.length - 2, Math.floor(pos));
  const f = pos - i;
  const a = SCALE[i];
  const b = SCALE[i + 1];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * f));
}

/** A lookup table of n RGBA entries spanning t = -1 .. 1. Entry (n-1)/2 is zero. */
export function buildLut(n = 257) {
  const lut = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    const [r, g, b] = divergingColor((i / (n - 1)) * 2 - 1);
    lut.set([r, g, b, 255], i * 4);
  }
  return lut;
}

export const LUT = buildLut();

/** Min, max and max |v| over data[offset .. offset+length). Non-finite values are skipped. */
export function range(data, offset = 0, length = data.length - offset) {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = offset, end = offset + length; i < end; i++) {
    const v = data[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return { min: 0, max: 0, absMax: 0 };
  return { min: lo, max: hi, absMax: Math.max(Math.abs(lo), Math.abs(hi)) };
}

/**
 * Paint data[offset .. offset + h*w) (row-major) into rgba (Uint8ClampedArray of h*w*4),
 * mapping value v to the colour of v / absMax. absMax 0 paints everything as zero.
 */
export function paintMap(data, offset, h, w, absMax, rgba, lut = LUT) {
  const n = lut.length / 4;
  const mid = (n - 1) / 2;
  const k = absMax > 0 ? mid / absMax : 0;
  for (let i = 0; i < h * w; i++) {
    let j = Math.round(mid + data[offset + i] * k);
    if (!(j >= 0)) j = 0; // NaN and negatives below range
    if (j > n - 1) j = n - 1;
    const s = j * 4;
    const d = i * 4;
    rgba[d] = lut[s];
    rgba[d + 1] = lut[s + 1];
    rgba[d + 2] = lut[s + 2];
    rgba[d + 3] = 255;
  }
  return rgba;
}

/** CSS linear-gradient for a legend bar, left = -1, right = +1. */
export function legendGradient(steps = 11) {
  const parts = [];
  for (let i = 0; i < steps; i++) {
    const t = (i / (steps - 1)) * 2 - 1;
    const [r, g, b] = divergingColor(t);
    parts.push(`rgb(${r},${g},${b}) ${((i / (steps - 1)) * 100).toFixed(1)}%`);
  }
  return `linear-gradient(to right, ${parts.join(", ")})`;
}

/** Short human format for a value shown next to the scale. */
export function formatValue(v) {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a === 0) return "0";
  if (a >= 1000 || a < 0.001) return v.toExponential(2);
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(3);
}
