import assert from "node:assert/strict";
import { test } from "node:test";
import { clientToCanvas, niceTicks, tileAt, tileGrid, timeLeft } from "../../static/js/lib/geometry.js";

test("clientToCanvas maps a CSS-scaled canvas to its pixels", () => {
  const rect = { left: 10, top: 20, width: 280, height: 280 };
  assert.deepEqual(clientToCanvas(rect, 140, 140, 10, 20), { x: 0, y: 0 });
  assert.deepEqual(clientToCanvas(rect, 140, 140, 290, 300), { x: 140, y: 140 });
  assert.deepEqual(clientToCanvas(rect, 140, 140, 150, 90), { x: 70, y: 35 });
});

test("tileGrid fits 8 maps of 28x28 into 130 x 260 px as 2 columns of 4", () => {
  const g = tileGrid(8, 28, 28, 130, 260, { gap: 3 });
  assert.equal(g.cols, 2);
  assert.equal(g.rows, 4);
  assert.ok(g.zoom > 2 && g.zoom < 2.3, `zoom ${g.zoom}`);
  assert.equal(g.tileW, Math.floor(28 * g.zoom));
  assert.ok(g.width <= 130 && g.height <= 260);
});

test("tileGrid stays inside its box and holds every tile", () => {
  for (const [n, h, w, mw, mh] of [[16, 7, 7, 120, 300], [8, 14, 14, 120, 200], [1, 28, 28, 120, 120], [64, 3, 3, 100, 400], [3, 28, 28, 60, 500]]) {
    const g = tileGrid(n, h, w, mw, mh);
    assert.ok(g.width <= mw && g.height <= mh, `${n}x${h}x${w} in ${mw}x${mh}: ${g.width}x${g.height}`);
    assert.ok(g.cols * g.rows >= n);
  }
});

test("a single map gets the largest zoom allowed", () => {
  assert.equal(tileGrid(1, 28, 28, 1000, 1000, { maxZoom: 4 }).tileW, 112);
});

test("tileAt finds the tile under a point and misses the gaps", () => {
  const g = tileGrid(8, 28, 28, 130, 260, { gap: 3 });
  assert.equal(tileAt(g, 8, 1, 1, 3), 0);
  assert.equal(tileAt(g, 8, g.tileW + 3 + 1, 1, 3), 1);
  assert.equal(tileAt(g, 8, 1, g.tileH + 3 + 1, 3), 2);
  assert.equal(tileAt(g, 8, g.tileW + 1, 1, 3), -1, "in the gap");
  assert.equal(tileAt(g, 7, g.tileW + 3 + 1, 3 * (g.tileH + 3) + 1, 3), -1, "past the last tile");
});

test("niceTicks gives round steps covering the range", () => {
  assert.deepEqual(niceTicks(0, 1, 4), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(0, 2.3, 4), [0, 0.5, 1, 1.5, 2]);
  assert.deepEqual(niceTicks(3, 3), [3]);
});

test("timeLeft extrapolates linearly", () => {
  assert.equal(timeLeft(25, 100, 5), 15);
  assert.equal(timeLeft(0, 100, 5), null);
  assert.equal(timeLeft(100, 100, 5), 0);
});

test("tileGrid prefers a wider, shorter grid when the tiles would be almost as big", () => {
  // One column: zoom 1.245 (height-bound); two columns: zoom 1.196 (width-bound).
  const g = tileGrid(8, 28, 28, 70, 300, { gap: 3 });
  assert.equal(g.cols, 2);
  assert.equal(g.rows, 4);
});
