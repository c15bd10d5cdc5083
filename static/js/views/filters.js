// Hand-set first-layer filters: Sobel, Gaussian, Gabor or typed values for each filter of the
// first conv layer in use, sent with PUT .../params/{layer}. With the layer frozen (editor),
// training leaves them as set: compare hand-made with learned filters.

import { el, viewHandle } from "../ui/dom.js";
import { api } from "../api.js";
import { handKernel } from "../lib/presets.js";

const KINDS = {
  sobel_x: ["Sobel, vertical edges", () => ["sobel_x", {}]],
  sobel_y: ["Sobel, horizontal edges", () => ["sobel_y", {}]],
  gaussian: ["Gaussian blur", () => ["gaussian", { sigma: 1 }]],
  gabor0: ["Gabor 0°", () => ["gabor", { theta: 0, sigma: 1, lambda: 3 }]],
  gabor45: ["Gabor 45°", () => ["gabor", { theta: Math.PI / 4, sigma: 1, lambda: 3 }]],
  gabor90: ["Gabor 90°", () => ["gabor", { theta: Math.PI / 2, sigma: 1, lambda: 3 }]],
  gabor135: ["Gabor 135°", () => ["gabor", { theta: (3 * Math.PI) / 4, sigma: 1, lambda: 3 }]],
  typed: ["typed values", null],
  current: ["as in the network now", null],
};
const ORDER = ["sobel_x", "sobel_y", "gabor45", "gabor135", "gaussian", "gabor0", "gabor90"];

