import assert from "node:assert/strict";
import { test } from "node:test";
import { createDrawScheduler } from "../../static/js/lib/draw-scheduler.js";

/** A fake animation-frame clock and timers: frames run only when the test says, time moves
 * by hand (a timer fires when a frame's time step passes its due time). */
function fakeFrames() {
  let t = 0;
  let id = 0;
  const pending = new Map();
  const timers = new Map();
  return {
    schedule: (fn) => (pending.set(++id, fn), id),
    cancel: (i) => pending.delete(i),
    delay: (fn, ms) => (timers.set(++id, { fn, due: t + ms }), id),
    undelay: (i) => timers.delete(i),
    now: () => t,
    get pending() {
      return pending.size;
    },
    get timers() {
      return timers.size;
    },
    frame(ms = 16) {
      t += ms;
      for (const [i, { fn, due }] of [...timers]) {
        if (due <= t) {
          timers.delete(i);
          fn();
        }
      }
      const fns = [...pending.values()];
      pending.clear();
      fns.forEach((fn) => fn(t));
    },
  };
}

test("asks within one frame coalesce into one draw of the newest state", () => {
  const f = fakeFrames();
  let state = 0;
  const seen = [];
  const s = createDrawScheduler(() => seen.push(state), f);
  for (state = 1; state <= 5; state++) s.request();
  state = 5;
  assert.equal(f.pending, 1);
  assert.deepEqual(seen, []);
  f.frame();
  assert.deepEqual(seen, [5]);
  f.frame();
  assert.deepEqual(seen, [5], "no draw without a new ask");
});

test("minInterval spaces draws out, and the last ask is never lost", () => {
  const f = fakeFrames();
  const times = [];
  const s = createDrawScheduler(() => times.push(f.now()), { ...f, minInterval: 100 });
  for (let i = 0; i < 30; i++) {
    s.request();
    f.frame(16);
  }
  for (let i = 1; i < times.length; i++) assert.ok(times[i] - times[i - 1] >= 100, `${times}`);
  assert.ok(times.length >= 3 && times.length <= 5, `${times.length} draws in 480 ms`);
  assert.equal(s.stale, true);
  assert.equal(f.pending, 0, "while waiting out the interval no frame is asked for");
  assert.equal(f.timers, 1);
  while (s.stale) f.frame(16); // the ask after the last draw is drawn once the interval is up
  assert.equal(s.stale, false);
  assert.equal(f.pending + f.timers, 0);
});

test("an off-screen view does not draw; it draws once when it comes back", () => {
  const f = fakeFrames();
  let draws = 0;
  const s = createDrawScheduler(() => (draws += 1), f);
  s.setVisible(false);
  for (let i = 0; i < 10; i++) {
    s.request();
    f.frame();
  }
  assert.equal(draws, 0);
  assert.equal(s.stale, true);
  assert.equal(f.pending, 0, "no frame is asked for while off screen");
  s.setVisible(true);
  f.frame();
  assert.equal(draws, 1);
  assert.equal(s.stale, false);
  s.setVisible(false);
  s.setVisible(true);
  f.frame();
  assert.equal(draws, 1, "coming back with nothing new draws nothing");
});

test("going off screen cancels a frame already asked for", () => {
  const f = fakeFrames();
  let draws = 0;
  const s = createDrawScheduler(() => (draws += 1), f);
  s.request();
  s.setVisible(false);
  f.frame();
  assert.equal(draws, 0);
  s.setVisible(true);
  f.frame();
  assert.equal(draws, 1);
});

test("drawNow draws at once on screen, and only marks stale off screen", () => {
  const f = fakeFrames();
  let draws = 0;
  const s = createDrawScheduler(() => (draws += 1), f);
  s.request();
  s.drawNow();
  assert.equal(draws, 1);
  f.frame();
  assert.equal(draws, 1, "the frame asked for before was cancelled: nothing left to draw");
  s.setVisible(false);
  s.drawNow();
  assert.equal(draws, 1);
  assert.equal(s.stale, true);
  s.setVisible(true);
  f.frame();
  assert.equal(draws, 2);
  assert.equal(s.draws, 2);
});

test("after destroy nothing draws", () => {
  const f = fakeFrames();
  let draws = 0;
  const s = createDrawScheduler(() => (draws += 1), f);
  s.request();
  s.destroy();
  f.frame();
  s.request();
  s.drawNow();
  f.frame();
  assert.equal(draws, 0);
});

test("sync: an ask that comes when a draw is due draws at once; the rest wait as before", () => {
  const f = fakeFrames();
  const times = [];
  const s = createDrawScheduler(() => times.push(f.now()), { ...f, minInterval: 100, sync: true });
  s.request();
  assert.deepEqual(times, [0], "due: drawn in the asker's task, no frame asked for");
  assert.equal(f.pending + f.timers, 0);
  f.frame(40);
  s.request();
  s.request();
  assert.deepEqual(times, [0], "within the interval: waits");
  while (s.stale) f.frame(16);
  assert.equal(times.length, 2);
  assert.ok(times[1] - times[0] >= 100);
  f.frame(200);
  s.setVisible(false);
  s.request();
  assert.equal(times.length, 2, "off screen: never at once");
  s.setVisible(true);
  f.frame();
  assert.equal(times.length, 3);
});

test("flush draws an owed draw at once, on screen or not, and nothing when none is owed", () => {
  const f = fakeFrames();
  let draws = 0;
  const s = createDrawScheduler(() => (draws += 1), { ...f, minInterval: 100 });
  s.flush();
  assert.equal(draws, 0);
  s.setVisible(false);
  s.request();
  s.flush();
  assert.equal(draws, 1);
  assert.equal(s.stale, false);
  s.setVisible(true);
  f.frame();
  assert.equal(draws, 1, "nothing left to draw when it comes back");
});
