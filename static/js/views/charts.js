// Charts (SVG): loss and accuracy per epoch (train and validation), and the per-batch loss
// as it streams. Every point is a number the server sent.

import { el, svgEl } from "../ui/dom.js";
import { layoutChart, thin, tickLabels } from "../lib/chart.js";
import { createDrawScheduler } from "../lib/draw-scheduler.js";
import { watchOnScreen } from "../ui/on-screen.js";

// While an epoch streams, a step arrives every frame or faster; the batch chart is redrawn at
// most this often (ms), and only while it is on screen (docs/frontend.md, "Staying smooth").
export const BATCH_CHART_INTERVAL = 100;

const W = 280;
const H = 124; // plot box, tick labels, then the x-axis title
const MARGIN = { l: 36, r: 8, t: 8, b: 32 };
const INSET = { x: 10, y: 6 }; // the first and last epochs and the extreme values stay off the box edge

function chart(title, series, opts) {
  const c = layoutChart(series, { width: W, height: H, margin: MARGIN, inset: INSET, ...opts });
  const bottom = H - MARGIN.b;
  // as many decimals as tell the ticks apart (at least 3 for a loss, whole percents if enough)
  const yLabels = tickLabels(c.yTicks, opts.percent ? { scale: 100, suffix: "%", trim: false } : { min: 3 });
  const axes = [
    ...c.yTicks.flatMap((t, i) => [
      svgEl("line", { x1: MARGIN.l, x2: W - MARGIN.r, y1: c.sy(t), y2: c.sy(t), class: "grid" }),
      svgEl("text", { x: MARGIN.l - 4, y: c.sy(t) + 3, "text-anchor": "end" }, yLabels[i]),
    ]),
    svgEl("line", { x1: MARGIN.l, x2: W - MARGIN.r, y1: bottom, y2: bottom, class: "axis" }),
    ...c.xTicks.flatMap((t) => [
      svgEl("line", { x1: c.sx(t), x2: c.sx(t), y1: bottom, y2: bottom + 3, class: "axis" }),
      svgEl("text", { x: c.sx(t), y: bottom + 12, "text-anchor": "middle" }, t),
    ]),
    opts.xTitle ? svgEl("text", { class: "axis-title", x: (MARGIN.l + W - MARGIN.r) / 2, y: H - 3, "text-anchor": "middle" }, opts.xTitle) : null,
  ];
  const lines = series.flatMap((s, i) => {
    const dots = s.dots ? s.points.filter(([, y]) => Number.isFinite(y)).map(([x, y]) =>
      svgEl("circle", { class: `dot ${s.cls}`, cx: c.sx(x), cy: c.sy(y), r: 3 },
        svgEl("title", {}, `${s.name} ${s.cls === "batch" ? "step" : "epoch"} ${x}: ${y.toFixed(4)}`))) : [];
    return [svgEl("path", { class: `line ${s.cls}`, d: c.paths[i] }), ...dots];
  });
  const legend = series.map((s) => el("span", { class: `key ${s.cls}` }, s.name));
  return el("figure", { class: "chart", "data-chart": opts.id },
    el("figcaption", {}, `${title} `, ...legend),
    svgEl("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img", "aria-label": `${title}${opts.xTitle ? ` by ${opts.xTitle}` : ""}` }, ...axes, ...lines));
}

export function createCharts(container, store) {
  const epochsEl = el("div", { class: "chart-epochs" });
  const batchesEl = el("div", { class: "chart-batches" });
  container.replaceChildren(el("div", { class: "charts" }, epochsEl, batchesEl));

  function drawEpochs() {
    const h = store.get("history");
    if (!h.length) {
      epochsEl.replaceChildren(el("p", { class: "hint" }, "Loss and accuracy per epoch appear here after the first epoch."));
      return;
    }
    const pts = (k) => h.map((e) => [e.epoch, e[k] ?? null]);
    const xDomain = [Math.min(1, h[0].epoch), Math.max(2, h[h.length - 1].epoch)];
    epochsEl.replaceChildren(
      chart("Loss per epoch", [
        { name: "train", cls: "train", points: pts("train_loss"), dots: true },
        { name: "validation", cls: "val", points: pts("val_loss"), dots: true },
      ], { id: "epoch-loss", xDomain, xTitle: "epoch" }), ...rmseNote(h[h.length - 1]),
      chart("Accuracy per epoch", [
        { name: "train", cls: "train", points: pts("train_acc"), dots: true },
        { name: "validation", cls: "val", points: pts("val_acc"), dots: true },
      ], { id: "epoch-acc", xDomain, xTitle: "epoch", percent: true }));
  }

  // Under squared error the loss is in squared units; its root (the server's) reads as a
  // typical distance between output and target.
  function rmseNote(last) {
    if (last.train_rmse === null || last.train_rmse === undefined) return [];
    const val = Number.isFinite(last.val_rmse) ? `, validation ${last.val_rmse.toFixed(4)}` : "";
    return [el("p", { class: "hint chart-rmse" }, `Loss is the mean squared error; its root (RMSE) after epoch ${last.epoch}: train ${last.train_rmse.toFixed(4)}${val}.`)];
  }

  function drawBatches() {
    const losses = store.get("batchLosses");
    if (!losses.length) {
      batchesEl.replaceChildren();
      return;
    }
    const from = store.get("batchLossesFrom") ?? 0;
    const pts = thin(losses, 400).map(([i, v]) => [from + i + 1, v]);
    const steps = from + losses.length;
    const title = from ? `Loss per batch (last ${losses.length} of ${steps} steps)` : `Loss per batch (${steps} steps)`;
    batchesEl.replaceChildren(chart(title, [{ name: "batch loss", cls: "batch", points: pts, dots: losses.length <= 30 }], { id: "batch-loss", xDomain: [from + 1, Math.max(from + 2, steps)], xTitle: "optimizer step" }));
  }

  // sync: the store is updated from the stream's animation frame; draw in that same frame.
  const batches = createDrawScheduler(drawBatches, { minInterval: BATCH_CHART_INTERVAL, sync: true });
  const offs = [
    store.subscribe(["history"], drawEpochs),
    store.subscribe(["batchLosses"], () => batches.request()),
    watchOnScreen(batchesEl, (v, printing) => {
      batches.setVisible(v);
      if (printing) batches.flush();
    }),
  ];
  drawEpochs();
  batches.drawNow();
  return {
    update() {
      drawEpochs();
      batches.drawNow();
    },
    destroy() {
      batches.destroy();
      offs.forEach((f) => f());
      container.replaceChildren();
    },
  };
}
