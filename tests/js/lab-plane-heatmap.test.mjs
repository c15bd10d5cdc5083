import assert from "node:assert/strict";
import { test } from "node:test";
import { LUT, SCALE } from "../../static/js/lib/colors.js";
import { absMaxOf, colourOf, colourRange, paintGrid } from "../../static/js/lab/plane/heatmap.js";

const rgbAt = (rgba, i) => Array.from(rgba.slice(i * 4, i * 4 + 3));

test("bounded activations span their own range, unbounded ones +-absMax", () => {
  assert.deepEqual(colourRange("sigmoid", 7), [0, 1]);
  assert.deepEqual(colourRange("softmax", 0), [0, 1]);
  assert.deepEqual(colourRange("tanh", 3), [-1, 1]);
  assert.deepEqual(colourRange("relu", 2.5), [-2.5, 2.5]);
  assert.deepEqual(colourRange("identity", 0), [-1, 1], "a flat zero map still gets a scale");
  assert.deepEqual(colourRange("dense", NaN), [-1, 1]);
});

test("paintGrid maps lo to blue, the middle to white, hi to red, clamping outside", () => {
  const data = new Float32Array([0, 0.5, 1, -3, 4]);
  const rgba = paintGrid(data, 0, 5, 0, 1, new Uint8ClampedArray(20));
  assert.deepEqual(rgbAt(rgba, 0), SCALE[0]);
  assert.deepEqual(rgbAt(rgba, 1), SCALE[5]);
  assert.deepEqual(rgbAt(rgba, 2), SCALE[10]);
  assert.deepEqual(rgbAt(rgba, 3), SCALE[0], "below lo clamps to the blue end");
  assert.deepEqual(rgbAt(rgba, 4), SCALE[10], "above hi clamps to the red end");
  for (let i = 0; i < 5; i++) assert.equal(rgba[i * 4 + 3], 255);
});

test("paintGrid honours offset and count, keeps row order, sets alpha", () => {
  const data = new Float32Array([9, 9, -1, 1, 1, -1]);
  const rgba = paintGrid(data, 2, 4, -1, 1, new Uint8ClampedArray(16), { alpha: 160 });
  assert.deepEqual(rgbAt(rgba, 0), SCALE[0]);
  assert.deepEqual(rgbAt(rgba, 1), SCALE[10]);
  assert.deepEqual(rgbAt(rgba, 2), SCALE[10]);
  assert.deepEqual(rgbAt(rgba, 3), SCALE[0]);
  assert.equal(rgba[3], 160);
});

test("a value's colour reads blue below the middle and red above; darker further out", () => {
  const lum = ([r, g, b]) => 0.2126 * r + 0.7152 * g + 0.0722 * b;
  for (let v = 0; v <= 1.0001; v += 0.1) {
    const [r, , b] = colourOf(v, 0, 1);
    if (v > 0.55) assert.ok(r > b, `v=${v} reads red`);
    if (v < 0.45) assert.ok(b > r, `v=${v} reads blue`);
  }
  assert.ok(lum(colourOf(0.9, 0, 1)) < lum(colourOf(0.7, 0, 1)));
  assert.ok(lum(colourOf(0.1, 0, 1)) < lum(colourOf(0.3, 0, 1)));
});

test("discrete paints only the side of the middle", () => {
  const data = new Float32Array([0.51, 0.99, 0.49, 0.01]);
  const rgba = paintGrid(data, 0, 4, 0, 1, new Uint8ClampedArray(16), { discrete: true });
  assert.deepEqual(rgbAt(rgba, 0), rgbAt(rgba, 1));
  assert.deepEqual(rgbAt(rgba, 2), rgbAt(rgba, 3));
  assert.notDeepEqual(rgbAt(rgba, 0), rgbAt(rgba, 2));
  const [r, , b] = rgbAt(rgba, 0);
  assert.ok(r > b);
});

test("absMaxOf skips infinities and looks only at its slice", () => {
  assert.equal(absMaxOf(new Float32Array([1, -5, 2, Infinity, 3]), 1, 4), 5);
  assert.equal(absMaxOf(new Float32Array([100, -2, 1]), 1), 2);
  assert.equal(absMaxOf([]), 0);
});

test("the LUT's ends are what paintGrid uses", () => {
  const rgba = paintGrid([1], 0, 1, -1, 1, new Uint8ClampedArray(4));
  const n = LUT.length / 4;
  assert.deepEqual(rgbAt(rgba, 0), Array.from(LUT.slice((n - 1) * 4, (n - 1) * 4 + 3)));
});
