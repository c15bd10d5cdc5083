import assert from "node:assert/strict";
import { test } from "node:test";
import {
  addPoint, clampToDomain, movePoint, nearestPoint, planeTransform, removePoint, roundTo,
} from "../../static/js/lab/plane/points.js";

const domain = { x: [-6, 6], y: [-6, 6] };

test("planeTransform: corners, the y axis points up, and toPlane inverts toPx", () => {
  const t = planeTransform(domain, 300);
  assert.deepEqual(t.toPx(-6, 6), [0, 0]);
  assert.deepEqual(t.toPx(6, -6), [300, 300]);
  assert.deepEqual(t.toPx(0, 0), [150, 150]);
  const [x, y] = t.toPlane(...t.toPx(1.25, -3.5));
  assert.ok(Math.abs(x - 1.25) < 1e-12 && Math.abs(y + 3.5) < 1e-12);
  const u = planeTransform({ x: [100, 200], y: [50, 80] }, 100);
  assert.deepEqual(u.toPx(150, 65), [50, 50]);
});

test("nearestPoint finds the closest point within the radius", () => {
  const t = planeTransform(domain, 120); // 10 px per unit
  const pts = [[0, 0, 1], [1, 0, 0], [5, 5, 1]];
  assert.equal(nearestPoint(pts, t, 60, 60), 0);
  assert.equal(nearestPoint(pts, t, 67, 60), 1);
  assert.equal(nearestPoint(pts, t, 60, 100, 8), -1);
  assert.equal(nearestPoint([], t, 0, 0), -1);
});

test("add, move and remove return new lists and leave the old one alone", () => {
  const a = [[0, 0, 0]];
  const b = addPoint(a, [1, 2, 1]);
  assert.equal(a.length, 1);
  assert.equal(b.length, 2);
  const c = movePoint(b, 1, 3, 4);
  assert.deepEqual(c[1], [3, 4, 1]);
  assert.deepEqual(b[1], [1, 2, 1]);
  assert.deepEqual(removePoint(c, 0), [[3, 4, 1]]);
  assert.equal(roundTo(1.23456), 1.23);
});

test("clampToDomain keeps a dragged point on the plane", () => {
  assert.deepEqual(clampToDomain(domain, 7, -9), [6, -6]);
  assert.deepEqual(clampToDomain(domain, 1, 2), [1, 2]);
});
