// Dense detail: one unit's inputs, weights, their products, the weighted sum, the bias and the
// activation, all from the engine's cell reply. Long input vectors are drawn as strips of
// colour (canvas); the largest contributions are listed in numbers.

import { layerContext, fetchCell } from "./data.js";
import { createGridRenderer } from "../ui/grid.js";
import { absMax, fmt, createDivergingLegend } from "../ui/colors.js";
import { el, clear } from "../ui/dom.js";
import { keepTyped } from "../lib/keep-typed.js";

const TOP = 12;

export function createDenseDetail(container, store) {
  const root = el("section", { class: "nn-detail nn-dense-detail", "data-view": "dense-detail" });
  container.append(root);
  const title = el("h3", { class: "nn-detail-title" });
  const blurb = el("p", { class: "nn-detail-blurb" });
  const unitInput = el("input", { type: "number", min: "0", value: "0", "aria-label": "Unit", class: "nn-unit" });
  const controls = el("div", { class: "nn-controls", role: "group", "aria-label": "Dense unit" },
    el("label", {}, "unit ", unitInput));
  const strips = el("div", { class: "nn-strips" });
  const arith = el("div", { class: "nn-arith", "aria-live": "polite", "data-role": "arithmetic" });
  root.append(title, blurb, controls, el("div", { class: "nn-detail-body" }, strips, arith));
  let unit = Number((store.get("detail") || {}).channel) || 0;
  let token = 0;
  let destroyed = false;
  // The unit is store.detail's channel: the panel's "channel / unit" box, the gradients switch
  // and this box all say the same unit (the panel makes a new view for it).
  // a box the learner is typing in is not rewritten by a new forward (keep-typed.js)
  const unitBox = keepTyped(unitInput);
  unitInput.addEventListener("change", () => {
    unitBox.taken();
    const detail = store.get("detail");
    unit = Number(unitInput.value) || 0;
    if (detail && detail.channel !== unit) store.set("detail", { ...detail, channel: unit });
    else render();
  });

  async function render() {
    const detail = store.get("detail") || {};
    const ctx = layerContext(store, detail.layer);
    const mine = ++token;
    if (!ctx || !ctx.output) {
      blurb.textContent = "No forward data yet: draw or pick an input first.";
      return;
    }
    const units = ctx.output.shape[0];
    unit = Math.max(0, Math.min(units - 1, unit));
    unitInput.max = String(units - 1);
    unitBox.show(unit);
    title.textContent = `${ctx.name} · unit ${unit} of ${units}`;
    blurb.textContent = "A dense unit multiplies every input by its own weight, adds the products "
      + "and the bias, and (if the layer has one) passes the sum through its activation.";
    arith.replaceChildren(el("p", { class: "nn-loading" }, "asking the engine…"));
    let r;
    try {
      r = await fetchCell(store.get("sessionId"), { layer: ctx.name, channel: unit, row: 0, col: 0 });
    } catch (err) {
      if (mine === token && !destroyed) arith.replaceChildren(el("p", { class: "nn-error", role: "alert" }, err.message));
      return;
    }
    if (destroyed || mine !== token) return;
    clear(strips);
    const D = r.inputs.data.length;
    const cols = Math.min(D, 64);
    const rows = Math.ceil(D / cols);
    const size = Math.max(3, Math.min(14, Math.floor(360 / cols)));
    for (const [label, t, caption] of [["inputs", r.inputs, "input"], ["weights", r.weights, "weight"], ["products", r.products, "input × weight"]]) {
      const canvas = el("canvas", { role: "img", "aria-label": `${label} of unit ${unit}: ${D} values drawn as colours` });
      const lim = absMax(t.data);
      createGridRenderer(canvas).draw({
        rows, cols, cellSize: size, gap: 0, limit: lim,
        value: (y, x) => (y * cols + x < D ? t.data[y * cols + x] : null),
      });
      strips.append(el("figure", { class: "nn-fig" }, el("figcaption", {}, `${label} (${D})`), canvas, createDivergingLegend(document, lim, caption)));
    }
    clear(arith);
    const order = Array.from({ length: D }, (_, i) => i)
      .sort((a, b) => Math.abs(r.products.data[b]) - Math.abs(r.products.data[a]))
      .slice(0, TOP);
    const table = el("table", { class: "nn-dense-table" });
    table.append(el("caption", {}, `the ${Math.min(TOP, D)} largest of ${D} products`),
      el("tr", {}, el("th", { scope: "col" }, "input #"), el("th", { scope: "col" }, "input"),
        el("th", { scope: "col" }, "× weight"), el("th", { scope: "col" }, "= product")));
    for (const i of order) {
      table.append(el("tr", {}, el("td", {}, String(i)), el("td", {}, fmt(r.inputs.data[i])),
        el("td", {}, fmt(r.weights.data[i])),
        el("td", { "data-role": "product", "data-value": String(r.products.data[i]) }, fmt(r.products.data[i]))));
    }
    arith.append(table,
      el("p", { class: "nn-eq" }, `sum of all ${D} products `,
        el("span", { "data-role": "sum", "data-value": String(r.sum) }, fmt(r.sum)), " + bias ",
        el("span", { "data-role": "bias", "data-value": String(r.bias) }, fmt(r.bias)), " = ",
        el("strong", { "data-role": "result", "data-value": String(r.result) }, fmt(r.result))));
    if (r.activation && r.activation.type === "softmax") {
      arith.append(softmaxShare(r, ctx, unit, units));
    } else if (r.activation) {
      arith.append(el("p", { class: "nn-eq nn-final" }, `${r.activation.type}(${fmt(r.result)}) = `,
        el("strong", { "data-role": "activated", "data-value": String(r.activation.value) }, fmt(r.activation.value))));
    }
    const mapValue = ctx.output.data[unit];
    arith.append(el("p", { class: "nn-map-value" }, `value of ${ctx.name}[${unit}] in the forward pass: `,
      el("strong", { "data-role": "map-value", "data-value": String(mapValue) }, fmt(mapValue))));
  }

  render();
  return {
    update() { render(); },
    destroy() { destroyed = true; root.remove(); },
  };
}

