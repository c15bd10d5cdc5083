// Sliding-window geometry: sizes, padding, stride, scan order (static/js/detail/geometry.js).
import test from "node:test";
import assert from "node:assert/strict";
import {
  resolvePadding, outputSize, windowGeometry, windowOrigin, windowCells, isPaddingCell,
  scanIndex, scanCell, outputCellsReading,
} from "../../static/js/detail/geometry.js";

test("output size follows floor((in + 2p - k) / s) + 1", () => {
  assert.equal(outputSize(4, 3, 1, 0), 2); // 4x4 input, 3x3 kernel -> 2x2
  assert.equal(outputSize(4, 3, 1, 1), 4); // padding 1 keeps it 4x4
  assert.equal(outputSize(32, 5, 1, 0), 28);
  assert.equal(outputSize(28, 2, 2, 0), 14);
  assert.equal(outputSize(7, 3, 2, 0), 3);
  assert.equal(outputSize(7, 3, 3, 1), 3); // (7+2-3)/3 = 2 -> 3
  assert.equal(outputSize(2, 3, 1, 0), 0); // kernel does not fit
});

test("padding resolves ints, same and valid", () => {
  assert.equal(resolvePadding(2, 3), 2);
  assert.equal(resolvePadding("valid", 5), 0);
  assert.equal(resolvePadding("same", 3), 1);
  assert.equal(resolvePadding("same", 5), 2);
  assert.equal(resolvePadding(undefined, 3), 0);
  assert.throws(() => resolvePadding(-1, 3), RangeError);
});

test("geometry of a padded, strided layer", () => {
  const g = windowGeometry({ inH: 5, inW: 6, kernel: 3, stride: 2, padding: 1 });
  assert.deepEqual([g.pad, g.paddedH, g.paddedW, g.outH, g.outW, g.count], [1, 7, 8, 3, 3, 9]);
});

test("window cells of the top-left output cell include the padding", () => {
  const g = windowGeometry({ inH: 4, inW: 4, kernel: 3, stride: 1, padding: 1 });
  const cells = windowCells(g, 0, 0);
  assert.equal(cells.length, 9);
  // kernel row-major order
  assert.deepEqual(cells.map((c) => [c.ky, c.kx]), [
    [0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2], [2, 0], [2, 1], [2, 2]]);
  // first row and first column are padding, the rest are input cells (0..1, 0..1)
  assert.deepEqual(cells.map((c) => c.isPadding), [
    true, true, true, true, false, false, true, false, false]);
  const real = cells.filter((c) => !c.isPadding).map((c) => [c.iy, c.ix]);
  assert.deepEqual(real, [[0, 0], [0, 1], [1, 0], [1, 1]]);
});

test("the window moves by the stride", () => {
  const g = windowGeometry({ inH: 7, inW: 7, kernel: 3, stride: 2, padding: 0 });
  assert.deepEqual(windowOrigin(g, 0, 0), { py: 0, px: 0 });
  assert.deepEqual(windowOrigin(g, 1, 2), { py: 2, px: 4 });
  const cells = windowCells(g, 2, 1);
  assert.deepEqual([cells[0].iy, cells[0].ix], [4, 2]);
  assert.deepEqual([cells[8].iy, cells[8].ix], [6, 4]);
  assert.ok(cells.every((c) => !c.isPadding));
  assert.throws(() => windowOrigin(g, 3, 0), RangeError);
});

test("bottom-right window of a padded layer covers padding on the far sides", () => {
  const g = windowGeometry({ inH: 4, inW: 4, kernel: 3, stride: 1, padding: 1 });
  const cells = windowCells(g, 3, 3);
  assert.deepEqual(cells.map((c) => c.isPadding), [
    false, false, true, false, false, true, true, true, true]);
  assert.deepEqual([cells[0].iy, cells[0].ix], [2, 2]);
});

test("padding cells are the border of the padded grid", () => {
  const g = windowGeometry({ inH: 2, inW: 3, kernel: 3, stride: 1, padding: 2 });
  let padded = 0;
  for (let py = 0; py < g.paddedH; py++) {
    for (let px = 0; px < g.paddedW; px++) if (isPaddingCell(g, py, px)) padded++;
  }
  assert.equal(padded, g.paddedH * g.paddedW - 2 * 3);
  assert.equal(isPaddingCell(g, 2, 2), false);
  assert.equal(isPaddingCell(g, 1, 2), true);
});

test("scan order is left to right, then top to bottom", () => {
  const g = windowGeometry({ inH: 5, inW: 6, kernel: 3, stride: 1, padding: 0 });
  assert.equal(g.outW, 4);
  const order = Array.from({ length: g.count }, (_, i) => scanCell(g, i));
  assert.deepEqual(order.slice(0, 5), [
    { row: 0, col: 0 }, { row: 0, col: 1 }, { row: 0, col: 2 }, { row: 0, col: 3 }, { row: 1, col: 0 }]);
  for (let i = 0; i < g.count; i++) {
    const { row, col } = order[i];
    assert.equal(scanIndex(g, row, col), i);
  }
  assert.throws(() => scanCell(g, g.count), RangeError);
  assert.throws(() => scanIndex(g, 0, g.outW), RangeError);
});

test("output cells reading an input cell are exactly those whose window covers it", () => {
  const g = windowGeometry({ inH: 6, inW: 6, kernel: 3, stride: 2, padding: 1 });
  for (let iy = 0; iy < g.inH; iy++) {
    for (let ix = 0; ix < g.inW; ix++) {
      const reading = outputCellsReading(g, iy, ix);
      const expected = [];
      for (let i = 0; i < g.count; i++) {
        const { row, col } = scanCell(g, i);
        if (windowCells(g, row, col).some((c) => c.iy === iy && c.ix === ix)) expected.push({ row, col });
      }
      assert.deepEqual(reading, expected);
    }
  }
});
