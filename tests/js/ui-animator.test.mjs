// The animation clock (static/js/ui/animator.js), driven by a hand-cranked scheduler.
import test from "node:test";
import assert from "node:assert/strict";
import { createAnimator } from "../../static/js/ui/animator.js";

function fakeClock() {
  let t = 0;
  let pending = new Map();
  let next = 1;
  return {
    now: () => t,
    request: (fn) => { const h = next++; pending.set(h, fn); return h; },
    cancel: (h) => { pending.delete(h); },
    /** advance time and run the frame callbacks that were waiting */
    advance(ms) {
      t += ms;
      const due = pending;
      pending = new Map();
      for (const fn of due.values()) fn();
    },
    get waiting() { return pending.size; },
  };
}

test("play advances one position per 1/speed seconds", () => {
  const clock = fakeClock();
  const a = createAnimator({ count: 10, speed: 4, scheduler: clock });
  a.play();
  assert.equal(a.playing, true);
  clock.advance(100);
  assert.equal(a.index, 0); // 250 ms per step at 4/s
  clock.advance(200);
  assert.equal(a.index, 1);
  clock.advance(500);
  assert.equal(a.index, 3);
});

test("pause stops the clock and schedules nothing", () => {
  const clock = fakeClock();
  const a = createAnimator({ count: 10, speed: 10, scheduler: clock });
  a.play();
  clock.advance(250);
  const at = a.index;
  assert.equal(at, 2);
  a.pause();
  assert.equal(clock.waiting, 0);
  clock.advance(1000);
  assert.equal(a.index, at);
  assert.equal(a.playing, false);
});

test("playing to the end stops on the last position; play again restarts", () => {
  const clock = fakeClock();
  const a = createAnimator({ count: 3, speed: 10, scheduler: clock });
  const seen = [];
  a.subscribe((s) => seen.push([s.index, s.playing]));
  a.play();
  clock.advance(5000);
  assert.equal(a.index, 2);
  assert.equal(a.playing, false);
  assert.deepEqual(seen.at(-1), [2, false]);
  assert.equal(a.state().atEnd, true);
  a.play();
  assert.equal(a.index, 0);
  assert.equal(a.playing, true);
});

test("step moves one position, pauses, and clamps at both ends", () => {
  const clock = fakeClock();
  const a = createAnimator({ count: 4, scheduler: clock });
  a.step();
  a.step();
  assert.equal(a.index, 2);
  a.step(-5);
  assert.equal(a.index, 0);
  a.play();
  a.step();
  assert.equal(a.playing, false);
  assert.equal(a.index, 1);
  a.step(10);
  assert.equal(a.index, 3);
});

test("seek jumps and pauses (scrubbing)", () => {
  const clock = fakeClock();
  const a = createAnimator({ count: 100, speed: 5, scheduler: clock });
  a.play();
  clock.advance(400);
  a.seek(57);
  assert.equal(a.index, 57);
  assert.equal(a.playing, false);
  clock.advance(1000);
  assert.equal(a.index, 57);
  a.seek(1e9);
  assert.equal(a.index, 99);
});

test("speed changes take effect from the moment of the change", () => {
  const clock = fakeClock();
  const a = createAnimator({ count: 1000, speed: 1, scheduler: clock });
  a.play();
  clock.advance(1500); // 1 step at 1/s, half a step pending
  assert.equal(a.index, 1);
  a.setSpeed(10);
  clock.advance(1000); // 10 steps at 10/s
  assert.equal(a.index, 11);
  assert.throws(() => a.setSpeed(0), RangeError);
  assert.throws(() => a.setSpeed(-2), RangeError);
});

test("listeners hear every change; destroy silences them", () => {
  const clock = fakeClock();
  let calls = 0;
  const a = createAnimator({ count: 5, scheduler: clock, onChange: () => { calls++; } });
  a.step();
  a.seek(3);
  assert.equal(calls, 2);
  a.destroy();
  a.step();
  assert.equal(calls, 2);
  assert.throws(() => createAnimator({ count: 0 }), RangeError);
});
