// Learning rate, seen: the same model from the same seed trained three times, with a small, a
// good and a too-large learning rate, each in its own short-lived session. Their loss curves
// (per optimizer step, as the server streamed them) share one chart, and each run gets its
// own loss surface with its path: creeping, descending, overshooting or diverging.

import { api } from "../api.js";
import { readStuck } from "../lib/stuck-kind.js";
import { endRuns, startRuns, trainRun } from "../lib/temp-runs.js";
import { el, button } from "../ui/dom.js";
import { keepTyped } from "../lib/keep-typed.js";
import { fmt } from "../ui/colors.js";
import { createLandscape } from "./landscape.js";
import { TICK_PX } from "./plot.js";

// Colour-blind-safe trio (Okabe-Ito) plus distinct dash patterns.
const RUNS = [
  { key: "small", label: "small", factor: 0.1, color: "#0072B2", dash: [6, 3] },
  { key: "good", label: "good", factor: 1, color: "#009E73", dash: [] },
  { key: "large", label: "too large", factor: 30, color: "#D55E00", dash: [2, 2] },
];

export function createLrCompare(container, store) {
  const root = el("section", { class: "nn-lr-compare", "data-view": "lr-compare", "data-state": "idle" });
  container.append(root);
  const base = () => (store.get("settings") || {}).lr || 0.05;
  const inputs = RUNS.map((r) => el("input", { type: "number", step: "any", min: "0.00001", max: "10",
    value: String(+(base() * r.factor).toPrecision(2)), "aria-label": `${r.label} learning rate` }));
  const boxes = inputs.map(keepTyped);
  const epochsSel = el("select", { "aria-label": "Epochs per run" }, ...[1, 2, 3, 4].map((n) => el("option", { value: String(n) }, `${n}`)));
  epochsSel.value = "3";
  const sizeSel = el("select", { "aria-label": "Training examples per run" }, ...[500, 1000, 2000, 4000].map((n) => el("option", { value: String(n) }, `${n}`)));
  sizeSel.value = "2000";
  const runBtn = button("▶ Run the three trainings", "Train the same model three times with these learning rates", run, "nn-play");
  const status = el("p", { class: "nn-note", "aria-live": "polite" });
  const chart = el("canvas", { width: "520", height: "220", role: "img", class: "nn-lr-chart" });
  const key = el("div", { class: "nn-seq-legend" });
  for (const r of RUNS) {
    const sw = el("canvas", { width: "28", height: "10", "aria-hidden": "true" });
    const c = sw.getContext("2d");
    c.strokeStyle = r.color; c.lineWidth = 2.5; c.setLineDash(r.dash);
    c.beginPath(); c.moveTo(0, 5); c.lineTo(28, 5); c.stroke();
    key.append(sw, `${r.label} `);
  }
  const runsBox = el("div", { class: "nn-lr-runs" });
  root.append(
    el("h3", { class: "nn-detail-title" }, "Learning rate, seen"),
    el("p", { class: "nn-detail-blurb" },
      "The same network from the same seed, trained three times on the same data. Too small a step creeps; "
      + "a good one descends; too large a step overshoots the valley or diverges. (Runs in three temporary sessions; your model is not touched.)"),
    el("div", { class: "nn-controls", role: "group", "aria-label": "Learning-rate comparison" },
      ...RUNS.map((r, i) => el("label", {}, `${r.label} lr `, inputs[i])),
      el("label", {}, "epochs ", epochsSel), el("label", {}, "examples ", sizeSel), runBtn),
    status, el("figure", { class: "nn-fig" }, el("figcaption", {}, "training loss per step"), chart, key), runsBox);

  let runs = [];
  let destroyed = false;
  // the panel narrower or wider: the chart drawn again at its new width
  const resized = typeof ResizeObserver === "function" ? new ResizeObserver(() => {
    if (root.clientWidth && runs.length) drawChart();
  }) : null;
  resized?.observe(root);

  async function cleanup() {
    for (const r of runs) if (r.view) r.view.destroy();
    endRuns(runs);
    runs = [];
  }

  async function run() {
    const spec = store.get("spec");
    if (!spec) { status.textContent = "No network yet."; return; }
    runBtn.disabled = true;
    await cleanup();
    runsBox.replaceChildren();
    root.dataset.state = "running";
    const settings = { ...(store.get("settings") || {}) };
    const epochs = Number(epochsSel.value);
    status.textContent = "Creating three sessions…";
    const made = await startRuns(RUNS, async (r, i) => {
      const lr = Number(inputs[i].value);
      const state = await api.createSession({ spec, settings: { ...settings, lr, dataset_size: Number(sizeSel.value), probe_rate: 0 } });
      const box = el("div", { class: "nn-lr-run", "data-run": r.key },
        el("h5", { style: `color:${r.color}` }, `${r.label}: lr ${lr}`), el("p", { class: "nn-note", "data-role": "run-status" }, "waiting…"));
      return { ...r, lr, id: state.id, losses: [], epochs: [], box, done: false, diverged: null };
    }, { status, button: runBtn, root });
    if (!made) return;
    runs = made;
    runsBox.replaceChildren(...runs.map((r) => r.box));
    status.textContent = `Training ${epochs} epoch${epochs > 1 ? "s" : ""} three times…`;
    // one run after another: the machine has few cores, and each run's curve is live anyway
    for (const r of runs) {
      if (destroyed) return;
      r.box.querySelector("[data-role=run-status]").textContent = "training…";
      await train(r, epochs);
      drawChart();
      const runStatus = r.box.querySelector("[data-role=run-status]");
      runStatus.textContent = r.diverged
        ? `diverged at step ${r.diverged.step}: ${r.diverged.message}`
        : outcome(r);
      const stuck = readStuck(r.epochs.at(-1)?.stuck);
      if (stuck) runStatus.title = stuck.message;
      if (!r.diverged) {
        r.view = createLandscape(r.box, store, { sessionId: r.id, compact: true, manual: true, grid: 11, directions: "pca" });
        await r.view.compute();
      } else {
        r.box.append(el("p", { class: "nn-note" }, "No surface: the weights left the finite numbers."));
      }
    }
    status.textContent = "Done. Compare the curves and the paths.";
    root.dataset.state = "done";
    runBtn.disabled = false;
  }

  function train(r, epochs) {
    return trainRun(r, { cmd: "train", unit: "epochs", count: epochs }, (msg) => {
      if (msg.type === "progress") {
        r.losses.push(msg.loss);
        if (r.losses.length % 5 === 0) drawChart();
      } else if (msg.type === "epoch_end") {
        r.epochs.push(msg);
      } else if (msg.type === "diverged") {
        r.diverged = msg;
      } else if (msg.type === "error") {
        r.diverged = { step: "?", message: msg.message };
      }
    });
  }

  // The run's result: the last epoch's validation loss (the end-of-epoch weights on held-out
  // data), which a single noisy batch loss is not; and the server's word when that epoch did
  // worse than guessing or ended at chance level (epoch_end.stuck), where too large a step
  // often strands a network.
  function outcome(r) {
    const last = r.epochs.at(-1);
    const val = last?.val_loss;
    const train = last?.train_loss;
    const final = Number.isFinite(val) ? val : train;
    const name = Number.isFinite(val) ? "validation" : "training";
    const kind = readStuck(last?.stuck)?.kind; // epoch_end.stuck: {kind, message} or null
    const stuck = !kind ? "" : kind === "worse" ? ": worse than guessing, the learning rate is too large"
      : ": stuck at chance level, it predicts every class alike";
    return `final ${name} loss ${fmt(final)} after ${r.losses.length} steps${stuck}`
      + (Number.isFinite(train) ? ` (training loss over the last epoch ${fmt(train)})` : "");
  }

  // The chart is drawn at real size, as wide as its figure allows (at most 520 px): scaled down
  // to a phone's width its numbers were 6 px.
  function fitChart() {
    const room = Math.floor(root.clientWidth) - 4;
    const width = Math.max(240, Math.min(520, room > 0 ? room : 520));
    if (chart.width !== width) chart.width = width;
  }

  function drawChart() {
    fitChart();
    const ctx = chart.getContext("2d");
    const w = chart.width;
    const h = chart.height;
    const m = { l: 44, r: 10, t: 10, b: 26 };
    ctx.clearRect(0, 0, w, h);
    const all = runs.flatMap((r) => r.losses).filter(Number.isFinite);
    if (!all.length) return;
    const steps = Math.max(...runs.map((r) => r.losses.length));
    const first = runs.map((r) => r.losses[0]).filter(Number.isFinite);
    const yMax = Math.min(Math.max(...all), 2 * Math.max(...first, 0.1));
    const X = (i) => m.l + (i / Math.max(1, steps - 1)) * (w - m.l - m.r);
    const Y = (v) => m.t + (1 - Math.min(v, yMax) / yMax) * (h - m.t - m.b);
    ctx.strokeStyle = "#ccc";
    ctx.strokeRect(m.l, m.t, w - m.l - m.r, h - m.t - m.b);
    ctx.fillStyle = "#333";
    ctx.font = `${TICK_PX}px system-ui, sans-serif`;
    ctx.textAlign = "right";
    ctx.fillText(fmt(yMax, 3), m.l - 4, m.t + 8);
    ctx.fillText("0", m.l - 4, h - m.b);
    ctx.textAlign = "center";
    ctx.fillText(`optimizer step (0 – ${steps})`, w / 2, h - 8);
    for (const r of runs) {
      ctx.strokeStyle = r.color;
      ctx.lineWidth = 2;
      ctx.setLineDash(r.dash);
      ctx.beginPath();
      r.losses.forEach((v, i) => {
        if (!Number.isFinite(v)) return;
        if (i === 0) ctx.moveTo(X(i), Y(v)); else ctx.lineTo(X(i), Y(v));
      });
      ctx.stroke();
      if (r.diverged) {
        ctx.setLineDash([]);
        ctx.fillStyle = r.color;
        ctx.fillText("✕ diverged", X(r.losses.length - 1), m.t + 20);
      }
    }
    ctx.setLineDash([]);
    chart.setAttribute("aria-label", runs.map((r) => `${r.label} (lr ${r.lr}): ${r.diverged ? "diverged" : `loss ${fmt(r.losses[0])} to ${fmt(r.losses.at(-1))}`}`).join("; "));
  }

  return {
    update(changed) {
      // follow the page's learning rate only when its settings change and nothing has run
      if (changed && !changed.has("settings")) return;
      // a box the learner is typing in, or has typed a rate into, keeps it (keep-typed.js)
      if (root.dataset.state === "idle") RUNS.forEach((r, i) => { boxes[i].show(+(base() * r.factor).toPrecision(2)); });
    },
    destroy() { destroyed = true; resized?.disconnect(); cleanup(); root.remove(); },
  };
}
