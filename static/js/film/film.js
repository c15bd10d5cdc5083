// The training step as a film: the forward sweep layer by layer, the loss, the backward sweep
// from the loss to the first layer (dL/d(output) maps, each kernel's dL/dW), then the update
// (each kernel before, the change, and after). Every tensor comes from the server's trace
// (WebSocket `trace` command); the browser only draws and indexes. This is the container: its
// controls, the recording and the layer strip; focus.js draws the frame, pictures.js the maps.

import { createAnimator } from "../ui/animator.js";
import { fmt } from "../ui/colors.js";
import { el, button, clear } from "../ui/dom.js";
import { filmFrames, frameCaption, layerStatus } from "./frames.js";
import { recordTrace } from "./record.js";
import { renderFocus } from "./focus.js";
import { thumbs, deadTitle } from "./pictures.js";
import { createLossLabel, lossLabelPhrase } from "./loss-label.js";
import { deadWord } from "../lib/dead-text.js";

const SPEEDS = [0.5, 1, 2, 4];

export function createFilm(container, store) {
  const root = el("section", { class: "nn-film", "data-view": "film", "data-state": "empty" });
  container.append(root);
  const recordBtn = button("● Record one training step", "Record one training step on the current input", record, "nn-record");
  const playBtn = button("▶ Play", "Play the film", () => animator && animator.toggle(), "nn-play");
  const backBtn = button("◀", "Previous frame", () => animator && animator.step(-1));
  const stepBtn = button("▶|", "Next frame", () => animator && animator.step(1));
  const scrub = el("input", { type: "range", min: "0", max: "0", value: "0", "aria-label": "Film position", class: "nn-scrub" });
  scrub.addEventListener("input", () => animator && animator.seek(Number(scrub.value)));
  const speedSel = el("select", { "aria-label": "Film speed in frames per second" });
  for (const s of SPEEDS) speedSel.append(el("option", { value: String(s) }, `${s} frames/s`));
  speedSel.value = "1";
  speedSel.addEventListener("change", () => animator && animator.setSpeed(Number(speedSel.value)));
  const position = el("span", { class: "nn-position", "aria-live": "polite" });
  const status = el("p", { class: "nn-hint" },
    "Record a training step to watch it: the input flows forward, the loss is measured, the gradient flows back, and the weights move. "
    + "(The step is traced on the current input; it does not change your model.)");
  const phase = el("p", { class: "nn-film-phase", "aria-live": "polite" });
  const strip = el("div", { class: "nn-film-strip", role: "list", "aria-label": "layers of the network" });
  const focus = el("div", { class: "nn-film-focus" });
  const controls = el("div", { class: "nn-controls", role: "group", "aria-label": "Film controls" },
    recordBtn, backBtn, playBtn, stepBtn, scrub, el("label", {}, "speed ", speedSel), position);
  const lossLabel = createLossLabel(store);
  root.append(el("h3", { class: "nn-detail-title" }, "One training step, as a film"), status, lossLabel.node, controls, phase, strip, focus);
  for (const b of [playBtn, backBtn, stepBtn]) b.disabled = true;
  scrub.disabled = true;

  let trace = null;
  let frames = [];
  let animator = null;
  let cards = [];
  let pending = 0; // recordings asked for
  let recorded = ""; // what was recorded: the first part of the status line
  let traceSource = null; // where the trace's label came from: "sample" or "chosen"

  function record() {
    if (!store.get("sessionId")) {
      status.textContent = "No session yet.";
      return;
    }
    const target = lossLabel.current();
    if (target.label === null) {
      status.textContent = "Choose the label first: the loss of a training step is measured against the label the input should have.";
      lossLabel.ask();
      return;
    }
    root.dataset.state = "recording";
    status.textContent = "Recording: the server runs one forward and backward pass…";
    const mine = ++pending; // only the latest recording is shown
    recordTrace(store, { label: target.label }).then(
      (done) => mine === pending && load(done, target.source),
      (err) => {
        if (mine !== pending) return;
        root.dataset.state = trace ? "ready" : "empty";
        status.textContent = `The server refused the trace: ${err.message}`;
      },
    );
  }

  function load(t, source) {
    trace = t;
    traceSource = source;
    frames = filmFrames(t);
    if (animator) animator.destroy();
    animator = createAnimator({ count: frames.length, speed: Number(speedSel.value) });
    animator.subscribe(show);
    scrub.max = String(frames.length - 1);
    for (const b of [playBtn, backBtn, stepBtn]) b.disabled = false;
    scrub.disabled = false;
    recorded = `Recorded: loss ${fmt(t.loss)} for ${lossLabelPhrase(labelNames(), t.label, source)}; the network predicted ${labelName(t.prediction)}.`;
    root.dataset.label = String(t.label);
    buildStrip();
    root.dataset.state = "ready";
    show(animator.state());
  }

  function labelNames() {
    return (store.get("lastForward") || {}).class_names || store.get("classNames") || [];
  }

  function labelName(i) {
    const names = labelNames();
    return i === undefined || i === null ? "?" : names[i] ?? String(i);
  }

  function tensor(layer, kind) {
    return trace.tensors[`${layer}.${kind}`] || null;
  }

  function buildStrip() {
    clear(strip);
    cards = [];
    const inputCard = el("div", { class: "nn-film-layer", role: "listitem" }, el("h5", {}, "input"));
    const inp = tensor("input", "input");
    if (inp) inputCard.append(thumbs(inp, 48, 1));
    strip.append(inputCard);
    trace.layers.forEach((l) => {
      const card = el("div", { class: "nn-film-layer", role: "listitem", "data-layer": l.name },
        el("h5", {}, `${l.name}`), el("div", { class: "nn-film-maps" }));
      const dead = trace.dead && trace.dead[l.name];
      if (dead !== undefined && dead !== null) {
        // of units (each value of each map), not of maps: the network's column counts dead maps
        card.append(el("span", { class: "nn-dead", title: deadTitle(trace.dead_batch) }, `${(100 * dead).toFixed(0)}% of units ${deadWord(l.type)}`));
      }
      strip.append(card);
      cards.push(card);
    });
    root._inputCard = inputCard;
  }

  function show(state) {
    const at = state.index;
    const frame = frames[at];
    scrub.value = String(at);
    position.textContent = `frame ${at + 1} of ${frames.length}`;
    playBtn.textContent = state.playing ? "❚❚ Pause" : "▶ Play";
    playBtn.setAttribute("aria-pressed", String(state.playing));
    root.dataset.frame = String(at);
    root.dataset.frames = String(frames.length);
    root.dataset.phase = frame.phase;
    root.dataset.state = state.playing ? "playing" : state.atEnd ? "done" : "ready";
    showStatus(state);
    phase.textContent = frameCaption(frame);
    root._inputCard.classList.toggle("nn-active", frame.phase === "input");
    trace.layers.forEach((l, i) => {
      const s = layerStatus(frames, at, i);
      const card = cards[i];
      card.classList.toggle("nn-active", s.active);
      card.classList.toggle("nn-done-forward", s.forward && !s.backward);
      card.classList.toggle("nn-done-backward", s.backward);
      const maps = card.querySelector(".nn-film-maps");
      const kind = s.backward ? "grad_output" : s.forward ? "output" : null;
      if (maps.dataset.kind !== String(kind)) {
        maps.dataset.kind = String(kind);
        clear(maps);
        const t = kind && tensor(l.name, kind);
        if (t) maps.append(thumbs(t, 22, 8));
        else if (kind === "grad_output") maps.append(el("span", { class: "nn-note" }, "fused with the loss"));
      }
    });
    renderFocus(focus, trace, frame, { names: labelNames(), source: traceSource });
  }

  // The status line: what was recorded, then what pressing play does from here.
  function showStatus(state) {
    const updates = frames.some((f) => f.phase === "update");
    const next = state.playing ? "Playing…"
      : state.atEnd ? "End of the step. Press play to watch it again."
        : state.index === 0 ? "Press play." : "Press play to go on.";
    const text = `${recorded} ${next}`
      + (updates ? "" : " (No update is shown: this model has not been trained yet, so it has no optimizer to take the step.)");
    if (status.textContent !== text) status.textContent = text;
  }

  return {
    update() {},
    destroy() {
      if (animator) animator.destroy();
      pending += 1; // a recording still under way is not shown
      lossLabel.destroy();
      root.remove();
    },
  };
}
