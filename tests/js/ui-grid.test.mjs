// Grid layout, hit-testing and the colour scale (static/js/ui/grid.js, colors.js).
import test from "node:test";
import assert from "node:assert/strict";
import { gridLayout, cellAt } from "../../static/js/ui/grid.js";
import { divergingRGB, absMax, fmt, sequentialRGB } from "../../static/js/ui/colors.js";

test("layout and hit-testing agree cell by cell", () => {
  const l = gridLayout(3, 5, 10, 2);
  assert.equal(l.width, 5 * 12 - 2);
  assert.equal(l.height, 3 * 12 - 2);
  assert.deepEqual(cellAt(l, 0, 0), { row: 0, col: 0 });
  assert.deepEqual(cellAt(l, 9.9, 9.9), { row: 0, col: 0 });
  assert.equal(cellAt(l, 10.5, 3), null); // in the gap
  assert.deepEqual(cellAt(l, 12, 24), { row: 2, col: 1 });
  assert.deepEqual(cellAt(l, 57, 33), { row: 2, col: 4 });
  assert.equal(cellAt(l, 60, 3), null);
  assert.equal(cellAt(l, -1, 3), null);
});

test("the diverging scale is centred on zero and symmetric in lightness", () => {
  const zero = divergingRGB(0, 1);
  assert.deepEqual(zero, [247, 247, 247]);
  const neg = divergingRGB(-1, 1);
  const pos = divergingRGB(1, 1);
  assert.ok(neg[2] > neg[0], "negative is blue");
  assert.ok(pos[0] > pos[2], "positive is red");
  assert.deepEqual(divergingRGB(-5, 1), neg); // clamped
  const lum = ([r, g, b]) => 0.299 * r + 0.587 * g + 0.114 * b;
  assert.ok(lum(divergingRGB(0.5, 1)) < lum(zero));
  assert.ok(lum(divergingRGB(-0.5, 1)) < lum(zero));
  assert.deepEqual(divergingRGB(3, 0), zero); // an all-zero map stays neutral
});

test("absMax ignores non-finite values; fmt never prints -0", () => {
  assert.equal(absMax([1, -3, NaN, 2, Infinity]), 3);
  assert.equal(absMax([]), 0);
  assert.equal(fmt(-0), "0");
  assert.equal(fmt(0.123456), "0.1235");
  assert.equal(fmt(-2.5), "-2.5");
  assert.equal(fmt(null), "–");
  const lo = sequentialRGB(0);
  const hi = sequentialRGB(1);
  assert.ok(hi[0] + hi[1] > lo[0] + lo[1]);
});
