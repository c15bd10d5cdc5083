// Loss-surface drawing helpers (static/js/landscape/contour.js).
import test from "node:test";
import assert from "node:assert/strict";
import { contourLevels, bandOf, plotTransform, frameTransform, nearestNode, sampleBilinear, isoSegments } from "../../static/js/landscape/contour.js";

test("levels span the range, geometric for losses, linear otherwise", () => {
  const g = contourLevels(0.1, 10, 4);
  assert.equal(g.length, 5);
  assert.equal(g[0], 0.1);
  assert.equal(g[4], 10);
  assert.ok(Math.abs(g[2] - 1) < 1e-9); // geometric midpoint
  const l = contourLevels(-1, 1, 4, false);
  assert.deepEqual(l, [-1, -0.5, 0, 0.5, 1]);
  assert.deepEqual(contourLevels(0, 4, 2), [0, 2, 4]); // lo = 0 cannot be geometric
});

test("band lookup is consistent with the edges", () => {
  const e = [0, 1, 2, 4, 8];
  assert.equal(bandOf(-3, e), 0);
  assert.equal(bandOf(0.5, e), 0);
  assert.equal(bandOf(1, e), 1);
  assert.equal(bandOf(3.9, e), 2);
  assert.equal(bandOf(8, e), 3);
  assert.equal(bandOf(100, e), 3);
});

test("plot transform round-trips and puts y up", () => {
  const t = plotTransform(-1, 1, -2, 2, 200, 100, 10);
  const p = t.toPx(-1, 2);
  assert.deepEqual(p, { px: 10, py: 10 });
  const q = t.toPx(1, -2);
  assert.deepEqual(q, { px: 190, py: 90 });
  const back = t.toData(q.px, q.py);
  assert.ok(Math.abs(back.x - 1) < 1e-12 && Math.abs(back.y + 2) < 1e-12);
});

test("frame transform: a plot area with its own left margin, y up, round trip", () => {
  const t = frameTransform(-1, 1, -2, 2, { left: 50, top: 36, width: 100, height: 100 });
  assert.deepEqual(t.toPx(-1, 2), { px: 50, py: 36 });
  assert.deepEqual(t.toPx(1, -2), { px: 150, py: 136 });
  assert.deepEqual(t.toPx(0, 0), { px: 100, py: 86 });
  const back = t.toData(75, 61);
  assert.ok(Math.abs(back.x + 0.5) < 1e-12 && Math.abs(back.y - 1) < 1e-12);
});

test("nearest node picks the closest axis values and refuses far-away points", () => {
  const xs = [-1, -0.5, 0, 0.5, 1];
  assert.deepEqual(nearestNode(xs, xs, 0.2, -0.8), { ix: 2, iy: 0 });
  assert.deepEqual(nearestNode(xs, xs, 1.2, 1.2), { ix: 4, iy: 4 });
  assert.equal(nearestNode(xs, xs, 1.3, 0), null);
});

test("bilinear sampling hits the nodes exactly and blends between them", () => {
  const vals = [0, 10, 20, 30]; // 2x2: row 0 = [0, 10], row 1 = [20, 30]
  assert.equal(sampleBilinear(vals, 2, 2, 0, 0), 0);
  assert.equal(sampleBilinear(vals, 2, 2, 1, 1), 30);
  assert.equal(sampleBilinear(vals, 2, 2, 0.5, 0), 5);
  assert.equal(sampleBilinear(vals, 2, 2, 0.5, 0.5), 15);
});

test("iso-lines of a cone are a closed ring around its tip", () => {
  const n = 21;
  const vals = [];
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) vals.push(Math.hypot(x - 10, y - 10));
  const segs = isoSegments(vals, n, n, 5.3); // a level no grid node sits on exactly
  assert.ok(segs.length > 20);
  for (const [[x1, y1], [x2, y2]] of segs) {
    assert.ok(Math.abs(Math.hypot(x1 - 10, y1 - 10) - 5.3) < 0.2);
    assert.ok(Math.abs(Math.hypot(x2 - 10, y2 - 10) - 5.3) < 0.2);
  }
  // closed: every endpoint is shared by exactly two segments
  const key = ([x, y]) => `${x.toFixed(6)},${y.toFixed(6)}`;
  const counts = new Map();
  for (const s of segs) for (const p of s) counts.set(key(p), (counts.get(key(p)) || 0) + 1);
  for (const c of counts.values()) assert.equal(c, 2);
  assert.deepEqual(isoSegments(vals, n, n, 100), []);
});
