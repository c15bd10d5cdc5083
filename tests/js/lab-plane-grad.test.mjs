import assert from "node:assert/strict";
import { test } from "node:test";
import { LOG_RANGE, logFraction } from "../../static/js/lab/plane/grad-view.js";

test("logFraction places a gradient size on the log scale 1e-6 .. 10", () => {
  assert.deepEqual(LOG_RANGE, [1e-6, 10]);
  assert.equal(logFraction(1e-6), 0);
  assert.equal(logFraction(10), 1);
  assert.ok(Math.abs(logFraction(1e-3) - 3 / 7) < 1e-12);
  assert.equal(logFraction(1e-9), 0, "below the scale: an empty bar");
  assert.equal(logFraction(100), 1, "above: a full one");
  assert.equal(logFraction(undefined), 0);
  assert.equal(logFraction(NaN), 0);
  assert.ok(logFraction(2e-4) < logFraction(2e-3), "a decade more is a longer bar");
});
