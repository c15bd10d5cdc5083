import assert from "node:assert/strict";
import { test } from "node:test";
import { paintGray } from "../../static/js/lib/gray.js";

function fakeCanvas() {
  const painted = {};
  return {
    width: 1, height: 1, painted,
    getContext: () => ({
      createImageData: (w, h) => ({ width: w, height: h, data: new Uint8ClampedArray(w * h * 4) }),
      putImageData: (img, x, y) => Object.assign(painted, { img, x, y }),
    }),
  };
}

test("paintGray resizes the canvas and paints the image at the offset, clipped to [0, 1]", () => {
  const data = new Float32Array([9, 9, 0, 0.5, 1, -2, 3, 0.2, 9]); // 2 + a 2x3 image + 1
  const cv = paintGray(fakeCanvas(), data, 3, 2, 2);
  assert.equal(cv.width, 3);
  assert.equal(cv.height, 2);
  const px = Array.from(cv.painted.img.data);
  const gray = px.filter((_, k) => k % 4 === 0);
  assert.deepEqual(gray, [0, 128, 255, 0, 255, 51]);
  assert.deepEqual(px.filter((_, k) => k % 4 === 1), gray);
  assert.ok(px.filter((_, k) => k % 4 === 3).every((a) => a === 255));
});

test("displayRange keeps [0, 1] images as they are and widens to typed values", async () => {
  const { displayRange, toUnit } = await import("../../static/js/lib/gray.js");
  assert.deepEqual(displayRange([0, 0.5, 1]), { lo: 0, hi: 1, scaled: false });
  assert.deepEqual(displayRange([0, 50, 95]), { lo: 0, hi: 95, scaled: true });
  assert.deepEqual(displayRange([-3, 2]), { lo: -3, hi: 2, scaled: true });
  assert.deepEqual(displayRange([7, 7]), { lo: 7, hi: 8, scaled: true });
  assert.deepEqual(Array.from(toUnit([-3, 2, -0.5], -3, 2)), [0, 1, 0.5]);
});
