import assert from "node:assert/strict";
import { test } from "node:test";
import { buildLut, divergingColor, formatValue, paintMap, SCALE, range } from "../../static/js/lib/colors.js";

test("zero maps to the neutral middle colour, ends to the extremes", () => {
  assert.deepEqual(divergingColor(0), SCALE[5]);
  assert.deepEqual(divergingColor(-1), SCALE[0]);
  assert.deepEqual(divergingColor(1), SCALE[10]);
  assert.deepEqual(divergingColor(5), SCALE[10], "clamped above");
  assert.deepEqual(divergingColor(-5), SCALE[0], "clamped below");
});

test("the scale is symmetric in lightness around zero", () => {
  const lum = ([r, g, b]) => 0.2126 * r + 0.7152 * g + 0.0722 * b;
  for (const t of [0.2, 0.5, 0.8, 1]) {
    const diff = Math.abs(lum(divergingColor(t)) - lum(divergingColor(-t)));
    assert.ok(diff < 40, `t=${t} lightness differs by ${diff}`);
    assert.ok(lum(divergingColor(t)) < lum(divergingColor(0)), "darker away from zero");
  }
});

test("negative and positive hues differ (blue channel dominates negatives)", () => {
  const [r1, , b1] = divergingColor(-0.7);
  const [r2, , b2] = divergingColor(0.7);
  assert.ok(b1 > r1 && r2 > b2);
});

test("LUT middle entry is zero's colour", () => {
  const lut = buildLut(257);
  assert.deepEqual(Array.from(lut.slice(128 * 4, 128 * 4 + 3)), SCALE[5]);
});

test("range skips nothing finite and reports absMax", () => {
  const d = new Float32Array([0.5, -2, 1, 3, 7]);
  assert.deepEqual(range(d, 1, 3), { min: -2, max: 3, absMax: 3 });
  assert.deepEqual(range(new Float32Array(0)), { min: 0, max: 0, absMax: 0 });
});

test("paintMap puts -absMax, 0 and +absMax at the scale's ends and middle", () => {
  const d = new Float32Array([-4, 0, 4, 2]);
  const out = paintMap(d, 0, 2, 2, 4, new Uint8ClampedArray(16));
  assert.deepEqual(Array.from(out.slice(0, 3)), SCALE[0]);
  assert.deepEqual(Array.from(out.slice(4, 7)), SCALE[5]);
  assert.deepEqual(Array.from(out.slice(8, 11)), SCALE[10]);
  assert.deepEqual(Array.from(out.slice(12, 15)), divergingColor(0.5));
  assert.equal(out[15], 255);
});

test("paintMap with absMax 0 paints zero colour", () => {
  const out = paintMap(new Float32Array([0, 0]), 0, 1, 2, 0, new Uint8ClampedArray(8));
  assert.deepEqual(Array.from(out.slice(0, 3)), SCALE[5]);
});

test("formatValue is short", () => {
  assert.equal(formatValue(0), "0");
  assert.equal(formatValue(0.12345), "0.123");
  assert.equal(formatValue(12.345), "12.3");
  assert.equal(formatValue(0.00001234), "1.23e-5");
});
