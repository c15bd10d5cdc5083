// What the network sees (the preprocessed input, as sent by the server) and its prediction.

import { paintGray } from "../lib/gray.js";

export function createSeen(container, store) {
  container.innerHTML = `
    <div class="seen">
      <figure>
        <canvas class="seen-img" width="28" height="28" role="img" aria-label="the preprocessed image the network sees"></canvas>
        <figcaption>what the network sees</figcaption>
      </figure>
      <div class="seen-pred" aria-live="polite">
        <div class="pred-label">prediction</div>
        <div class="pred-value">–</div>
        <div class="pred-conf"></div>
      </div>
    </div>`;
  const cv = container.querySelector(".seen-img");
  const value = container.querySelector(".pred-value");
  const conf = container.querySelector(".pred-conf");
  function update() {
    const fwd = store.get("lastForward");
    if (!fwd) return;
    const [, h, w] = fwd.preprocessed.shape;
    paintGray(cv, fwd.preprocessed.data, w, h);
    const name = fwd.class_names?.[fwd.prediction] ?? String(fwd.prediction);
    value.textContent = name;
    const p = fwd.probabilities?.[fwd.prediction];
    conf.textContent = p !== undefined ? `${(p * 100).toFixed(0)}% sure` : "";
    container.dataset.prediction = name;
  }
  const off = store.subscribe(["lastForward"], update);
  update();
  return { update, destroy: () => { off(); container.innerHTML = ""; } };
}
