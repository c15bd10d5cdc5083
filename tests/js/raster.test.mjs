import assert from "node:assert/strict";
import { test } from "node:test";
import { extendStroke, hasInk, rasterize, rgbaToLuminance, stampDisc, toGray8 } from "../../static/js/lib/raster.js";

test("a disc of size 4 inks its centre fully and nothing far away", () => {
  const buf = new Float32Array(20 * 20);
  stampDisc(buf, 20, 20, 10, 10, 4);
  assert.equal(buf[10 * 20 + 10], 1);
  assert.equal(buf[9 * 20 + 9], 1);
  assert.equal(buf[0], 0);
  assert.equal(buf[10 * 20 + 15], 0);
  let total = 0;
  for (const v of buf) total += v;
  // About the area of a radius-2 disc (pi * 4 ~= 12.6).
  assert.ok(total > 9 && total < 17, `ink ${total}`);
});

test("a horizontal stroke inks a continuous line", () => {
  const buf = rasterize([{ points: [{ x: 2, y: 10 }, { x: 18, y: 10 }], size: 2 }], 20, 20);
  for (let x = 2; x < 18; x++) assert.ok(buf[10 * 20 + x] > 0.9 || buf[9 * 20 + x] > 0.9, `gap at ${x}`);
  assert.equal(buf[2 * 20 + 10], 0);
});

test("extendStroke draws the same pixels as rasterize of the whole stroke", () => {
  const stroke = { points: [], size: 3 };
  const live = new Float32Array(30 * 30);
  for (const p of [{ x: 3, y: 3 }, { x: 10, y: 12 }, { x: 25, y: 8 }]) {
    stroke.points.push(p);
    extendStroke(live, 30, 30, stroke);
  }
  assert.deepEqual(live, rasterize([stroke], 30, 30));
});

test("the eraser removes ink, undo is replaying fewer strokes", () => {
  const pen = { points: [{ x: 5, y: 5 }, { x: 15, y: 5 }], size: 3 };
  const eraser = { points: [{ x: 10, y: 0 }, { x: 10, y: 10 }], size: 4, erase: true };
  const both = rasterize([pen, eraser], 20, 20);
  assert.equal(both[5 * 20 + 10], 0);
  assert.ok(both[5 * 20 + 5] > 0.9);
  const undone = rasterize([pen], 20, 20);
  assert.ok(undone[5 * 20 + 10] > 0.9);
});

test("gray8 and ink detection", () => {
  assert.deepEqual(Array.from(toGray8(new Float32Array([0, 0.5, 1, 2]))), [0, 128, 255, 255]);
  assert.equal(hasInk(new Float32Array(10)), false);
  assert.equal(hasInk(rasterize([{ points: [{ x: 1, y: 1 }], size: 2 }], 4, 4)), true);
});

test("luminance treats transparent as white", () => {
  const rgba = new Uint8ClampedArray([0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255]);
  const l = rgbaToLuminance(rgba, 3);
  assert.ok(Math.abs(l[0]) < 1e-6);
  assert.ok(Math.abs(l[1] - 1) < 1e-6);
  assert.ok(Math.abs(l[2] - 1) < 1e-6);
});
