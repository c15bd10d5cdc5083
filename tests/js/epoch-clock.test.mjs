// Time left in an epoch (static/js/lib/epoch-clock.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createEpochClock, epochTimeLeft } from "../../static/js/lib/epoch-clock.js";

test("the second epoch of a play is estimated from its own steps, not the first epoch's time", () => {
  const clock = createEpochClock();
  // epoch 1: 250 batches in 1 s (4 ms each), after a 300 ms wait before the first step
  let p;
  for (let b = 1; b <= 250; b++) p = { batch: b, batches: 250, ...clock.see({ batch: b }, 300 + 4 * b), now: 300 + 4 * b };
  clock.reset(); // epoch_end
  // epoch 2, batch 5, 4 ms a step
  for (let b = 1; b <= 5; b++) p = { batch: b, batches: 250, ...clock.see({ batch: b }, 1300 + 4 * b), now: 1300 + 4 * b };
  const left = epochTimeLeft(p);
  assert.ok(Math.abs(left - 0.98) < 1e-9, `about a second left, got ${left}`);
});

test("a command resuming mid-epoch counts only its own batches", () => {
  const clock = createEpochClock();
  const a = { batch: 100, batches: 250, ...clock.see({ batch: 100 }, 0), now: 0 };
  assert.equal(epochTimeLeft(a), null); // one step seen: no rate yet
  const b = { batch: 110, batches: 250, ...clock.see({ batch: 110 }, 40), now: 40 };
  assert.ok(Math.abs(epochTimeLeft(b) - 0.56) < 1e-9); // 4 ms a step, 140 steps left
});
