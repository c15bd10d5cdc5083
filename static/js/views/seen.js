// What the network sees (the preprocessed input, as sent by the server) and its prediction.

import { displayRange, paintGray, paintRGB, rangeEndText, toUnit } from "../lib/gray.js";
import { el } from "../ui/dom.js";
import { percentText } from "../lib/percent.js";

const SIDE = 84; // CSS pixels of the longer side

export function createSeen(container, store) {
  const cv = el("canvas", { class: "seen-img", width: "28", height: "28", role: "img", "aria-label": "the preprocessed image the network sees" });
  const rangeEl = el("span", { class: "seen-range" });
  const value = el("div", { class: "pred-value" }, "–");
  const conf = el("div", { class: "pred-conf" });
  // While it trains (a first visit's own epoch, Play) the answer changes by itself: on a phone
  // the training panel that shows it happening is screens below, so say it here.
  const learning = el("div", { class: "pred-training hint off" }, "training: the answer changes as it learns");
  container.replaceChildren(el("div", { class: "seen" },
    el("figure", {}, cv, el("figcaption", {}, "what the network sees ", rangeEl)),
    el("div", { class: "seen-pred", "aria-live": "polite" }, el("div", { class: "pred-label" }, "prediction"), value, conf, learning)));
  function update() {
    const fwd = store.get("lastForward");
    if (!fwd) return;
    const [c, h, w] = fwd.preprocessed.shape;
    const data = fwd.preprocessed.data;
    // Colour for a 3-channel input, else the first channel; typed values beyond 0..1 are
    // shown from their own minimum (black) to maximum (white).
    const { lo, hi, scaled } = displayRange(data);
    const shown = scaled ? toUnit(data, lo, hi) : data;
    let cw = w;
    if (c === 3 && h >= 4 && w >= 4) paintRGB(cv, shown, w, h);
    else if (c === 1) paintGray(cv, shown, w, h);
    else {
      // Channels side by side (up to 4): three logits typed as 3x1x1 read as a 1x3 strip.
      const n = Math.min(c, 4);
      cw = n * w;
      const strip = new Float32Array(h * cw);
      for (let ch = 0; ch < n; ch++) {
        for (let r = 0; r < h; r++) strip.set(shown.subarray(ch * h * w + r * w, ch * h * w + r * w + w), r * cw + ch * w);
      }
      paintGray(cv, strip, cw, h);
    }
    cv.style.width = `${Math.round((SIDE * cw) / Math.max(h, cw))}px`;
    cv.style.height = `${Math.round((SIDE * h) / Math.max(h, cw))}px`;
    const strip = cw === w ? "" : c > 4 ? ", channels 0–3 side by side" : ", channels side by side";
    rangeEl.textContent = `(${c}×${h}×${w}${strip}${scaled ? `, black ${rangeEndText(lo)} to white ${rangeEndText(hi)}` : ""})`;
    const name = fwd.class_names?.[fwd.prediction] ?? String(fwd.prediction);
    value.textContent = name;
    const p = fwd.probabilities?.[fwd.prediction];
    conf.textContent = p !== undefined ? `${percentText(p)} sure` : ""; // as the softmax bar says
    container.dataset.prediction = name;
  }
  const offs = [store.subscribe(["lastForward"], update),
    store.subscribe(["training"], (_, st) => learning.classList.toggle("off", !st.training))];
  update();
  return { update, destroy: () => { offs.forEach((f) => f()); container.replaceChildren(); } };
}
