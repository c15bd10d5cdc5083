// The shared colour legend and the per-layer / per-map normalisation switch.

import { legendGradient } from "../lib/colors.js";
import { el } from "../ui/dom.js";

export function createLegend(container, store) {
  const bar = el("span", { class: "legend-bar", role: "img",
    "aria-label": "diverging colour scale: blue is negative, white is zero, red is positive" });
  bar.style.background = legendGradient(); // CSSOM: CSP allows it
  const radio = (value) => el("label", {}, el("input", { type: "radio", name: "norm", value }), ` ${value}`);
  container.replaceChildren(el("div", { class: "legend", role: "group", "aria-label": "Colour scale" },
    el("span", { class: "legend-end" }, "negative"), bar, el("span", { class: "legend-end" }, "positive"),
    el("span", { class: "legend-ticks", "aria-hidden": "true" }, el("span", {}, "−max"), el("span", {}, "0"), el("span", {}, "+max")),
    el("fieldset", { class: "seg legend-norm" }, el("legend", {}, "Scale each"), radio("layer"), radio("map"))));
  const radios = container.querySelectorAll("input[name=norm]");
  radios.forEach((r) => r.addEventListener("change", () => store.set("normalization", r.value)));
  function update() {
    radios.forEach((r) => (r.checked = r.value === store.get("normalization")));
  }
  const off = store.subscribe(["normalization"], update);
  update();
  return { update, destroy: () => { off(); container.replaceChildren(); } };
}
