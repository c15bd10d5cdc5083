// The 2-D data view's controls: the training bar (rewind, step a sample / batch / epoch, play and
// pause, learning rate, batch size, optimizer, regularisation, output) and the data column
// (data set, noise, train/test ratio, number of points, seed, the point tools).

import { el } from "../../ui/dom.js";
import { applyChange, currentSetup, pause, request } from "./actions.js";
import { createRewindConfirm } from "../../ui/rewind-confirm.js";
import { OUTPUTS, taskOf } from "./setup.js";
import { createSettingsBox } from "./settings-box.js";

export const SETS = [
  { id: "circle", label: "circle" },
  { id: "xor", label: "XOR" },
  { id: "gauss", label: "two Gaussians" },
  { id: "spiral", label: "spiral" },
  { id: "plane", label: "plane (regression)" },
  { id: "gmm", label: "bumps (regression)" },
  { id: "people", label: "people (shifted)" },
  { id: "people_raw", label: "people (lb, in)" },
  { id: "custom", label: "your points" },
];
const LRS = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const RATES = [0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1];
const COUNTS = [50, 100, 200, 400, 800, 1000];

function select(label, options, value) {
  const s = el("select", { "aria-label": label });
  for (const [v, text] of options) s.append(el("option", { value: String(v) }, text));
  if (value !== undefined) s.value = String(value);
  return s;
}

function btn(text, label, act, cls = "") {
  return el("button", { type: "button", class: cls || null, "data-act": act, "aria-label": label, title: label }, text);
}

