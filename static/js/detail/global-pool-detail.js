// Global-pool detail: one channel's whole map and the one number it becomes, its max (the
// winning cell marked) or its mean (sum / count), all from the engine's cell reply.

import { fetchCell } from "./data.js";
import { createGridRenderer } from "../ui/grid.js";
import { absMax, fmt, createDivergingLegend } from "../ui/colors.js";
import { el } from "../ui/dom.js";

export function createGlobalPoolDetail(container, store) {
  const root = el("section", { class: "nn-detail nn-gpool-detail", "data-view": "global-pool-detail", "data-state": "loading" });
  container.append(root);
  const title = el("h3", { class: "nn-detail-title" });
  const blurb = el("p", { class: "nn-detail-blurb" });
  const figs = el("div", { class: "nn-stage" });
  const arith = el("p", { class: "nn-eq nn-final", "aria-live": "polite", "data-role": "arithmetic" });
  root.append(title, blurb, figs, arith);
  let token = 0;
  let destroyed = false;

  async function render() {
    const detail = store.get("detail") || {};
    const channel = Math.max(0, Number(detail.channel) || 0);
    const mine = ++token;
    title.textContent = `${detail.layer} · channel ${channel}: global pooling`;
    let r;
    try {
      r = await fetchCell(store.get("sessionId"), { layer: detail.layer, channel, row: 0, col: 0 });
    } catch (err) {
      if (mine === token && !destroyed) {
        arith.replaceChildren(el("span", { class: "nn-error", role: "alert" }, err.message));
        root.dataset.state = "error";
      }
      return;
    }
    if (destroyed || mine !== token) return;
    const [H, W] = r.window.shape;
    const max = r.mode === "max";
    blurb.textContent = max
      ? `Global max pooling keeps one number per channel: the largest of all ${H}×${W} values of the map (marked). `
        + "Where it is does not matter, only how strongly the map responded somewhere."
      : `Global average pooling keeps one number per channel: the mean of all ${H}×${W} values of the map, `
        + "how strongly the map responded overall.";
    const lim = absMax(r.window.data);
    const size = Math.max(6, Math.min(28, Math.floor(320 / Math.max(H, W))));
    const canvas = el("canvas", { role: "img", "aria-label": `${detail.layer} input map of channel ${channel}, ${H} by ${W}` });
    createGridRenderer(canvas).draw({ rows: H, cols: W, cellSize: size, gap: size > 8 ? 1 : 0, limit: lim,
      numbers: size >= 24, digits: 2, value: (i, j) => r.window.data[i * W + j],
      highlights: max && r.winner ? [{ row: r.winner[0], col: r.winner[1], color: "#111", width: 3 }] : [] });
    figs.replaceChildren(el("figure", { class: "nn-fig" }, el("figcaption", {}, `the map it reads (channel ${channel})`),
      canvas, createDivergingLegend(document, lim, "value")));
    const result = el("strong", { "data-role": "result", "data-value": String(r.result) }, fmt(r.result));
    if (max) {
      arith.replaceChildren(`max over ${r.count} values = `, result, ` at (${r.winner[0]}, ${r.winner[1]})`);
    } else {
      arith.replaceChildren(el("span", { "data-role": "sum", "data-value": String(r.sum) }, `sum ${fmt(r.sum)}`),
        ` / ${r.count} values = `, result);
    }
    root.dataset.state = "ready";
  }

  render();
  return {
    update() { render(); },
    destroy() { destroyed = true; root.remove(); },
  };
}
