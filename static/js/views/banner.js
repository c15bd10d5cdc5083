// One-line status, and the banners with what to try: training diverged (a non-finite loss
// stopped it), or an epoch ended at chance level (the server's epoch_end.stuck).

export function createBanner(container, store) {
  container.innerHTML = `<div class="status" role="status" aria-live="polite"></div>
    <div class="diverged" role="alert" hidden>
      <strong>Training diverged.</strong> <span class="div-msg"></span>
      <span class="div-try">Try a learning rate ten times smaller, a smaller batch, or Adam; then rewind to the last good epoch and train on.</span>
      <button type="button" class="div-lr">Divide the learning rate by 10</button>
      <button type="button" class="div-close" aria-label="dismiss">×</button>
    </div>
    <div class="diverged stuck" role="alert" hidden>
      <strong>Training is stuck.</strong> <span class="stuck-msg"></span>
      <button type="button" class="div-lr">Divide the learning rate by 10</button>
      <button type="button" class="stuck-close" aria-label="dismiss">×</button>
    </div>`;
  const status = container.querySelector(".status");
  const div = container.querySelector(".diverged:not(.stuck)");
  const stuck = container.querySelector(".stuck");
  for (const b of container.querySelectorAll(".div-lr")) {
    b.addEventListener("click", () => {
      const s = store.get("settings");
      store.set({ stuck: null, request: { type: "applySettings", settings: { lr: s.lr / 10 }, at: performance.now() } });
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
    if (d) container.querySelector(".div-msg").textContent = d.message ?? `at epoch ${d.epoch}, batch ${d.batch} (step ${d.step}).`;
    const message = store.get("stuck");
    stuck.hidden = !message || Boolean(d);
    if (message) container.querySelector(".stuck-msg").textContent = message;
  }
  const off = store.subscribe(["status", "diverged", "stuck"], update);
  update();
  return { update, destroy: () => { off(); container.replaceChildren(); } };
}