// A softmax works on all the layer's scores at once: unit k's output is its share
// e^(z_k) / sum_j e^(z_j). The terms come from the forward reply's `softmax` field (the engine's
// own exponentials, shifted by the largest score, and their sum) when that forward is of the
// same input as the cell reply (its score for this unit is the cell's z); otherwise only the
// engine's result is named. Nothing is computed here.
function softmaxShare(r, ctx, unit, units) {
  const value = el("strong", { "data-role": "activated", "data-value": String(r.activation.value) }, fmt(r.activation.value));
  const sm = ctx.forward && ctx.forward.softmax;
  const feedsFinal = ctx.next && ctx.next.type === "softmax" && ctx.next === ctx.layers.at(-1);
  const z = sm && Array.isArray(sm.logits) ? sm.logits[unit] : undefined;
  const sameInput = Number.isFinite(z) && Number.isFinite(r.result)
    && Math.abs(z - r.result) <= 1e-5 * Math.max(1, Math.abs(r.result));
  if (feedsFinal && sameInput && Array.isArray(sm.exps) && Number.isFinite(sm.exps[unit]) && Number.isFinite(sm.sum)) {
    const k = String(unit);
    const power = (...base) => el("sup", {}, ...base);
    const part = (...children) => el("span", { class: "nn-nowrap" }, ...children); // lines break between parts
    return el("div", { class: "nn-softmax-share", "data-role": "softmax-share" },
      el("p", { class: "nn-eq" }, `The softmax works on all ${units} scores at once; this unit's output is its share:`),
      el("p", { class: "nn-eq" },
        part("softmax(z)", el("sub", {}, k), " = e", power("z", el("sub", {}, k)), " / Σ", el("sub", {}, "j"), " e", power("z", el("sub", {}, "j"))), " ",
        part("= e", power("z", el("sub", {}, k), " − m"), " / Σ", el("sub", {}, "j"), " e", power("z", el("sub", {}, "j"), " − m"))),
      el("p", { class: "nn-eq nn-final" },
        part("= e", power(`${fmt(z)} − ${fmt(sm.shift)}`), " / ",
          el("span", { "data-role": "softmax-sum", "data-value": String(sm.sum) }, fmt(sm.sum))), " ",
        part("= ", el("span", { "data-role": "softmax-exp", "data-value": String(sm.exps[unit]) }, fmt(sm.exps[unit])),
          ` / ${fmt(sm.sum)}`), " ",
        part("= ", value)),
      el("p", { class: "nn-note" }, `m = ${fmt(sm.shift)} is the largest of the ${units} scores: subtracting it changes `
        + "no share and keeps the numbers small. The softmax layer's detail lists every term."));
  }
  return el("p", { class: "nn-eq nn-final", "data-role": "softmax-share" },
    `the softmax over all ${units} scores gives unit ${unit} (score ${fmt(r.result)}) the probability `, value);
}
