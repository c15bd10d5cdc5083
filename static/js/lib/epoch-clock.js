// Time left in the epoch in progress, measured from the first step seen of this epoch in this
// command: the batches before it ran in an earlier command or epoch, and the wait before it
// (socket, queue, data) is no step's time. The session controller feeds it every progress
// message and resets it when a command starts or an epoch ends. Tested in tests/js/epoch-clock.test.mjs.

import { timeLeft } from "./geometry.js";

export function createEpochClock() {
  let mark = null; // {batch, at}
  return {
    reset() {
      mark = null;
    },
    /** A progress message {batch} seen at time `now` (ms): {started, startBatch} to keep with it. */
    see(progress, now) {
      if (!mark || progress.batch < mark.batch) mark = { batch: progress.batch, at: now };
      return { started: mark.at, startBatch: mark.batch };
    },
  };
}

/** Seconds left for a progress record {batch, batches, started, startBatch, now}; null when unknown. */
export function epochTimeLeft(p, batchesPerEpoch = 0) {
  const total = p.batches || batchesPerEpoch || 0;
  const from = p.startBatch ?? 0;
  return timeLeft((p.batch ?? 0) - from, total - from, (p.now - p.started) / 1000);
}
