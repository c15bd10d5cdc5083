// Softmax detail: the raw scores, their exponentials, the sum, and each probability as the
// division, as the engine reported them. Raw scores and probabilities are indexed out of the
// forward reply; the exponentials and their sum come from the forward reply's `softmax` field
// when the server provides it (the browser does not exponentiate anything).

import { layerContext } from "./data.js";
import { el, clear } from "../ui/dom.js";
import { fmt } from "../ui/colors.js";

export function createSoftmaxDetail(container, store) {
  const root = el("section", { class: "nn-detail nn-softmax-detail", "data-view": "softmax-detail" });
  container.append(root);
  function render() {
    const detail = store.get("detail") || {};
    const ctx = layerContext(store, detail.layer);
    clear(root);
    if (!ctx || !ctx.output || !ctx.input) {
      root.append(el("p", { class: "nn-detail-blurb" }, "No forward data yet: draw or pick an input first."));
      return;
    }
    const forward = ctx.forward;
    const names = forward.class_names || store.get("classNames") || [];
    const probs = ctx.output.data; // the softmax layer's output, as the engine computed it
    const scores = ctx.input.data; // the layer before: the raw scores (logits)
    const K = probs.length;
    let winner = 0;
    for (let i = 1; i < K; i++) if (probs[i] > probs[winner]) winner = i; // picking, not computing
    root.append(
      el("h3", { class: "nn-detail-title" }, `${ctx.name}: from raw scores to probabilities`),
      el("p", { class: "nn-detail-blurb" },
        "Softmax turns the previous layer's raw scores into probabilities: each score is exponentiated "
        + "(after subtracting the largest, which changes nothing but keeps the numbers small), "
        + "and each exponential is divided by their sum, so the probabilities add up to 1."),
    );
    const bars = el("div", { class: "nn-prob-bars", role: "list", "aria-label": "class probabilities" });
    for (let i = 0; i < K; i++) {
      const p = probs[i];
      bars.append(el("div", { class: `nn-prob-row${i === winner ? " nn-prob-win" : ""}`, role: "listitem" },
        el("span", { class: "nn-prob-name" }, names[i] ?? String(i)),
        el("span", { class: "nn-prob-track" },
          el("span", { class: "nn-prob-fill", style: `width:${(100 * Math.max(0, Math.min(1, p))).toFixed(2)}%`,
            "data-role": "prob-bar", "data-class": String(i), "data-value": String(p) })),
        el("span", { class: "nn-prob-value" }, `${(100 * p).toFixed(1)}%`)));
    }
    const tableSlot = el("div", { class: "nn-softmax-table-slot" });
    root.append(el("div", { class: "nn-detail-body nn-softmax-body" }, bars, tableSlot));

    // The engine's softmax arithmetic, when the forward reply carries it:
    // forward.softmax = {logits: [K], shift: max logit, exps: [K] = e^(logit - shift), sum}
    const cell = forward.softmax && Array.isArray(forward.softmax.exps) ? forward.softmax : null;
    const exps = cell ? cell.exps : null;
    const table = el("table", { class: "nn-softmax-table", "data-role": "softmax-table" });
    table.append(el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, "class"), el("th", { scope: "col" }, "raw score z"),
      el("th", { scope: "col", "data-role": "exp-head" }, exps ? expHead(cell.shift ?? cell.max) : "eᶻ"),
      el("th", { scope: "col" }, "÷ sum"), el("th", { scope: "col" }, "= probability"))));
    const body = el("tbody");
    const logits = cell && Array.isArray(cell.logits) ? cell.logits : scores;
    const cellProbs = probs;
    for (let i = 0; i < K; i++) {
      body.append(el("tr", { class: i === winner ? "nn-prob-win" : "" },
        el("th", { scope: "row" }, names[i] ?? String(i)),
        el("td", { "data-role": "score", "data-value": String(logits[i]) }, fmt(logits[i])),
        el("td", exps ? { "data-role": "exp", "data-value": String(exps[i]) } : {}, exps ? fmt(exps[i]) : "–"),
        el("td", {}, exps ? `÷ ${fmt(cell.sum)}` : "–"),
        el("td", { "data-role": "probability", "data-class": String(i), "data-value": String(cellProbs[i]) }, fmt(cellProbs[i]))));
    }
    table.append(body);
    if (exps) {
      table.append(el("tfoot", {}, el("tr", {},
        el("th", { scope: "row", colspan: "2" }, "sum of the exponentials"),
        el("td", { "data-role": "exp-sum", "data-value": String(cell.sum) }, fmt(cell.sum)),
        el("td", { colspan: "2" }, ""))));
    }
    tableSlot.append(table);
    if (!exps) {
      tableSlot.append(el("p", { class: "nn-note", role: "note" },
        "This server's forward reply does not carry the softmax's exponentials and their sum, and the "
        + "browser does not compute them; the raw scores and probabilities shown are the engine's."));
    }
  }

  render();
  return {
    update() { render(); },
    destroy() { root.remove(); },
  };
}

/** The exponentials' column head: the shift m printed as the scores column prints it (the
 * largest score, digit for digit: "11.5" beside a score of 11.55 did not add up), e^(z − m);
 * a negative m as e^(z + |m|). */
export function expHead(m) {
  const text = fmt(m);
  return text.startsWith("-") ? `e^(z + ${text.slice(1)})` : `e^(z − ${text})`;
}
