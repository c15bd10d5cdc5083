// One-line status, and the banners with what to try: training diverged (a non-finite loss
// stopped it), or an epoch did worse than guessing or ended at chance level (the server's
// epoch_end.stuck, {kind, message}: headed by its kind, lib/stuck-kind.js, as the lab heads it).

import { tenth } from "../lib/lr-tenth.js";
import { readStuck } from "../lib/stuck-kind.js";
import { el } from "../ui/dom.js";

export function createBanner(container, store) {
  const lrButton = () => el("button", { type: "button", class: "div-lr" }, "Divide the learning rate by 10");
  const status = el("div", { class: "status", role: "status", "aria-live": "polite" });
  const divMsg = el("span", { class: "div-msg" });
  const stuckMsg = el("span", { class: "stuck-msg" });
  const stuckHead = el("strong", { class: "stuck-head" });
  // (the spaces between the parts keep the text readable as text; the flex box ignores them)
  const div = el("div", { class: "diverged", role: "alert", hidden: true },
    el("strong", {}, "Training diverged."), " ", divMsg, " ",
    el("span", { class: "div-try" }, "Try a learning rate ten times smaller, a smaller batch, or Adam; then rewind to the last good epoch and train on."),
    " ", lrButton(), " ", el("button", { type: "button", class: "div-close", "aria-label": "dismiss" }, "×"));
  const stuck = el("div", { class: "diverged stuck", role: "alert", hidden: true },
    stuckHead, " ", stuckMsg,
    " ", lrButton(), " ", el("button", { type: "button", class: "stuck-close", "aria-label": "dismiss" }, "×"));
  container.replaceChildren(status, div, stuck);
  for (const b of container.querySelectorAll(".div-lr")) {
    b.addEventListener("click", () => {
      const s = store.get("settings");
      store.set({ stuck: null, request: { type: "applySettings", settings: { lr: tenth(s.lr) }, at: performance.now() } });
    });
  }
  container.querySelector(".div-close").addEventListener("click", () => store.set("diverged", null));
  container.querySelector(".stuck-close").addEventListener("click", () => store.set("stuck", null));
  function update() {
    const s = store.get("status");
    status.textContent = s?.text ?? "";
    status.dataset.level = s?.level ?? "";
    const d = store.get("diverged");
    div.hidden = !d;
    if (d) divMsg.textContent = d.message ?? `at epoch ${d.epoch}, batch ${d.batch} (step ${d.step}).`;
    const said = readStuck(store.get("stuck"));
    stuck.hidden = !said || Boolean(d);
    stuck.dataset.kind = said?.kind ?? "";
    if (said) {
      stuckHead.textContent = said.head;
      stuckMsg.textContent = said.message;
    }
  }
  const off = store.subscribe(["status", "diverged", "stuck"], update);
  update();
  return { update, destroy: () => { off(); container.replaceChildren(); } };
}
