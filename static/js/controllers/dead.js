// Dead ReLU maps and units: GET .../dead whenever the weights may have changed (a new session
// state, a finished epoch), into store.dead. The network view marks them (views/network.js).

import { api } from "../api.js";

// The words for them: lib/dead-text.js.
export { DEAD_TEXT, SILENT_TEXT } from "../lib/dead-text.js";

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
