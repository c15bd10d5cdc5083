// Charts (SVG): loss and accuracy per epoch (train and validation), and the per-batch loss
// as it streams. Every point is a number the server sent.

import { layoutChart, thin } from "../lib/chart.js";

const W = 280;
const H = 110;
const NS = "http://www.w3.org/2000/svg";

function chart(title, series, opts) {
  const c = layoutChart(series, { width: W, height: H, ...opts });
  const axes = [
    ...c.yTicks.map((t) => `<line x1="36" x2="${W - 8}" y1="${c.sy(t)}" y2="${c.sy(t)}" class="grid"/><text x="32" y="${c.sy(t) + 3}" text-anchor="end">${opts.fmt ? opts.fmt(t) : +t.toFixed(3)}</text>`),
    ...c.xTicks.map((t) => `<text x="${c.sx(t)}" y="${H - 5}" text-anchor="middle">${t}</text>`),
  ].join("");
  const lines = series
    .map((s, i) => {
      const dots = s.dots ? s.points.map(([x, y]) => (Number.isFinite(y) ? `<circle class="dot ${s.cls}" cx="${c.sx(x)}" cy="${c.sy(y)}" r="3"><title>${s.name} ${s.cls === "batch" ? "step" : "epoch"} ${x}: ${y.toFixed(4)}</title></circle>` : "")).join("") : "";
      return `<path class="line ${s.cls}" d="${c.paths[i]}"/>${dots}`;
    })
    .join("");
  const legend = series.map((s) => `<span class="key ${s.cls}">${s.name}</span>`).join("");
  return `<figure class="chart" data-chart="${opts.id}"><figcaption>${title} ${legend}</figcaption>
    <svg xmlns="${NS}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${title}">${axes}${lines}</svg></figure>`;
}

export function createCharts(container, store) {
  container.innerHTML = `<div class="charts"><div class="chart-epochs"></div><div class="chart-batches"></div></div>`;
  const epochsEl = container.querySelector(".chart-epochs");
  const batchesEl = container.querySelector(".chart-batches");
  let pendingBatch = 0;

  function drawEpochs() {
    const h = store.get("history");
    if (!h.length) {
      epochsEl.innerHTML = `<p class="hint">Loss and accuracy per epoch appear here after the first epoch.</p>`;
      return;
    }
    const pts = (k) => h.map((e) => [e.epoch, e[k] ?? null]);
    const xDomain = [Math.min(1, h[0].epoch), Math.max(2, h[h.length - 1].epoch)];
    epochsEl.innerHTML =
      chart("Loss per epoch", [
        { name: "train", cls: "train", points: pts("train_loss"), dots: true },
        { name: "validation", cls: "val", points: pts("val_loss"), dots: true },
      ], { id: "epoch-loss", xDomain }) +
      chart("Accuracy per epoch", [
        { name: "train", cls: "train", points: pts("train_acc"), dots: true },
        { name: "validation", cls: "val", points: pts("val_acc"), dots: true },
      ], { id: "epoch-acc", xDomain, fmt: (t) => `${Math.round(t * 100)}%` });
  }

  function drawBatches() {
    pendingBatch = 0;
    const losses = store.get("batchLosses");
    if (!losses.length) {
      batchesEl.innerHTML = "";
      return;
    }
    const pts = thin(losses, 400).map(([i, v]) => [i + 1, v]);
    batchesEl.innerHTML = chart(`Loss per batch (${losses.length} steps)`, [{ name: "batch loss", cls: "batch", points: pts, dots: losses.length <= 30 }], { id: "batch-loss", xDomain: [1, Math.max(2, losses.length)] });
  }

  const offs = [
    store.subscribe(["history"], drawEpochs),
    store.subscribe(["batchLosses"], () => {
      // At most one redraw per frame (the stream is already batched per frame).
      if (!pendingBatch) pendingBatch = requestAnimationFrame(drawBatches);
    }),
  ];
  drawEpochs();
  drawBatches();
  return {
    update() {
      drawEpochs();
      drawBatches();
    },
    destroy() {
      offs.forEach((f) => f());
      container.innerHTML = "";
    },
  };
}
