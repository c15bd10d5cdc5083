import assert from "node:assert/strict";
import { test } from "node:test";
import { decimalsFor, gridStep, gridValueText } from "../../static/js/lab/plane/grid-digits.js";

test("a grid layer's step is one of its 255 uint8 steps", () => {
  assert.ok(Math.abs(gridStep({ min: -1, max: 1.55 }) - 0.01) < 1e-15);
  assert.equal(gridStep({ min: 0.5, max: 0.5 }), 0);
});

test("as many decimals as the grid's step carries: each no finer than it", () => {
  for (const [step, d] of [[2 / 255, 2], [0.6 / 255, 2], [0.1 / 255, 3], [0.01, 2], [0.0099, 2],
    [0.1, 1], [0.25, 0], [30 / 255, 0], [1e-7, 4], [0, 4]]) {
    assert.equal(decimalsFor(step), d, `step ${step}`);
    if (step > 0 && d < 4) {
      assert.ok(10 ** -d >= step * (1 - 1e-9), `${d} decimals are no finer than the step ${step}`);
      assert.ok(10 ** -(d + 1) < step, `one more decimal would be finer than the step ${step}`);
    }
  }
});

test("the label: short, those decimals, no minus zero", () => {
  assert.equal(gridValueText(-0.5346, 2 / 255), "-.53");
  assert.equal(gridValueText(0.61234, 0.2 / 255), ".612");
  assert.equal(gridValueText(0.0042, 0.02 / 255), ".0042");
  assert.equal(gridValueText(-0.001, 2 / 255), ".00");
  assert.equal(gridValueText(12.4, 30 / 255), "12");
  assert.equal(gridValueText(1.75, 2 / 255), "1.75");
  assert.equal(gridValueText(1234, 3000 / 255), "1e+3");
  assert.equal(gridValueText(NaN, 0.01), "NaN");
});
