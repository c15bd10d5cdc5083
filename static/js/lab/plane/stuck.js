// What the 2-D view says about an epoch that did worse than guessing or ended at chance level
// (the server's history entry `stuck`, {kind, message}: engine/chance.py, engine/overshoot.py;
// read by lib/stuck-kind.js, by its kind, never its words). Pure: no DOM.
// Tested in tests/js/lab-plane-stuck.test.mjs; drawn by stuck-view.js.
//
import { readStuck } from "../../lib/stuck-kind.js";

// The note follows the newest history entry, so it goes when a rewind or a reset drops that
// entry, and after a change of the learning rate when the next epoch is healthy.

/** {kind: "worse" | "chance", head, text, epoch} for the newest history entry, or null. */
export function stuckNote(history) {
  const last = history?.at?.(-1);
  const stuck = readStuck(last?.stuck);
  if (!stuck) return null;
  return { kind: stuck.kind, head: stuck.head, text: capitalised(stuck.message), epoch: last.epoch };
}

const capitalised = (text) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

/** The note as one line for the status region. */
export const statusText = (note) => `${note.head} ${note.text}`;

/**
 * What the status line (an aria-live region) becomes: a new status object, null (clear it), or
 * undefined (leave it). `status`: the store's; `ours`: the status this module last set.
 * Another message in the status line (an error) is left alone; while Play runs, a note of the
 * same kind is not announced again every epoch (it is on pausing: `playing` false).
 */
export function nextStatus(note, { status, ours, playing }) {
  const mine = status != null && status === ours;
  if (!note) return mine ? null : undefined;
  if (status != null && !mine) return undefined;
  const text = statusText(note);
  if (mine && (status.text === text || (playing && status.kind === note.kind))) return undefined;
  // level "note": the status line says it to a screen reader; on screen the note says it
  // (lab.css hides the line's copy from sight, not from the accessibility tree)
  return { level: "note", text, kind: note.kind };
}
