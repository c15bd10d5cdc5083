import { test } from "node:test";
import assert from "node:assert/strict";

import { percentText } from "../../static/js/lib/percent.js";

test("a probability is printed with one decimal, never rounded up to certainty at 99.7%", () => {
  assert.equal(percentText(0.997), "99.7%");
  assert.equal(percentText(0.2334), "23.3%");
  assert.equal(percentText(0.004), "0.4%");
  assert.equal(percentText(1), "100.0%");
});
