// Typing the network's input: a grid of number boxes per channel when the network takes a
// small input (a textbook's 4x4 image, three logits), a box to paste C*H*W numbers into for
// any other input but MNIST's 1x28x28. Any real numbers; they go to the network as they are
// (store.input = {kind: "values", values, shape}), with no preprocessing. A preset with an
// `example` fills the grid with it; otherwise it starts at zeros.

import { PRESETS } from "../lib/presets.js";
import { el } from "../ui/dom.js";
import { specToParams } from "../lib/urlstate.js";
import { parseCell, parseValues, typedGridFits } from "../lib/values.js";

export function createValues(container, store) {
  const shapeEl = el("span", { class: "values-shape" });
  const summary = el("summary", {}, el("span", {}, "Type the input"), " ", shapeEl);
  const hint = el("p", { class: "hint" }, "Any real numbers, fed to the network exactly as typed "
    + "(no preprocessing). A drawing or an upload is shrunk to this size instead.");
  const grids = el("div", { class: "values-grids" });
  const area = el("textarea", { rows: 4, spellcheck: "false", "aria-label": "input values, channel by channel, row by row",
    placeholder: "numbers separated by spaces, commas or new lines" });
  const pasteBtn = el("button", { type: "button", class: "primary values-feed" }, "Feed these numbers");
  const paste = el("div", { class: "values-paste" }, area, pasteBtn);
  const fill = el("button", { type: "button", class: "values-fill" }, "Copy what the network sees");
  const state = el("span", { class: "values-state", "aria-live": "polite" });
  const actions = el("div", { class: "editor-actions" }, fill, state);
  const details = el("details", { class: "values", open: true }, summary, hint, grids, paste, actions);
  container.append(details);

  let shape = null; // [C, H, W] of the grid on screen, or null when hidden
  let shownExample = null; // the preset example last put in the boxes
  let version = 0;
  let scheduled = false;

  function example(spec) {
    const arch = specToParams(spec);
    const hit = Object.values(PRESETS).find((p) => {
      const q = specToParams(p.spec);
      return p.example && q.in === arch.in && q.arch === arch.arch;
    });
    return hit?.example?.values ?? null;
  }

  function build(spec) {
    const { channels: c, height: h, width: w } = spec.input;
    shape = [c, h, w];
    shapeEl.textContent = `(${c}×${h}×${w})`;
    grids.replaceChildren();
    const small = typedGridFits(spec.input);
    grids.hidden = !small;
    paste.hidden = small;
    details.open = small;
    hint.textContent = small
      ? "Any real numbers, fed to the network exactly as typed (no preprocessing). A drawing or an upload is shrunk to this size instead."
      : `Paste ${c * h * w} numbers (channel by channel, row by row): any real values, fed to the network as they are. Drawings and uploads are framed into ${h}×${w}.`;
    if (!small) {
      area.value = "";
      shownExample = null;
      return;
    }
    shownExample = example(spec);
    const start = shownExample ?? new Array(c * h * w).fill(0);
    for (let ch = 0; ch < c; ch++) {
      const box = document.createElement("fieldset");
      box.className = "values-channel";
      const legend = document.createElement("legend");
      // channels numbered from 0, as the network's maps and the softmax's classes are
      legend.textContent = c === 1 ? "values" : h * w === 1 ? `value ${ch}` : `channel ${ch}`;
      const grid = document.createElement("div");
      grid.className = "kgrid values-grid";
      grid.style.gridTemplateColumns = `repeat(${w}, 4.2em)`;
      for (let r = 0; r < h; r++) {
        for (let col = 0; col < w; col++) {
          const input = document.createElement("input");
          input.type = "text";
          input.inputMode = "decimal";
          input.value = String(start[ch * h * w + r * w + col]);
          // rows and columns from 0 too, as the detail views' cells are
          const where = h * w === 1 ? `value ${ch}` : `${c > 1 ? `channel ${ch} ` : ""}row ${r} column ${col}`;
          input.setAttribute("aria-label", `input ${where}`);
          grid.append(input);
        }
      }
      box.append(legend, grid);
      grids.append(box);
    }
  }

  /** The numbers to send, or null (and what is wrong said) if they do not fit. */
  function read() {
    if (!grids.hidden) return readGrid();
    const r = parseValues(area.value, shape.reduce((a, b) => a * b, 1));
    area.setAttribute("aria-invalid", String(Boolean(r.error)));
    state.textContent = r.error ?? "";
    return r.values ?? null;
  }

  /** The grid's numbers, or null (and the bad boxes marked) if one is not a finite number. */
  function readGrid() {
    const inputs = [...grids.querySelectorAll("input")];
    const values = inputs.map((input) => parseCell(input.value));
    inputs.forEach((input, i) => input.setAttribute("aria-invalid", String(values[i] === null)));
    if (values.some((v) => v === null)) {
      state.textContent = "Type a number in every box.";
      return null;
    }
    state.textContent = "";
    return values;
  }

  function feed() {
    const values = read();
    if (!values || !shape) return;
    version += 1;
    store.set("input", { kind: "values", values, shape: [...shape], version, t0: performance.now() });
  }

  /** Show the grid for a small input; feed it when the page has nothing else to look at. */
  function sync() {
    scheduled = false;
    const spec = store.get("spec");
    const i = spec?.input;
    const mnist = i && i.channels === 1 && i.height === 28 && i.width === 28;
    container.hidden = !i || mnist;
    if (container.hidden) {
      shape = null;
      return;
    }
    const key = `${spec.input.channels}x${spec.input.height}x${spec.input.width}`;
    const input = store.get("input");
    let stale = input?.kind === "values" && input.shape.join("x") !== key;
    const wanted = example(spec);
    if (!shape || shape.join("x") !== key) build(spec);
    else if (wanted && wanted !== shownExample) {
      // another preset of the same shape: its example replaces the boxes' numbers
      shownExample = wanted;
      grids.querySelectorAll("input").forEach((box, i) => (box.value = String(wanted[i])));
      stale = true;
    }
    if (store.get("sessionId") && (!input || stale) && !grids.hidden) feed();
  }
  function later() {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(sync); // after the controller's own store.set calls of this change
  }

  grids.addEventListener("input", feed);
  pasteBtn.addEventListener("click", feed);
  fill.addEventListener("click", () => {
    const seen = store.get("lastForward")?.preprocessed;
    if (!seen || !shape || seen.shape.join("x") !== shape.join("x")) return;
    const text = (v) => String(+v.toFixed(4));
    if (grids.hidden) area.value = Array.from(seen.data, text).join(" ");
    else grids.querySelectorAll("input").forEach((input, i) => (input.value = text(seen.data[i])));
    feed();
  });

  const off = store.subscribe(["spec", "input", "sessionId"], later);
  sync();
  return {
    update: sync,
    destroy() {
      off();
      container.replaceChildren();
    },
  };
}
