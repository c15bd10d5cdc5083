// "Training diverged" / "Learning rate too large" / "Training is stuck" (the kind of the
// server's epoch_end.stuck, lib/stuck-kind.js) where the training buttons are. views/banner.js says
// it at the top of the page, which is out of sight once a person has scrolled down to the
// training panel (on a phone always: it is two screens below). This copy shows only while the
// banner is off screen, with the same text and the same way out.

import { tenth } from "../lib/lr-tenth.js";
import { readStuck } from "../lib/stuck-kind.js";
import { el } from "../ui/dom.js";
import { watchOnScreen } from "../ui/on-screen.js";

/** The alert element (for the training view to place) and `destroy()`. `banner`: the element
 * whose being on screen makes this copy unnecessary. */
export function createTrainAlert(store, banner) {
  const head = el("strong");
  const text = el("span");
  const lr = el("button", { type: "button", class: "div-lr" }, "Divide the learning rate by 10");
  const close = el("button", { type: "button", class: "train-alert-close", "aria-label": "dismiss" }, "×");
  const box = el("div", { class: "diverged train-alert", role: "status", hidden: true }, head, " ", text, " ", lr, " ", close);
  let bannerSeen = true;

  function update() {
    const d = store.get("diverged");
    const stuck = readStuck(store.get("stuck"));
    box.dataset.kind = d ? "diverged" : stuck?.kind ?? "";
    if (d) {
      head.textContent = "Training diverged.";
      text.textContent = `${d.message ?? `at epoch ${d.epoch}, batch ${d.batch} (step ${d.step}).`} `
        + "Try a learning rate ten times smaller, a smaller batch, or Adam; then rewind to the last good epoch.";
    } else if (stuck) {
      head.textContent = stuck.head;
      text.textContent = stuck.message;
    }
    box.hidden = bannerSeen || !(d || stuck);
  }
  lr.addEventListener("click", () => {
    const s = store.get("settings");
    store.set({ stuck: null, request: { type: "applySettings", settings: { lr: tenth(s.lr) }, at: performance.now() } });
  });
  close.addEventListener("click", () => store.set({ diverged: null, stuck: null }));
  const offs = [
    store.subscribe(["diverged", "stuck"], update),
    watchOnScreen(banner, (seen) => {
      bannerSeen = seen;
      update();
    }, { margin: "0px" }),
  ];
  update();
  return { element: box, destroy: () => offs.forEach((f) => f()) };
}
