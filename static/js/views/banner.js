// One-line status and the divergence banner with what to try.

export function createBanner(container, store) {
  container.innerHTML = `<div class="status" role="status" aria-live="polite"></div>
    <div class="diverged" role="alert" hidden>
      <strong>Training diverged.</strong> <span class="div-msg"></span>
      <span class="div-try">Try a learning rate ten times smaller, a smaller batch, or Adam; then rewind to the last good epoch and train on.</span>
      <button type="button" class="div-lr">Divide the learning rate by 10</button>
      <button type="button" class="div-close" aria-label="dismiss">×</button>
    </div>`;
  const status = container.querySelector(".status");
  const div = container.querySelector(".diverged");
  container.querySelector(".div-lr").addEventListener("click", () => {
    const s = store.get("settings");
    store.set("request", { type: "applySettings", settings: { lr: s.lr / 10 }, at: performance.now() });
  });
  container.querySelector(".div-close").addEventListener("click", () => store.set("diverged", null));
  function update() {
    const s = store.get("status");
    status.textContent = s?.text ?? "";
    status.dataset.level = s?.level ?? "";
    const d = store.get("diverged");
    div.hidden = !d;
    if (d) container.querySelector(".div-msg").textContent = d.message ?? `at epoch ${d.epoch}, batch ${d.batch} (step ${d.step}).`;
  }
  const off = store.subscribe(["status", "diverged"], update);
  update();
  return { update, destroy: () => { off(); container.innerHTML = ""; } };
}
