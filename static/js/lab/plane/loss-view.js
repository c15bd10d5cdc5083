// Train and test loss of the 2-D data view: the numbers at the current weights (the server's
// evaluate, or the stream while training) and their curves over the epochs (lib/chart.js).
// Test points are the session's validation split (docs/protocol.md).

import { el } from "../../ui/dom.js";
import { layoutChart, thin } from "../../lib/chart.js";

const NS = "http://www.w3.org/2000/svg";
const W = 300;
const H = 130;
const MARGIN = { l: 40, r: 8, t: 8, b: 30 };

function svgEl(tag, attrs) {
  const n = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  return n;
}

export function createLossView(container, store) {
  const numbers = el("p", { class: "loss-numbers", "data-role": "loss-numbers" });
  const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img", class: "loss-chart", "aria-label": "train and test loss per epoch" });
  const key = el("p", { class: "hint loss-key" },
    el("span", { class: "key train" }, "train (mean over the epoch)"), " ", el("span", { class: "key val" }, "test (end of the epoch)"));
  const empty = el("p", { class: "hint" }, "The curves of train and test loss start after the first epoch.");
  container.append(el("h3", {}, "Loss"), numbers, svg, key, empty);
  let frame = 0;

  function fmt(v) {
    return v === null || v === undefined || !Number.isFinite(v) ? "–" : v.toFixed(3);
  }
  const pct = (v) => (v === null || v === undefined ? "" : ` (${Math.round(v * 100)}% right)`);

  function showNumbers() {
    const pr = store.get("progress");
    const h = store.get("history");
    const last = h.at(-1);
    if (store.get("training") && pr && pr.running_loss !== undefined) {
      numbers.textContent = `Training loss ${fmt(pr.running_loss)} (this epoch so far)${pct(pr.running_acc)} · test loss ${fmt(last?.val_loss)}${last ? ` (epoch ${last.epoch})` : ""}`;
      numbers.dataset.source = "stream";
      return;
    }
    const ev = store.get("evaluation");
    if (ev) {
      numbers.textContent = `Training loss ${fmt(ev.train?.loss)}${pct(ev.train?.acc)} · test loss ${fmt(ev.val?.loss)}${pct(ev.val?.acc)} at the current weights`;
      numbers.dataset.source = "evaluate";
      numbers.dataset.test = String(ev.val?.loss ?? "");
      numbers.dataset.testAcc = String(ev.val?.acc ?? "");
      numbers.dataset.train = String(ev.train?.loss ?? "");
    }
  }

  function drawChart() {
    frame = 0;
    const h = store.get("history");
    svg.replaceChildren();
    svg.style.display = h.length ? "" : "none";
    key.hidden = !h.length;
    empty.hidden = h.length > 0;
    if (!h.length) return;
    const pts = (k) => thin(h.map((e) => e[k] ?? null), 200).map(([i, v]) => [h[i].epoch, v]);
    const series = [{ cls: "train", points: pts("train_loss") }, { cls: "val", points: pts("val_loss") }];
    const lo = Math.min(0, ...series.flatMap((s) => s.points.map((p) => p[1]).filter(Number.isFinite)));
    const c = layoutChart(series, { width: W, height: H, margin: MARGIN, inset: { x: 4, y: 4 }, xDomain: [Math.min(0, h[0].epoch), Math.max(2, h.at(-1).epoch)],
      yDomain: [lo, Math.max(lo + 1e-6, ...series.flatMap((s) => s.points.map((p) => p[1]).filter(Number.isFinite)))] });
    const bottom = H - MARGIN.b;
    for (const t of c.yTicks) {
      svg.append(svgEl("line", { x1: MARGIN.l, x2: W - MARGIN.r, y1: c.sy(t), y2: c.sy(t), class: "grid" }));
      const label = svgEl("text", { x: MARGIN.l - 4, y: c.sy(t) + 3, "text-anchor": "end" });
      label.textContent = String(+t.toFixed(3));
      svg.append(label);
    }
    svg.append(svgEl("line", { x1: MARGIN.l, x2: W - MARGIN.r, y1: bottom, y2: bottom, class: "axis" }));
    for (const t of c.xTicks) {
      const label = svgEl("text", { x: c.sx(t), y: bottom + 12, "text-anchor": "middle" });
      label.textContent = String(t);
      svg.append(label);
    }
    const title = svgEl("text", { x: (MARGIN.l + W - MARGIN.r) / 2, y: H - 3, "text-anchor": "middle", class: "axis-title" });
    title.textContent = "epoch";
    svg.append(title);
    series.forEach((s, i) => {
      svg.append(svgEl("path", { d: c.paths[i], class: `line ${s.cls}` }));
      if (h.length <= 30) {
        for (const [x, y] of s.points) if (Number.isFinite(y)) svg.append(svgEl("circle", { cx: c.sx(x), cy: c.sy(y), r: 2.5, class: `dot ${s.cls}` }));
      }
    });
    svg.dataset.epochs = String(h.length);
  }

  const offs = [
    store.subscribe(["progress", "evaluation", "history", "training"], showNumbers),
    store.subscribe(["history"], () => {
      if (!frame) frame = requestAnimationFrame(drawChart);
    }),
  ];
  showNumbers();
  drawChart();
  return { destroy() { offs.forEach((f) => f()); } };
}
