// Rewinding deletes the epochs after the one chosen: ask first, right under the rewind control.
// One question for the playground (views/training.js) and the lab's 2-D view
// (lab/plane/controls.js); its style is .rewind-confirm.

import { el } from "./dom.js";

/** The question placed after `anchor`. ask(to) rewinds at once when no epoch comes after `to`,
 *  else asks, naming the epochs it deletes; `rewind(to)` is called on yes. The question closes
 *  when training starts (the history it names is about to change). `box` is its element. */
export function createRewindConfirm(anchor, store, rewind) {
  const text = el("p");
  const yes = el("button", { type: "button", class: "danger", "data-act": "rewind-yes" }, "Delete and rewind");
  const no = el("button", { type: "button", "data-act": "rewind-no" }, "Cancel");
  const box = el("div", { class: "rewind-confirm", role: "group", "aria-label": "Confirm the rewind", hidden: true }, text, yes, no);
  anchor.after(box);
  let asked = null; // the epoch the open question is about
  const close = () => {
    asked = null;
    box.hidden = true;
  };
  yes.addEventListener("click", () => {
    const to = asked;
    close();
    if (to !== null && !store.get("training")) rewind(to);
  });
  no.addEventListener("click", close);
  const off = store.subscribe(["training"], () => {
    if (store.get("training") && asked !== null) close();
  });
  function ask(to) {
    const later = store.get("history").map((h) => h.epoch).filter((e) => e > to);
    if (!later.length) {
      close();
      rewind(to);
      return;
    }
    asked = to;
    const one = later.length === 1;
    const span = one ? `epoch ${later[0]}` : `epochs ${later[0]}–${later.at(-1)}`;
    text.textContent = `Rewind to epoch ${to}? This deletes ${span}: ${one ? "its" : "their"} weights, history and charts cannot be brought back.`;
    yes.textContent = `Delete ${span} and rewind`;
    box.hidden = false;
    yes.focus();
  }
  return { ask, close, box, destroy: off };
}
