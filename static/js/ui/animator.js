// The animation clock for stepping through a sequence of positions (the conv window's output
// cells, the film's frames). The browser owns the clock: the server never paces anything.
//
// The scheduler is injectable so Node tests drive time by hand:
//   {now(): ms, request(fn): handle, cancel(handle)}; default: requestAnimationFrame.

const defaultScheduler = () => ({
  now: () => performance.now(),
  request: (fn) => requestAnimationFrame(fn),
  cancel: (handle) => cancelAnimationFrame(handle),
});

/**
 * @param {{count:number, speed?:number, index?:number, loop?:boolean,
 *          scheduler?:object, onChange?:(state)=>void}} options
 *   count: number of positions; speed: positions per second; onChange gets
 *   {index, playing, speed, count, atEnd} after every change.
 */
export function createAnimator({ count, speed = 4, index = 0, loop = false, scheduler, onChange } = {}) {
  if (!Number.isInteger(count) || count < 1) throw new RangeError("count must be a positive integer");
  const clock = scheduler || defaultScheduler();
  let current = clamp(index, count);
  let playing = false;
  let rate = checkSpeed(speed);
  let handle = null;
  let anchorTime = 0; // time at which `current` was reached (or play started)
  let destroyed = false;
  const listeners = new Set(onChange ? [onChange] : []);

  function state() {
    return { index: current, playing, speed: rate, count, atEnd: current === count - 1 };
  }
  function emit() {
    const s = state();
    for (const fn of listeners) fn(s);
  }
  function schedule() {
    if (handle === null && playing && !destroyed) handle = clock.request(frame);
  }
  function frame() {
    handle = null;
    if (!playing) return;
    advanceTo(clock.now());
    schedule();
  }
  // Move forward by as many whole steps as the elapsed time allows at the current speed.
  function advanceTo(now) {
    const interval = 1000 / rate;
    const steps = Math.floor((now - anchorTime) / interval);
    if (steps <= 0) return;
    anchorTime += steps * interval;
    let next = current + steps;
    if (next >= count) {
      if (loop) next %= count;
      else {
        next = count - 1;
        playing = false;
      }
    }
    const changed = next !== current || !playing;
    current = next;
    if (changed) emit();
  }

  const api = {
    get index() { return current; },
    get playing() { return playing; },
    get speed() { return rate; },
    get count() { return count; },
    state,
    play() {
      if (playing || destroyed) return;
      if (current === count - 1 && !loop) current = 0; // replay from the start
      playing = true;
      anchorTime = clock.now();
      emit();
      schedule();
    },
    pause() {
      if (!playing) return;
      playing = false;
      if (handle !== null) clock.cancel(handle);
      handle = null;
      emit();
    },
    toggle() { (playing ? api.pause : api.play)(); },
    /** One position forward (or back with n < 0); pauses. */
    step(n = 1) {
      const wasPlaying = playing;
      playing = false;
      if (handle !== null) clock.cancel(handle);
      handle = null;
      const next = clamp(current + n, count);
      if (next !== current || wasPlaying) {
        current = next;
        emit();
      }
    },
    /** Jump to a position and pause there (scrubbing). */
    seek(i) {
      const next = clamp(i, count);
      const wasPlaying = playing;
      playing = false;
      if (handle !== null) clock.cancel(handle);
      handle = null;
      if (next !== current || wasPlaying) {
        current = next;
        emit();
      }
    },
    setSpeed(s) {
      const next = checkSpeed(s);
      if (playing) {
        advanceTo(clock.now());
        anchorTime = clock.now(); // the new speed counts from now
      }
      rate = next;
      emit();
    },
    /** Drive the clock by hand (tests, or a caller with its own frame loop). */
    tick(now = clock.now()) {
      if (playing) advanceTo(now);
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    destroy() {
      destroyed = true;
      playing = false;
      if (handle !== null) clock.cancel(handle);
      handle = null;
      listeners.clear();
    },
  };
  return api;
}

function clamp(i, count) {
  const n = Math.trunc(Number(i));
  if (!Number.isFinite(n)) return 0;
  return Math.max(0, Math.min(count - 1, n));
}

function checkSpeed(s) {
  const v = Number(s);
  if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`speed must be positive, got ${s}`);
  return v;
}
