// Dead ReLU maps and units: GET .../dead whenever the weights may have changed (a new session
// state, a finished epoch), into store.dead. The network view marks them (views/network.js).

import { api } from "../api.js";

/** The explanation a dead map or unit carries on hover. */
export const DEAD_TEXT = "dead: its ReLU never fires on the last training batch (its input is at most 0 for every image), "
  + "so it outputs 0, passes no gradient back, and the weights feeding it stop learning. "
  + "A learning rate too high often does this: rewind to an earlier epoch and lower it.";
export const SILENT_TEXT = "0 everywhere for this input: the ReLU is off here, but fires for other images (not dead).";

export function createDeadController(store) {
  let token = 0;
  async function load() {
    const id = store.get("sessionId");
    const mine = ++token;
    if (!id) return;
    try {
      const dead = await api.dead(id);
      if (mine === token && store.get("sessionId") === id) store.set("dead", dead);
    } catch {
      if (mine === token) store.set("dead", null); // unknown: nothing is marked
    }
  }
  // After every command (a new state) and every finished epoch, also while play goes on: a
  // learning rate that kills the ReLUs shows at the end of the epoch that did it.
  const off = store.subscribe(["session", "history", "training"], (changed) => {
    if (changed.has("history") || !store.get("training")) load();
  });
  return { load, destroy: off };
}
