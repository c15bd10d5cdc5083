// The note beside the 2-D view's training buttons when an epoch did worse than guessing (the
// learning rate is too large) or ended at chance level; the same words go to the view's status
// line (an aria-live region). Which note, and when the status line changes: stuck.js.

import { el } from "../../ui/dom.js";
import { applyChange } from "./actions.js";
import { tenth } from "../../lib/lr-tenth.js";
import { nextStatus, stuckNote } from "./stuck.js";

/** Draw into `container`; returns {destroy}. */
export function createStuckNote(container, store) {
  const head = el("strong");
  const text = el("span", { "data-role": "stuck-text" });
  const lower = el("button", { type: "button", "data-act": "lr-tenth" });
  const box = el("div", { class: "plane-stuck", "data-role": "stuck", hidden: true }, head, " ", text, " ", lower);
  container.append(box);
  let ours = null;

  function update() {
    const note = stuckNote(store.get("history"));
    box.hidden = !note;
    box.dataset.kind = note?.kind ?? "";
    if (note) {
      head.textContent = note.head;
      text.textContent = note.text;
      const lr = store.get("settings")?.lr;
      lower.hidden = !(lr > 0);
      lower.textContent = `Learning rate ${lr} → ${tenth(lr)}`;
      lower.title = "Divide the learning rate by 10 (then rewind, or train on)";
    }
    const next = nextStatus(note, { status: store.get("status"), ours, playing: Boolean(store.get("playing")) });
    if (next !== undefined) {
      ours = next;
      store.set("status", next);
    }
  }
  lower.addEventListener("click", () => {
    const lr = store.get("settings")?.lr;
    if (lr > 0) applyChange(store, { settings: { lr: tenth(lr) } }).catch(() => {});
  });
  const offs = [store.subscribe(["history", "settings", "playing"], update)];
  update();
  return { destroy() { offs.forEach((f) => f()); } };
}
