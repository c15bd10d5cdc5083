// 3-D loss-surface geometry (static/js/landscape/surface3d-geometry.js).
import test from "node:test";
import assert from "node:assert/strict";
import { camera, heightScale, lambert, lightFor, paintOrder, pieces, quadNormal } from "../../static/js/landscape/surface3d-geometry.js";

const close = (a, b, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} != ${b}`);

test("heights follow the colour scale: geometric for losses, linear otherwise, clamped", () => {
  const h = heightScale(0.1, 10, true);
  close(h(0.1), 0);
  close(h(10), 1);
  close(h(1), 0.5); // the geometric midpoint, as contourLevels puts the middle band edge
  assert.equal(h(1000), 1);
  assert.equal(h(0.001), 0);
  const l = heightScale(0, 4, true); // lo = 0 cannot be geometric
  close(l(1), 0.25);
  assert.equal(heightScale(2, 2)(2), 0); // a flat surface lies on the floor
});

test("looking straight down is the contour's view: x right, y up, centre in the middle", () => {
  const cam = camera({ azimuth: 0, elevation: 90 }, 200, 200, { zScale: 1 });
  const c = cam.project(0, 0, 0.5);
  close(c.sx, 100);
  close(c.sy, 100);
  const right = cam.project(1, 0, 0.5);
  const up = cam.project(0, 1, 0.5);
  assert.ok(right.sx > c.sx);
  close(right.sy, c.sy);
  assert.ok(up.sy < c.sy);
  close(up.sx, c.sx);
  // from above, the higher of two points is the nearer
  assert.ok(cam.project(0, 0, 1).depth < cam.project(0, 0, 0).depth);
});

test("from the side (elevation 0, azimuth 0) z is up and +y is away from the viewer", () => {
  const cam = camera({ azimuth: 0, elevation: 0 }, 300, 200, { zScale: 2 });
  const base = cam.project(0, 0, 0);
  const top = cam.project(0, 0, 2);
  close(base.sx, top.sx);
  assert.ok(top.sy < base.sy);
  close(cam.project(0, 0, 1).sy, 100); // the box's centre at the canvas centre
  close(cam.project(0, 1, 1).sx, 150); // depth does not move a point sideways
  close(cam.project(0, 1, 1).depth, 1);
  close(cam.project(0, -1, 1).depth, -1);
  close(cam.project(1, 0, 1).sx - 150, cam.scale); // one unit is `scale` pixels
});

test("turning by 90 degrees moves +x to the far side and keeps the scale", () => {
  const a = camera({ azimuth: 0, elevation: 30 }, 200, 200);
  const b = camera({ azimuth: 90, elevation: 30 }, 200, 200);
  assert.equal(a.scale, b.scale);
  // azimuth 90: x' = -y, y' = x
  const p = b.project(1, 0, 0.5);
  close(p.sx, 100);
  assert.ok(p.depth > 0); // +x is now on the far side
  const q = b.project(0, -1, 0.5);
  close(q.sx, 100 + b.scale);
  // the box's corners all fit inside the canvas at any azimuth
  for (let az = 0; az < 360; az += 15) {
    const cam = camera({ azimuth: az, elevation: 35 }, 300, 200, { zScale: 1.1, margin: 10 });
    for (const x of [-1, 1]) for (const y of [-1, 1]) for (const z of [0, 1.1]) {
      const s = cam.project(x, y, z);
      assert.ok(s.sx >= 10 - 1e-9 && s.sx <= 290 + 1e-9 && s.sy >= 10 - 1e-9 && s.sy <= 190 + 1e-9, `${az}: ${s.sx}, ${s.sy}`);
    }
  }
});

test("the view vectors are orthonormal and agree with the projection", () => {
  const cam = camera({ azimuth: 40, elevation: 25 }, 100, 100);
  const dot = (u, v) => u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
  close(dot(cam.toViewer, cam.toViewer), 1);
  close(dot(cam.toViewer, cam.right), 0);
  close(dot(cam.toViewer, cam.up), 0);
  close(dot(cam.right, cam.up), 0);
  const o = cam.project(0, 0, 0.5);
  const v = cam.project(0 + cam.toViewer[0], 0 + cam.toViewer[1], 0.5 + cam.toViewer[2]);
  close(v.sx, o.sx);
  close(v.sy, o.sy);
  close(v.depth, o.depth - 1);
  const r = cam.project(cam.right[0], cam.right[1], 0.5 + cam.right[2]);
  close(r.sx - o.sx, cam.scale);
  const l = lightFor(cam);
  close(Math.hypot(...l), 1);
});

test("painter's order: far to near, ties in order", () => {
  assert.deepEqual(paintOrder([0.2, -1, 3, 0.2, 1]), [2, 4, 0, 3, 1]);
  // quads of a flat floor seen from the front (-y): the back row (y = +1) first
  const cam = camera({ azimuth: 0, elevation: 30 }, 200, 200);
  const rows = [-0.5, 0.5, 0].map((y) => cam.project(0, y, 0).depth);
  assert.deepEqual(paintOrder(rows), [1, 2, 0]);
  // turned half round, the front row is the far one
  const back = camera({ azimuth: 180, elevation: 30 }, 200, 200);
  assert.deepEqual(paintOrder([-0.5, 0.5, 0].map((y) => back.project(0, y, 0).depth)), [0, 2, 1]);
});

test("normals point up and shading is brightest facing the light", () => {
  const flat = quadNormal([0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0]);
  assert.deepEqual(flat.map((c) => Math.abs(c)), [0, 0, 1]);
  // reversed winding still points up
  const rev = quadNormal([0, 0, 0], [0, 1, 0], [1, 1, 0], [1, 0, 0]);
  close(rev[2], 1);
  const slope = quadNormal([0, 0, 0], [1, 0, 1], [1, 1, 1], [0, 1, 0]);
  close(slope[0], -Math.SQRT1_2);
  close(slope[2], Math.SQRT1_2);
  close(lambert([0, 0, 1], [0, 0, 1]), 1);
  close(lambert([1, 0, 0], [0, 0, 1], 0.4), 0.4);
});

test("path steps are cut into pieces no longer than a step", () => {
  assert.deepEqual(pieces(0, 0, 0, 0), [0, 1]);
  const t = pieces(0, 0, 3, 4, 1); // length 5
  assert.equal(t.length, 6);
  assert.equal(t[0], 0);
  assert.equal(t.at(-1), 1);
});
