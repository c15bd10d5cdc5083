// Gradient size per layer while training (the claim of the texts, seen): one bar per dense
// layer, mean |dL/dW| of the last step's batch (progress.grad_sizes, docs/protocol.md), on a
// log scale, so that a sigmoid stack starving its first layers shows as bars decades shorter.

import { el } from "../../ui/dom.js";
import { applyChange } from "./actions.js";
import { LIMITS, readSpec } from "./setup.js";

export const LOG_RANGE = [1e-6, 10];

/** Where v sits on a log scale from lo to hi, 0..1 (0 for v <= lo or not a number). */
export function logFraction(v, [lo, hi] = LOG_RANGE) {
  if (!(v > lo)) return 0;
  return Math.min(1, (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)));
}

export function createGradView(container, store) {
  const list = el("div", { class: "grad-bars", "data-role": "grad-bars" });
  const note = el("p", { class: "hint" }, "Mean |∂L/∂W| of each layer on the last batch, log scale (10⁻⁶ to 10). Train to see them.");
  const deep = (activation) => el("button", { type: "button", "data-deep": activation,
    title: `${LIMITS.layers} hidden layers of ${LIMITS.units} ${activation} neurons (the weights start over)` }, `${LIMITS.layers} × ${activation}`);
  const tryIt = el("p", { class: "plane-row" }, "Try a deep stack: ", deep("sigmoid"), deep("relu"));
  tryIt.addEventListener("click", (e) => {
    const b = e.target.closest("[data-deep]");
    if (!b) return;
    const hidden = Array.from({ length: LIMITS.layers }, () => ({ units: LIMITS.units, activation: b.dataset.deep }));
    applyChange(store, { hidden }).catch(() => {});
  });
  container.append(el("h3", {}, "Gradient size per layer"), list, note, tryIt,
    el("p", { class: "hint" }, "A sigmoid's slope is at most 1/4, so each sigmoid layer shrinks the gradient flowing back: the first layers of a deep sigmoid stack barely learn. ReLU passes it on unchanged where it is active."));
  let frame = 0;

  let rows = []; // [{name, row, bar, value}] for the current layers
  let rowsKey = "";
  function build(names, hiddenCount) {
    rows = names.map((name, k) => {
      const bar = el("span", { class: "grad-bar" });
      const value = el("span", { class: "grad-value" }, "–");
      const row = el("div", { class: "grad-row", "data-layer": name, "data-value": "" },
        el("span", { class: "grad-name" }, k < hiddenCount ? `layer ${k + 1} (${name})` : `output (${name})`),
        el("span", { class: "grad-track" }, bar), value);
      return { name, row, bar, value };
    });
    list.replaceChildren(...rows.map((r) => r.row));
  }

  function draw() {
    frame = 0;
    const spec = readSpec(store.get("spec"));
    if (!spec) return;
    const names = [...spec.hidden.map((h) => h.dense), spec.output.dense];
    if (names.join() !== rowsKey) {
      rowsKey = names.join();
      build(names, spec.hidden.length);
    }
    // in place: this runs up to once a frame while training
    const sizes = store.get("gradSizes");
    for (const r of rows) {
      const v = sizes?.[r.name];
      r.bar.style.width = `${(100 * logFraction(v)).toFixed(1)}%`;
      r.value.textContent = v === undefined || v === null ? "–" : v.toExponential(1);
      r.row.dataset.value = v ?? "";
    }
  }

  const offs = [
    store.subscribe(["gradSizes", "spec"], () => {
      if (!frame) frame = requestAnimationFrame(draw);
    }),
  ];
  draw();
  return { destroy() { offs.forEach((f) => f()); } };
}
