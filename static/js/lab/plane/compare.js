// The claim, demonstrated: on XOR (or the circle) a network with no hidden layer draws one
// straight boundary and stays near chance; one hidden layer of ReLUs separates the classes.
// One click trains both, one after the other, each in its own short-lived session (your
// session is not touched), with their boundaries side by side as they form.

import { api } from "../../api.js";
import { endRuns, startRuns, trainRun } from "../../lib/temp-runs.js";
import { el } from "../../ui/dom.js";
import { paintGrid } from "./heatmap.js";
import { CLASS_COLOURS } from "./out-pieces.js";
import { planeTransform } from "./points.js";
import { buildSpec } from "./setup.js";
import { createGridCollector } from "./wire.js";

const RUNS = [
  { key: "linear", title: "No hidden layer", hidden: [] },
  { key: "relu", title: "One hidden layer of 4 ReLUs", hidden: [{ units: 4, activation: "relu" }] },
];
const EPOCHS = 60;
const SIZE = 200;

export function createCompare(container, store) {
  const setSel = el("select", { "aria-label": "data set of the comparison" }, el("option", { value: "xor" }, "XOR"), el("option", { value: "circle" }, "circle"));
  const run = el("button", { type: "button", class: "primary", "data-act": "compare" }, "▶ Compare");
  const status = el("p", { class: "hint", "aria-live": "polite", "data-role": "compare-status" });
  const cards = el("div", { class: "compare-cards" });
  const root = el("details", { class: "plane-compare", "data-state": "idle" },
    el("summary", {}, "Why hidden layers: no hidden layer against one of ReLUs"),
    el("p", { class: "hint" },
      `Both start from the same seed and train ${EPOCHS} epochs with Adam on the same points (x₁, x₂ only). `
      + "Without a hidden layer the output is a sigmoid of a straight line's side: it cannot separate XOR or a circle."),
    el("div", { class: "plane-row" }, el("label", {}, "data ", setSel), run), status, cards);
  container.append(root);

  let runs = [];
  let destroyed = false;

  function cleanup() {
    endRuns(runs);
    runs = [];
  }

  run.addEventListener("click", async () => {
    run.disabled = true;
    cleanup();
    root.dataset.state = "running";
    const set = setSel.value;
    const settings = {
      dataset: "planar", planar: { set, noise: 0, train_ratio: 0.6, count: 500, features: ["x1", "x2"], points: null },
      optimizer: "adam", lr: 0.02, batch_size: 8, loss: "bce", seed: store.get("settings")?.seed ?? 0, probe_rate: 0,
    };
    status.textContent = "Making two sessions…";
    const made = await startRuns(RUNS, async (r) => {
      const state = await api.createSession({ spec: buildSpec({ features: 2, hidden: r.hidden, classes: 2 }), settings });
      const planar = await api.planar(state.id);
      const map = el("canvas", { width: "1", height: "1", class: "compare-map" });
      const dots = el("canvas", { width: String(SIZE), height: String(SIZE), class: "compare-points" });
      const verdict = el("p", { class: "compare-verdict", "data-role": "verdict" }, "waiting…");
      const card = el("figure", { class: "compare-card", "data-run": r.key },
        el("figcaption", {}, r.title), el("div", { class: "compare-wrap" }, map, dots), verdict);
      return { ...r, id: state.id, planar, map, dots, verdict, card, acc: null };
    }, { status, button: run, root });
    if (!made) return;
    runs = made;
    cards.replaceChildren(...runs.map((r) => r.card));
    for (const r of runs) drawPoints(r);
    for (const r of runs) {
      if (destroyed) return;
      status.textContent = `Training “${r.title}”…`;
      await train(r);
    }
    const [a, b] = runs;
    status.textContent = a.acc !== null && b.acc !== null
      ? `Test accuracy: ${pct(a.acc)} without a hidden layer, ${pct(b.acc)} with one (chance: 50%).`
      : "Done.";
    root.dataset.state = "done";
    run.disabled = false;
  });

  function train(r) {
    const grids = createGridCollector((g) => drawGrid(r, g));
    r.verdict.textContent = "training…";
    return trainRun(r, { cmd: "train", unit: "epochs", count: EPOCHS, grid: 40 }, (m) => {
      if (grids.accept(m)) return;
      if (m.type === "epoch_end") {
        r.acc = m.val_acc;
        r.verdict.textContent = `epoch ${m.epoch}: test accuracy ${pct(m.val_acc)}`;
      } else if (m.type === "done" || m.type === "error" || m.type === "diverged") {
        if (m.type !== "done") r.verdict.textContent = m.message;
        else if (r.acc !== null) {
          r.verdict.textContent = `test accuracy ${pct(r.acc)}: ${r.acc <= 0.65 ? "near chance, no straight line separates these classes" : "separated"}`;
          r.card.dataset.acc = String(r.acc);
        }
      }
    }, { onOther: (m) => grids.accept(m) });
  }

  function drawGrid(r, grid) {
    const layer = grid.layers.find((l) => l.role === "output") ?? grid.layers.at(-1);
    const S = grid.size;
    if (r.map.width !== S) {
      r.map.width = S;
      r.map.height = S;
    }
    const ctx = r.map.getContext("2d");
    const image = ctx.createImageData(S, S);
    paintGrid(layer.data, 0, S * S, 0, 1, image.data);
    ctx.putImageData(image, 0, 0);
    r.card.dataset.step = String(grid.step);
  }

  function drawPoints(r) {
    const ctx = r.dots.getContext("2d");
    const t = planeTransform({ x: r.planar.extent.x1, y: r.planar.extent.x2 }, SIZE);
    ctx.clearRect(0, 0, SIZE, SIZE);
    for (const split of ["train", "val"]) {
      const s = r.planar.splits[split];
      if (!s) continue;
      for (let i = 0; i < s.y.data.length; i++) {
        const [px, py] = t.toPx(s.x.data[2 * i], s.x.data[2 * i + 1]);
        ctx.beginPath();
        ctx.arc(px, py, 2.5, 0, 2 * Math.PI);
        ctx.fillStyle = CLASS_COLOURS[s.y.data[i] >= 0.5 ? 1 : 0];
        ctx.fill();
        ctx.strokeStyle = split === "val" ? "#111" : "#fff";
        ctx.lineWidth = 0.8;
        ctx.stroke();
      }
    }
  }

  return {
    destroy() {
      destroyed = true;
      cleanup();
    },
  };
}

function pct(v) {
  return v === null || v === undefined ? "–" : `${Math.round(v * 100)}%`;
}