export function createPlaneControls({ bar, data }, store) {
  const req = (r) => request(store, r).catch(() => {}); // errors reach the status line
  const change = (c) => applyChange(store, c).catch(() => {});

  // -- the training bar --------------------------------------------------------------------
  const rewindSel = el("select", { "aria-label": "epoch to rewind to", "data-role": "rewind-epoch" });
  const rewindBtn = btn("⟲ Rewind", "Rewind to the chosen epoch (0: the weights before training)", "rewind");
  const stepBtns = [
    btn("+1 sample", "Train on one sample", "sample"),
    btn("+1 batch", "Train on one batch", "batch"),
    btn("+1 epoch", "Train one epoch", "epoch"),
  ];
  const playBtn = btn("▶ Play", "Train epoch after epoch until paused", "play", "primary");
  const counter = el("span", { class: "plane-counter", "data-role": "counter" });
  const lrSel = select("learning rate", LRS.map((v) => [v, String(v)]));
  const bsInput = el("input", { type: "number", min: "1", max: "1024", step: "1", "aria-label": "batch size" });
  const optSel = select("optimizer", [["sgd", "SGD"], ["momentum", "momentum"], ["adam", "Adam"]]);
  const regSel = select("regularisation", [["none", "none"], ["l1", "L1"], ["l2", "L2"]]);
  const rateSel = select("regularisation rate", RATES.map((v) => [v, String(v)]));
  const outSel = el("select", { "aria-label": "output and loss" });
  const outNote = el("span", { class: "hint", "data-role": "task" });
  bar.append(
    el("div", { class: "plane-steps", role: "group", "aria-label": "Training" }, el("span", { class: "plane-rewind" }, rewindSel, rewindBtn), ...stepBtns, playBtn, counter),
    el("div", { class: "plane-hyper", role: "group", "aria-label": "Training settings" },
      el("label", {}, "learning rate ", lrSel), el("label", {}, "batch ", bsInput), el("label", {}, "optimizer ", optSel),
      el("label", {}, "regularisation ", regSel), el("label", {}, "rate ", rateSel),
      el("label", {}, "output ", outSel), outNote),
  );

  const confirmRewind = createRewindConfirm(bar.firstElementChild, store, (epoch) => req({ type: "rewind", epoch }));
  bar.addEventListener("click", (e) => {
    const b = e.target.closest("button[data-act]");
    if (!b) return;
    const act = b.dataset.act;
    if (act === "play") req({ type: store.get("playing") ? "stop" : "play" });
    else if (act === "rewind") {
      if (rewindSel.value !== "") confirmRewind.ask(Number(rewindSel.value));
    } else if (act === "sample") req({ type: "train", unit: "samples", count: 1 });
    else if (act === "batch") req({ type: "train", unit: "batches", count: 1 });
    else if (act === "epoch") req({ type: "train", unit: "epochs", count: 1 });
  });
  lrSel.addEventListener("change", () => change({ settings: { lr: Number(lrSel.value) } }));
  /** The whole number typed in `input` (lo..hi), or null: then the box shows the value in force
   *  again and the status line says what was wrong (nothing is sent). */
  function wholeNumber(input, box, [lo, hi], key, name) {
    const text = input.value.trim();
    const n = Number(text);
    if (text !== "" && Number.isInteger(n) && n >= lo && n <= hi) return n;
    const now = store.get("settings")?.[key];
    box.reset();
    const why = input.validity?.badInput ? "that is not a number" : text === "" ? "the box was empty" : `not ${text}`;
    store.set("status", { level: "error", text: `${name}: type a whole number from ${lo} to ${hi.toLocaleString("en-US")} (${why}); it stays ${now}.` });
    return null;
  }
  // a reply does not write over what the learner is typing here (settings-box.js)
  const bsBox = createSettingsBox(bsInput);
  bsInput.addEventListener("change", () => {
    const n = wholeNumber(bsInput, bsBox, [1, 1024], "batch_size", "Batch size");
    if (n !== null) bsBox.send(bsInput.value, change({ settings: { batch_size: n } }));
  });
  optSel.addEventListener("change", () => change({ settings: { optimizer: optSel.value } }));
  function regChange() {
    const rate = Number(rateSel.value);
    const kind = regSel.value;
    change({ settings: { l1: kind === "l1" ? rate : 0, weight_decay: kind === "l2" ? rate : 0 } });
  }
  regSel.addEventListener("change", regChange);
  rateSel.addEventListener("change", () => {
    if (regSel.value !== "none") regChange();
  });
  outSel.addEventListener("change", () => change({ output: outSel.value }));

  // -- the data column ---------------------------------------------------------------------
  const setBtns = SETS.map((s) => el("button", { type: "button", "data-set": s.id, "aria-pressed": "false" }, s.label));
  const noise = el("input", { type: "range", min: "0", max: "0.5", step: "0.05", "aria-label": "noise" });
  const noiseOut = el("output", {});
  const ratio = el("input", { type: "range", min: "0.1", max: "0.9", step: "0.1", "aria-label": "share of points trained on" });
  const ratioOut = el("output", {});
  const countSel = select("number of points", COUNTS.map((v) => [v, String(v)]));
  const seedInput = el("input", { type: "number", min: "0", max: "4294967295", step: "1", "aria-label": "seed" });
  const reseed = el("button", { type: "button", "data-act": "reseed", title: "New points and new initial weights: the next seed" }, "↻ new points");
  const tools = el("div", { class: "plane-tools", role: "radiogroup", "aria-label": "Clicking the plane" },
    el("button", { type: "button", role: "radio", "data-tool": "add0", class: "tool-0" }, "+ class 0"),
    el("button", { type: "button", role: "radio", "data-tool": "add1", class: "tool-1" }, "+ class 1"),
    el("button", { type: "button", role: "radio", "data-tool": "delete" }, "✕ delete"),
    // touch screens have no hover: this tool's tap (or click, or the keys' cursor) reads the
    // output there, as the hover's tip does, and changes no point
    el("button", { type: "button", role: "radio", "data-tool": "read", class: "tool-read", title: "Read the network's output where you tap or click; no point changes" }, "read"));
  const toolNote = el("p", { class: "hint", "data-role": "tool-note" });
  const shiftNote = el("p", { class: "hint", "data-role": "shift" });
  // two blocks, each kept whole when the column turns into a row (lab.css, below 1180 px)
  data.append(
    el("div", { class: "plane-data-block", "data-block": "set" },
      el("h3", {}, "Data"),
      el("div", { class: "plane-sets", role: "group", "aria-label": "Data set" }, ...setBtns),
      shiftNote,
      el("label", { class: "plane-slider" }, "noise ", noise, noiseOut),
      el("label", { class: "plane-slider" }, "trained on ", ratio, ratioOut),
      el("div", { class: "plane-row" }, el("label", {}, "points ", countSel), el("label", {}, "seed ", seedInput), reseed)),
    el("div", { class: "plane-data-block", "data-block": "points" },
      el("h3", {}, "Your points"),
      tools, toolNote),
  );
  data.addEventListener("click", (e) => {
    const setBtn = e.target.closest("button[data-set]");
    if (setBtn) {
      const set = setBtn.dataset.set;
      if (set === "custom" && !(store.get("settings")?.planar?.points?.length)) {
        // start your own points from the points on screen
        const pts = pointsOnScreen(store);
        change({ planar: { set, points: pts.length ? pts : [[-2, -2, 0], [2, 2, 1]] } });
      } else change({ planar: { set } });
      return;
    }
    const tool = e.target.closest("button[data-tool]");
    if (tool) store.set("planeUi", { ...store.get("planeUi"), tool: tool.dataset.tool });
    if (e.target.closest("[data-act=reseed]")) change({ settings: { seed: (store.get("settings")?.seed ?? 0) + 1 } });
  });
  noise.addEventListener("input", () => { noiseOut.textContent = `${Math.round(Number(noise.value) * 100)}%`; });
  noise.addEventListener("change", () => change({ planar: { noise: Number(noise.value) } }));
  ratio.addEventListener("input", () => { ratioOut.textContent = `${Math.round(Number(ratio.value) * 100)}%`; });
  ratio.addEventListener("change", () => change({ planar: { train_ratio: Number(ratio.value) } }));
  countSel.addEventListener("change", () => change({ planar: { count: Number(countSel.value) } }));
  const seedBox = createSettingsBox(seedInput);
  seedInput.addEventListener("change", () => {
    const n = wholeNumber(seedInput, seedBox, [0, 4294967295], "seed", "Seed");
    if (n !== null) seedBox.send(seedInput.value, change({ settings: { seed: n } }));
  });

  // -- showing the state -------------------------------------------------------------------
  function showSettings() {
    const s = store.get("settings");
    if (!s) return;
    const p = s.planar ?? {};
    const setup = currentSetup(store);
    lrSel.value = String(s.lr);
    if (lrSel.value !== String(s.lr)) {
      lrSel.append(el("option", { value: String(s.lr) }, String(s.lr)));
      lrSel.value = String(s.lr);
    }
    bsBox.show(s.batch_size);
    optSel.value = s.optimizer;
    const kind = s.l1 > 0 ? "l1" : s.weight_decay > 0 ? "l2" : "none";
    regSel.value = kind;
    const rate = kind === "l1" ? s.l1 : kind === "l2" ? s.weight_decay : Number(rateSel.value) || 0.001;
    if (![...rateSel.options].some((o) => Number(o.value) === rate)) rateSel.append(el("option", { value: String(rate) }, String(rate)));
    rateSel.value = String(rate);
    rateSel.disabled = kind === "none";
    outSel.replaceChildren(...Object.entries(OUTPUTS)
      .filter(([, o]) => setup.task === "classification" || o.task === "any")
      .map(([key, o]) => el("option", { value: key }, o.label)));
    outSel.value = setup.output;
    outNote.textContent = setup.task === "regression" ? "regression: a real value per point" : "classification: class 0 or 1";
    for (const b of setBtns) b.setAttribute("aria-pressed", String(b.dataset.set === p.set));
    noise.value = String(p.noise ?? 0);
    noiseOut.textContent = `${Math.round((p.noise ?? 0) * 100)}%`;
    ratio.value = String(p.train_ratio ?? 0.5);
    ratioOut.textContent = `${Math.round((p.train_ratio ?? 0.5) * 100)}%`;
    if (![...countSel.options].some((o) => Number(o.value) === p.count)) countSel.append(el("option", { value: String(p.count) }, String(p.count)));
    countSel.value = String(p.count);
    const generated = !["people", "people_raw", "custom"].includes(p.set);
    noise.disabled = !generated;
    countSel.disabled = !generated;
    seedBox.show(s.seed);
    showTools();
  }
  function showTools() {
    const ui = store.get("planeUi");
    const task = taskOf(store.get("settings")?.planar?.set);
    for (const b of tools.querySelectorAll("button")) {
      b.setAttribute("aria-checked", String(b.dataset.tool === ui.tool));
      b.disabled = task === "regression" && b.dataset.tool !== "read";
    }
    const read = "The read tool: tap or click the plane (or move the keys' cursor) to read the network's output there, as hovering does; no point changes.";
    toolNote.textContent = task === "regression"
      ? `Your own points are classes 0 and 1: pick a classification set to place points. ${read}`
      : `Click the plane to add a point of the chosen class, drag a point to move it. From the keyboard: Tab to the plane, the arrow keys move a cursor, Enter adds a point (on a point: selects it, then the arrow keys move it, Shift farther; Enter or Esc lets go), Delete deletes. Changing the points makes them your own set; the weights start over. ${read}`;
  }
  function showPlanar() {
    const pl = store.get("planar");
    if (pl && pl.shift && (pl.shift[0] || pl.shift[1])) {
      shiftNote.textContent = `Shown shifted by the mean: ${pl.axes[0]} − ${pl.shift[0]}, ${pl.axes[1]} − ${pl.shift[1]} (raw = shown + shift).`;
    } else if (pl && pl.axes && pl.axes[0] !== "x1") {
      shiftNote.textContent = `Raw units: ${pl.axes[0]} across, ${pl.axes[1]} up.`;
    } else shiftNote.textContent = "";
  }
  function showTraining() {
    const training = store.get("training");
    const playing = store.get("playing");
    playBtn.textContent = playing ? "Pause" : "▶ Play";
    playBtn.setAttribute("aria-pressed", String(Boolean(playing)));
    for (const b of stepBtns) b.disabled = training;
    rewindBtn.disabled = training;
    const s = store.get("session");
    const epoch = store.get("epoch");
    const pr = store.get("progress");
    const step = pr?.step ?? s?.step ?? 0;
    counter.textContent = `epoch ${epoch} done · step ${step}`;
    counter.dataset.step = String(step);
    // the list is rebuilt when training stops (while it runs Rewind is off): a long Play would
    // otherwise rebuild thousands of options every epoch
    const key = String(epoch);
    if (!training && rewindSel.dataset.key !== key) {
      const opts = Array.from({ length: epoch + 1 }, (_, e) => e);
      rewindSel.replaceChildren(...opts.map((e) => el("option", { value: String(e) }, e === 0 ? "epoch 0 (start)" : `epoch ${e}`)));
      rewindSel.dataset.key = key;
      rewindSel.value = "0";
    }
  }
  const offs = [
    store.subscribe(["settings", "spec"], showSettings),
    store.subscribe(["planeUi"], showTools),
    store.subscribe(["planar"], showPlanar),
    store.subscribe(["training", "playing", "progress", "epoch", "session"], showTraining),
  ];
  showSettings();
  showPlanar();
  showTraining();
  return { destroy() { offs.forEach((f) => f()); }, pause: () => pause(store) };
}

/** Every point on screen (train and test) as [x1, x2, label] (classification sets only). */
export function pointsOnScreen(store) {
  const pl = store.get("planar");
  if (!pl || pl.task !== "classification") return [];
  const out = [];
  for (const split of ["train", "val"]) {
    const s = pl.splits[split];
    if (!s) continue;
    const n = s.y.data.length;
    for (let i = 0; i < n; i++) out.push([round2(s.x.data[2 * i]), round2(s.x.data[2 * i + 1]), s.y.data[i] >= 0.5 ? 1 : 0]);
  }
  return out;
}

const round2 = (v) => Math.round(v * 100) / 100;
