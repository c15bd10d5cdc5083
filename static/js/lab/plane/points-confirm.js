// Changing the points starts the weights over (the server builds the network afresh for the
// new data): a tap on a trained plane lost every epoch without a word. When there is training
// to lose, ask first, right under the plane; with none (step 0), change at once. The question
// closes, kept as "no", when training starts or another change asks. It looks like the rewind
// question (ui/rewind-confirm.js; .points-confirm shares .rewind-confirm's rules in app.css).

import { el } from "../../ui/dom.js";

/** What changing the points would lose, in words ("epochs 1–3", "12 training steps"), or ""
 *  when nothing has been trained. `history`: the store's epoch entries; `step`: the session's
 *  optimizer steps. Pure. */
export function trainingToLose(history, step) {
  const epochs = (history ?? []).map((h) => h.epoch).filter((e) => e > 0);
  if (epochs.length) return epochs.length === 1 ? `epoch ${epochs[0]}` : `epochs ${epochs[0]}–${epochs.at(-1)}`;
  return step > 0 ? `${step} training step${step === 1 ? "" : "s"}` : "";
}

/** The question placed after `anchor`. ask(what) resolves true at once when nothing is
 *  trained, else shows "what" (e.g. "Add this point?") and resolves with the answer. */
export function createPointsConfirm(anchor, store) {
  const text = el("p");
  const yes = el("button", { type: "button", class: "danger", "data-act": "points-yes" }, "Change the points and start over");
  const no = el("button", { type: "button", "data-act": "points-no" }, "Keep the training");
  const box = el("div", { class: "points-confirm", role: "group", "aria-label": "Confirm the change of points", hidden: true, "data-role": "points-confirm" }, text, yes, no);
  anchor.after(box);
  let answer = null; // resolves the open question
  let before = null; // where the focus was when it asked: it goes back there

  function close(value) {
    if (box.contains(document.activeElement) && before?.isConnected) before.focus({ preventScroll: true });
    box.hidden = true;
    const done = answer;
    answer = null;
    if (done) done(value);
  }
  yes.addEventListener("click", () => close(!store.get("training")));
  no.addEventListener("click", () => close(false));
  const off = store.subscribe(["training"], () => {
    if (store.get("training")) close(false);
  });

  function ask(what) {
    close(false);
    const lost = trainingToLose(store.get("history"), store.get("session")?.step ?? 0);
    if (!lost) return Promise.resolve(true);
    before = document.activeElement;
    text.textContent = `${what} Changing the points starts the weights over: ${lost} of training will be lost (the plane's points become your own set).`;
    box.hidden = false;
    yes.focus({ preventScroll: true });
    return new Promise((resolve) => { answer = resolve; });
  }
  return { ask, box, destroy: off };
}
