import assert from "node:assert/strict";
import { test } from "node:test";
import { extent, layoutChart, linePath, thin } from "../../static/js/lib/chart.js";

test("thin keeps the first and the last point and at most about max points", () => {
  const v = Array.from({ length: 1001 }, (_, i) => i * 2);
  const t = thin(v, 100);
  assert.ok(t.length <= 102);
  assert.deepEqual(t[0], [0, 0]);
  assert.deepEqual(t[t.length - 1], [1000, 2000]);
  for (const [i, y] of t) assert.equal(y, v[i], "values are taken, not averaged");
  assert.equal(thin([1, 2, 3], 10).length, 3);
});

test("linePath moves, draws, and breaks at missing values", () => {
  const id = (x) => x;
  assert.equal(linePath([[0, 1], [1, 2], [2, null], [3, 4]], id, id), "M0.0 1.0L1.0 2.0M3.0 4.0");
});

test("extent ignores non-finite and pads a flat series", () => {
  assert.deepEqual(extent([[[0, 2], [1, NaN], [2, 5]]]), [2, 5]);
  assert.deepEqual(extent([[[0, 3]]]), [2.5, 3.5]);
});

test("layoutChart maps the domain onto the plot box, y up", () => {
  const c = layoutChart([{ points: [[1, 0], [3, 1]] }], { width: 100, height: 60, margin: { l: 10, r: 10, t: 10, b: 10 } });
  assert.equal(c.sx(1), 10);
  assert.equal(c.sx(3), 90);
  assert.equal(c.sy(0), 50);
  assert.equal(c.sy(1), 10);
  assert.equal(c.paths[0], "M10.0 50.0L90.0 10.0");
});
