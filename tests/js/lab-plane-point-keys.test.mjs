import assert from "node:assert/strict";
import { test } from "node:test";
import { CURSOR_STEPS, moveCursor } from "../../static/js/lab/plane/point-keys.js";

test("the arrow keys move the cursor one step, Shift four, and keep it on the plane", () => {
  const at = (k) => k / CURSOR_STEPS; // the cursor sits on whole steps
  const mid = CURSOR_STEPS / 2;
  assert.deepEqual(moveCursor([0.5, 0.5], "ArrowRight"), [at(mid + 1), 0.5]);
  assert.deepEqual(moveCursor([0.5, 0.5], "ArrowUp"), [0.5, at(mid - 1)]);
  assert.deepEqual(moveCursor([0.5, 0.5], "ArrowLeft", true), [at(mid - 4), 0.5]);
  assert.deepEqual(moveCursor([0, 1], "ArrowLeft"), [0, 1]);
  assert.deepEqual(moveCursor([0, 1], "ArrowDown", true), [0, 1]);
  assert.deepEqual(moveCursor([at(CURSOR_STEPS - 1), 0], "ArrowRight", true), [1, 0]);
  assert.equal(moveCursor([0.5, 0.5], "Enter"), null);
  assert.equal(moveCursor([0.5, 0.5], "a"), null);
});