export function createFilters(container, store) {
  container.replaceChildren(
    el("details", { class: "filters" },
      el("summary", {}, "Hand-set first-layer filters ", el("span", { class: "filters-layer" })),
      el("p", { class: "hint" }, "Pick a classic kernel or type the numbers (its bias is set to 0); a"
        + " filter left as in the network now keeps its weights and bias. Freeze the layer in the"
        + " architecture editor to keep them while the rest learns (the shapes preset does)."),
      el("div", { class: "filters-grid" }),
      el("div", { class: "editor-actions" },
        el("button", { type: "button", class: "primary filters-set" }, "Set these filters"),
        el("span", { class: "filters-state", "aria-live": "polite" }),
      ),
    ),
  );
  const grid = container.querySelector(".filters-grid");
  const setBtn = container.querySelector(".filters-set");
  let layer = null;
  let current = null; // {shape, data}: the layer's W as the server has it
  let currentB = null; // {shape, data}: its b
  let loading = 0;

  // filter f's k×k boxes, each named by its filter, row and column (all from 0, as the page numbers)
  function kernelRows(f, k, values) {
    const box = el("div", { class: "kgrid" });
    box.style.gridTemplateColumns = `repeat(${k}, 4.2em)`;
    for (let i = 0; i < k * k; i++) {
      box.append(el("input", { type: "number", step: "any", value: +values[i].toFixed(2),
        "aria-label": `filter ${f} row ${Math.floor(i / k)} column ${i % k}` }));
    }
    return box;
  }

  function render() {
    const spec = store.get("spec");
    const first = spec?.layers?.[0];
    container.hidden = !(first && first.type === "conv2d");
    if (container.hidden) {
      // no first conv layer: nothing to read (the last one's name may not exist any more)
      layer = null;
      current = null;
      delete grid.dataset.key;
      loading += 1;
      return;
    }
    const key = JSON.stringify([first.name, first.filters, first.kernel, spec.input.channels, first.frozen]);
    if (grid.dataset.key === key) return;
    grid.dataset.key = key;
    layer = first;
    container.querySelector(".filters-layer").textContent = `(${first.name}: ${first.filters} filters, ${first.kernel}×${first.kernel}${first.frozen ? ", frozen" : ", learning"})`;
    grid.replaceChildren();
    for (let f = 0; f < first.filters; f++) {
      const kind = ORDER[f % ORDER.length];
      const [name, args] = KINDS[kind][1]();
      const box = document.createElement("fieldset");
      box.className = "filter-box";
      box.append(
        el("legend", {}, `filter ${f}`),
        el("select", { "aria-label": `filter ${f} kind` },
          ...Object.entries(KINDS).map(([k, [label]]) => el("option", { value: k, selected: k === kind }, label))),
        kernelRows(f, first.kernel, handKernel(name, first.kernel, args)));
      box.querySelector("select").addEventListener("change", (ev) => {
        const entry = KINDS[ev.target.value];
        // the user's pick: the layer's values read later do not replace it ("current" follows them)
        box.dataset.edited = String(ev.target.value !== "current");
        if (ev.target.value === "current") showCurrent(f, box);
        if (!entry[1]) return; // typed or current: keep the numbers for editing
        const [n, a] = entry[1]();
        const values = handKernel(n, first.kernel, a);
        box.querySelectorAll(".kgrid input").forEach((input, i) => (input.value = String(+values[i].toFixed(2))));
      });
      box.querySelector(".kgrid").addEventListener("input", () => {
        box.querySelector("select").value = "typed";
        box.dataset.edited = "true";
      });
      grid.appendChild(box);
    }
    current = null;
    currentB = null;
    loadCurrent();
  }

  // The filters the layer holds now (after a reload, training or a set), shown in every box
  // the user has not edited: a read that answers while they type does not undo their typing.
  async function loadCurrent() {
    const id = store.get("sessionId");
    const details = container.querySelector("details.filters");
    const first = store.get("spec")?.layers?.[0];
    if (!id || !layer || !details?.open || store.get("training")) return;
    if (first?.type !== "conv2d" || first.name !== layer.name) return; // a new network not shown yet
    const mine = ++loading;
    const key = grid.dataset.key;
    try {
      const p = await api.getParams(id, layer.name);
      if (mine !== loading || key !== grid.dataset.key) return;
      current = p.W;
      currentB = p.b;
      const boxes = [...grid.querySelectorAll(".filter-box")];
      // a box being typed in (its text selected, a key on the way) is the user's too
      const theirs = (box) => box.dataset.edited === "true" || box.contains(document.activeElement);
      boxes.forEach((box, f) => !theirs(box) && showCurrent(f, box));
      const kept = boxes.some(theirs);
      const channel = p.W.shape[1] > 1 ? " (input channel 0 of each)" : "";
      container.querySelector(".filters-state").textContent = kept
        ? `The filters you have not edited are ${layer.name}'s now${channel}; yours are kept until you set them.`
        : `These are ${layer.name}'s filters now${channel}: edit them or pick a kernel, then set.`;
    } catch (err) {
      if (mine === loading) container.querySelector(".filters-state").textContent = `Could not read ${layer.name}: ${err.message}`;
    }
  }

  function showCurrent(f, box) {
    if (!current) return;
    const [, C, k] = current.shape;
    const base = f * C * k * k; // input channel 0 of filter f
    box.querySelectorAll(".kgrid input").forEach((input, i) => (input.value = String(+current.data[base + i].toFixed(2))));
    box.querySelector("select").value = "current";
  }

  setBtn.addEventListener("click", () => {
    if (!layer) return;
    const channels = store.get("spec").input.channels;
    const k = layer.kernel;
    // A filter left "as in the network now" is sent as the layer holds it (every input
    // channel, full precision, its bias), not as the rounded boxes show it; a set or typed one
    // is its kernel in every input channel, with bias 0.
    const boxes = [...grid.querySelectorAll(".filter-box")];
    const kept = (box) => box.querySelector("select").value === "current" && current && currentB;
    const W = boxes.map((box, f) => {
      if (kept(box)) {
        const [, C] = current.shape;
        return Array.from({ length: C }, (_, c) => Array.from({ length: k }, (_, r) =>
          Array.from(current.data.subarray(((f * C + c) * k + r) * k, ((f * C + c) * k + r + 1) * k))));
      }
      const v = [...box.querySelectorAll(".kgrid input")].map((i) => Number(i.value));
      const kernel = Array.from({ length: k }, (_, r) => v.slice(r * k, r * k + k));
      return Array.from({ length: channels }, () => kernel);
    });
    const b = boxes.map((box, f) => (kept(box) ? currentB.data[f] : 0));
    if (W.flat(3).some((x) => !Number.isFinite(x))) {
      container.querySelector(".filters-state").textContent = "Every value must be a number.";
      return;
    }
    // what was read before this set is out of date; from now on the boxes show the layer again
    loading += 1;
    grid.querySelectorAll(".filter-box").forEach((box) => delete box.dataset.edited);
    store.set("request", { type: "setParams", layer: layer.name, W, b, at: performance.now() });
    container.querySelector(".filters-state").textContent = "Sent.";
  });

  container.querySelector("details.filters").addEventListener("toggle", loadCurrent);
  const offs = [store.subscribe(["spec"], render), store.subscribe(["training"], (_, s) => (setBtn.disabled = s.training)),
    store.subscribe(["session", "sessionId"], loadCurrent)];
  render();
  return viewHandle(container, render, offs);
}
