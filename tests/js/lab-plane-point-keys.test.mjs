import assert from "node:assert/strict";
import { test } from "node:test";
import { CURSOR_STEPS, moveCursor, nudge, pointName } from "../../static/js/lab/plane/point-keys.js";
import { trainingToLose } from "../../static/js/lab/plane/points-confirm.js";

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

test("a selected point moves a small step (Shift: a cursor step), up is +x2, kept on the plane", () => {
  const domain = { x: [-6, 6], y: [-6, 6] };
  assert.deepEqual(nudge([2, 2], "ArrowRight", false, domain), [2.1, 2]);
  assert.deepEqual(nudge([2, 2], "ArrowUp", false, domain), [2, 2.1]);
  assert.deepEqual(nudge([2, 2], "ArrowDown", true, domain), [2, 1.5]);
  assert.deepEqual(nudge([2, 2], "ArrowLeft", true, domain), [1.5, 2]);
  // rounded as a placed point is: no 2.3000000000000003 in the URL
  assert.deepEqual(nudge(nudge([2.2, 0], "ArrowRight", false, domain), "ArrowRight", false, domain), [2.4, 0]);
  // past the edge: clamped to it
  assert.deepEqual(nudge([5.8, -5.95], "ArrowRight", true, domain), [6, -5.95]);
  assert.deepEqual(nudge([5.8, -5.95], "ArrowDown", false, domain), [5.8, -6]);
  assert.deepEqual(nudge([6, 6], "ArrowUp", true, domain), [6, 6]);
  // a plane of another range: steps of its own width and height
  assert.deepEqual(nudge([0, 0], "ArrowRight", false, { x: [0, 240], y: [0, 12] }), [2, 0]);
  assert.deepEqual(nudge([0, 0], "ArrowUp", true, { x: [0, 240], y: [0, 12] }), [0, 0.5]);
  assert.equal(nudge([0, 0], "Enter", false, domain), null);
});

test("trainingToLose names the epochs, else the steps, else nothing", () => {
  assert.equal(trainingToLose([], 0), "");
  assert.equal(trainingToLose([{ epoch: 0 }], 0), "");
  assert.equal(trainingToLose([], 1), "1 training step");
  assert.equal(trainingToLose(null, 12), "12 training steps");
  assert.equal(trainingToLose([{ epoch: 1 }], 37), "epoch 1");
  assert.equal(trainingToLose([{ epoch: 1 }, { epoch: 2 }, { epoch: 3 }], 111), "epochs 1–3");
});

test("a point is named from 0, as the link's list counts, and says so with the count", () => {
  assert.equal(pointName(0), "point #0");
  assert.equal(pointName(3, 12), "point #3 of 12 (counted from 0)");
  assert.equal(pointName(11, 12), "point #11 of 12 (counted from 0)");
});
