// The arithmetic of one output cell of a conv or pool layer, as the engine reported it (the
// server's cell reply), and what the window computes in words: conv products, channel sums, bias and result; pool window and winner.
// It shows the engine's numbers and the forward's map value side by side, computing none.

import { fmt } from "../ui/colors.js";
import { el, clear } from "../ui/dom.js";

/**
 * The view's title and blurb: what the window of layer `name` (output channel `channel`)
 * computes. `poolMode` "max"|"avg" (pool), `C` input channels, `geom` geometry.js's.
 */
export function describeWindow(mode, name, channel, poolMode, C, geom, stride) {
  const kernel = geom.kernel;
  if (mode === "pool") {
    return {
      title: `${name} · channel ${channel}: ${poolMode} pooling window`,
      blurb: `A ${kernel}×${kernel} window moves by ${stride}; each output cell is the `
        + `${poolMode === "avg" ? "mean" : poolMode} of the window. Hover over or tap the output map to jump to a cell.`,
    };
  }
  return {
    title: `${name} · filter ${channel} (output channel ${channel}): the sliding window`,
    blurb: `A ${kernel}×${kernel} kernel slides over the ${C > 1 ? `${C}-channel ` : ""}input `
      + `by ${stride} cell${stride > 1 ? "s" : ""} at a time${geom.pad ? ` (zero padding ${geom.pad}, hatched)` : ""}. `
      + "Each output cell is the sum of input × weight over the window, plus the bias. Hover over or tap the output map to jump to a cell.",
  };
}

/**
 * Fill `arith` with the arithmetic of output cell (row, col): the engine's cell reply `reply`
 * (or `replyError`) beside `mapValue`, the cell's value in the forward's feature map. `view`:
 * {mode: "conv"|"pool", kernel, inChannel, onChannel(c)} (a channel chip picks channel c).
 */
export function renderArithmetic(arith, row, col, mapValue, reply, replyError, view) {
  clear(arith);
  arith.append(el("h4", {}, `The arithmetic of output cell (${row}, ${col})`));
  const mapLine = el("p", { class: "nn-map-value" }, "value in the feature map: ",
    el("strong", { "data-role": "map-value", "data-value": String(mapValue) }, fmt(mapValue)));
  if (replyError) {
    arith.append(el("p", { class: "nn-error", role: "alert" }, `The engine could not explain this cell: ${replyError}`), mapLine);
    return;
  }
  if (!reply || !sameCell(reply, { row, col })) {
    arith.append(el("p", { class: "nn-loading" }, "asking the engine…"), mapLine);
    return;
  }
  if (view.mode === "conv") convArithmetic(arith, reply, view);
  else poolArithmetic(arith, reply, view.kernel);
  arith.append(mapLine);
  const tol = 1e-4 * Math.max(1, Math.abs(mapValue));
  if (Math.abs(reply.result - mapValue) > tol) {
    arith.append(el("p", { class: "nn-warn", role: "status" },
      "The feature map above was computed before the latest weight change (or for another input); "
      + "the arithmetic is for the weights and input the server holds now."));
  }
}

/** A conv cell: input × weight per window cell, the per-channel sums, + bias = result. */
function convArithmetic(arith, r, { kernel: k, inChannel, onChannel }) {
  const C = r.window.shape[0];
  const base = inChannel * k * k;
  const table = el("table", { class: "nn-products", "data-role": "products" });
  table.append(el("caption", {}, `input × weight for ${C > 1 ? `input channel ${inChannel}` : "each cell of the window"}`));
  for (let ky = 0; ky < k; ky++) {
    const tr = el("tr");
    for (let kx = 0; kx < k; kx++) {
      const i = base + ky * k + kx;
      // the mask is (C, k, k) or, the same for every channel, (k, k)
      const mask = r.padding_mask;
      const pad = Boolean(mask) && mask.data[mask.data.length === k * k ? ky * k + kx : i] === 1;
      const x = r.window.data[i];
      const w = r.kernel.data[i];
      const p = r.products.data[i];
      tr.append(el("td", { class: pad ? "nn-pad" : "", title: pad ? "padding cell (zero)" : "" },
        el("span", { class: "nn-x" }, pad ? "0ᵖ" : fmt(x, 3)), " × ",
        el("span", { class: "nn-w" }, fmt(w, 3)), el("br"), "= ",
        el("span", { class: "nn-p", "data-role": "product", "data-channel": String(inChannel), "data-value": String(p) }, fmt(p, 3))));
    }
    table.append(tr);
  }
  arith.append(table);
  const chanSum = r.channel_sums.data[inChannel];
  arith.append(el("p", { class: "nn-eq" }, C > 1 ? `sum over input channel ${inChannel}: ` : "sum of the products: ",
    el("strong", { "data-role": "channel-sum", "data-channel": String(inChannel), "data-value": String(chanSum) }, fmt(chanSum))));
  if (C > 1) {
    const sums = el("p", { class: "nn-eq nn-channel-sums" }, "per-channel sums: ");
    for (let c = 0; c < C; c++) {
      const v = r.channel_sums.data[c];
      const b = el("button", {
        type: "button", class: c === inChannel ? "nn-chip nn-chip-on" : "nn-chip",
        "data-role": "channel-sum-chip", "data-channel": String(c), "data-value": String(v),
        "aria-label": `input channel ${c} sum ${fmt(v)}; show its products`,
      }, fmt(v, 3));
      b.addEventListener("click", () => onChannel(c));
      if (c > 0) sums.append(" + ");
      sums.append(b);
    }
    sums.append(" = ", el("strong", {}, fmt(r.sum)));
    arith.append(sums);
  }
  arith.append(el("p", { class: "nn-eq nn-final" },
    el("span", { "data-role": "sum", "data-value": String(r.sum) }, fmt(r.sum)), " + bias ",
    el("span", { "data-role": "bias", "data-value": String(r.bias) }, fmt(r.bias)), " = ",
    el("strong", { "data-role": "result", "data-value": String(r.result) }, fmt(r.result))));
}

/** A pool cell: the window, its winner (max) or its mean (avg) = result. */
function poolArithmetic(arith, r, k) {
  const table = el("table", { class: "nn-products nn-pool-window", "data-role": "window" });
  table.append(el("caption", {}, "the window"));
  for (let ky = 0; ky < k; ky++) {
    const tr = el("tr");
    for (let kx = 0; kx < k; kx++) {
      const v = r.window.data[ky * k + kx];
      const win = r.winner && r.winner[0] === ky && r.winner[1] === kx;
      tr.append(el("td", { class: win ? "nn-winner" : "", "data-role": "window-value", "data-value": String(v) },
        fmt(v, 3), win ? " ★" : ""));
    }
    table.append(tr);
  }
  arith.append(table);
  const mode_ = r.mode;
  const line = el("p", { class: "nn-eq nn-final" });
  if (mode_ === "avg") {
    const terms = Array.from(r.window.data, (v) => fmt(v, 3));
    line.append(`mean = (${terms.join(" + ")}) / ${terms.length} = `);
  } else {
    line.append(`${mode_} of the window (★, row ${r.winner[0]}, col ${r.winner[1]}) = `);
  }
  line.append(el("strong", { "data-role": "result", "data-value": String(r.result) }, fmt(r.result)));
  arith.append(line);
}

/** The same output cell: {row, col} of a reply, a request or the scan. */
export function sameCell(a, b) {
  return a && b && a.row === b.row && a.col === b.col;
}
