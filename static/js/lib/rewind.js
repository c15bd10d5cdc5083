// Which epochs a session can rewind to, and the per-step losses the page keeps.
// Mirrors the server (engine/snapshots.py keeps, server/training.py MAX_BATCH_LOSSES) so that
// the lists stay right between two state messages. Tested in tests/js/rewind.test.mjs.

export const RECENT = 10;
export const MAX_LOSSES = 2000;

/** True when epoch `epoch`'s snapshot is still kept once `latest` epochs are done: epoch 0,
 * the last RECENT epochs, every 10th of the last 100, every 100th. */
export function keeps(epoch, latest) {
  const age = latest - epoch;
  return epoch === 0 || (age >= 0 && age < RECENT) || (epoch % 10 === 0 && age >= 0 && age < 100) || epoch % 100 === 0;
}

/** The epochs to offer, oldest first: the server's list `kept` (from the last state, which
 * may predate epochs finished since) thinned for `epoch`, plus the epochs finished since. */
export function rewindEpochs(kept, epoch) {
  const known = Array.isArray(kept) && kept.length ? kept.filter((e) => e <= epoch) : [0];
  const last = known.length ? Math.max(...known) : 0;
  const all = [...known];
  for (let e = last + 1; e <= epoch; e += 1) all.push(e);
  return all.filter((e) => keeps(e, epoch));
}

/** The note under the rewind list: says which epochs are kept once some are thinned. */
export function rewindNote(epochs, epoch) {
  if (epochs.length === epoch + 1) return "";
  return "Kept for rewinding: every epoch of the last 10, every 10th of the last 100, every 100th, and the start.";
}

/** Per-step losses after appending: at most `max`, the oldest quarter let go when over
 * (as the server does); `from` counts the steps before the first one kept. */
export function capLosses(losses, from, max = MAX_LOSSES) {
  if (losses.length <= max) return { losses, from };
  const cut = Math.floor(max / 4) * Math.ceil((losses.length - max) / Math.floor(max / 4));
  return { losses: losses.slice(cut), from: from + cut };
}
