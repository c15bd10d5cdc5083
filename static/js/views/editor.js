// The architecture editor: add, remove and reorder layers, edit their settings, see every
// layer's output shape and parameter count as you type (POST /api/describe), an impossible
// setting shown inline at its layer (and Apply refused), presets. Writes store.draftSpec;
// Apply asks the session controller (store.request "applySpec").

import { api } from "../api.js";
import { el, viewHandle } from "../ui/dom.js";
import { PRESETS, datasetWords, presetOf } from "../lib/presets.js";
import { layerNames, specToParams } from "../lib/urlstate.js";
import { inputLimits, layerTypes, maxLayers, newLayer } from "../lib/layer-types.js";
import { fieldInputs, readValue, typeOptions } from "./editor-fields.js";
import { outputMismatch } from "../lib/output-check.js";
import { keepTyped } from "../lib/keep-typed.js";

// The input shape counts: a 4x4 network is not the 28x28 one with the same layers.
const tokens = (spec) => {
  const p = specToParams(spec);
  return `${p.in}|${p.arch}`;
};
const IMAGE_DATASETS = ["mnist", "shapes"]; // 1x28x28 images; any other input trains on own data

export function createEditor(container, store) {
  const inputBox = (key) => el("input", { "data-in": key, type: "number", step: "1", "aria-label": `input ${key}` });
  container.replaceChildren(
    el("details", { class: "editor" },
      el("summary", {}, el("span", { class: "editor-title" }, "Architecture"), " ", el("code", { class: "editor-arch" }), " ",
        el("span", { class: "editor-params" })),
      el("div", { class: "editor-top" },
        el("label", {}, "Preset ",
          el("select", { class: "editor-preset" },
            el("option", { value: "" }, "(custom)"),
            ...Object.entries(PRESETS).map(([k, p]) => el("option", { value: k }, p.label)))),
        el("span", { class: "editor-input" }, "input ", inputBox("channels"), "×", inputBox("height"), "×", inputBox("width")),
      ),
      el("datalist", { id: "padding-values" }),
      el("ol", { class: "editor-layers", "aria-label": "layers, input first" }),
      el("div", { class: "editor-add" },
        el("label", {}, "Add a ", el("select", { class: "editor-add-type" })),
        el("button", { type: "button", class: "editor-add-btn" }, "Add layer"),
      ),
      el("div", { class: "editor-filters", hidden: true }),
      el("p", { class: "editor-error", role: "alert" }),
      el("div", { class: "editor-actions" },
        el("button", { type: "button", class: "primary editor-apply" }, "Apply (weights start over)"),
        el("span", { class: "editor-newsession hint", hidden: true }),
        el("button", { type: "button", class: "editor-revert" }, "Revert"),
        el("span", { class: "editor-state", "aria-live": "polite" }),
      ),
    ),
  );
  const q = (s) => container.querySelector(s);
  const inputBoxes = Object.fromEntries([...container.querySelectorAll(".editor-input [data-in]")]
    .map((box) => [box.dataset.in, keepTyped(box)]));
  q(".editor-add-type").append(...typeOptions(null));
  for (const f of inputLimits()) {
    Object.assign(container.querySelector(`.editor-input [data-in="${f.key}"]`), { min: f.min, max: f.max });
  }
  const padding = layerTypes().flatMap((t) => t.fields).find((f) => f.kind === "padding");
  if (padding) q("#padding-values").append(...[0, 1, 2, ...padding.choices].map((v) => el("option", { value: v })));
  const list = q(".editor-layers");
  const errorEl = q(".editor-error");
  const applyBtn = q(".editor-apply");
  const presetSel = q(".editor-preset");
  let draft = null; // the spec being edited
  let described = null; // {layers, total_params} for draft, or null
  let describedFor = null; // the draft's tokens the server described: its numbers are shown only for that draft
  let error = null;
  let timer = 0;
  let ticket = 0;
  let presetSettings = null;

  function current() {
    return store.get("draftSpec") ?? store.get("spec");
  }

  function render() {
    const spec = draft;
    if (!spec) return;
    // a box the learner is in keeps its text; the spec's value is shown when they leave it
    for (const [key, box] of Object.entries(inputBoxes)) box.show(spec.input[key]);
    list.replaceChildren();
    spec.layers.forEach((layer, i) => {
      const li = document.createElement("li");
      li.className = "editor-layer";
      li.dataset.index = String(i);
      const typeSel = el("select", { "data-k": "type", "aria-label": `layer ${i + 1} type` }, ...typeOptions(layer.type));
      const fields = fieldInputs(layer);
      li.append(
        el("div", { class: "layer-row" },
          el("span", { class: "layer-name" }),
          typeSel,
          el("span", { class: "layer-fields" }, ...fields),
          el("span", { class: "layer-shape", "aria-live": "polite" }),
          el("span", { class: "layer-buttons" },
            el("button", { type: "button", "data-act": "up", "aria-label": `move layer ${i + 1} up`, disabled: i === 0 }, "↑"), " ",
            el("button", { type: "button", "data-act": "down", "aria-label": `move layer ${i + 1} down`, disabled: i === spec.layers.length - 1 }, "↓"), " ",
            el("button", { type: "button", "data-act": "remove", "aria-label": `remove layer ${i + 1}` }, "✕"))),
        el("p", { class: "layer-error", role: "alert", hidden: true }));
      for (const input of li.querySelectorAll(".layer-fields [data-k]")) {
        input.setAttribute("aria-label", `layer ${i + 1} ${input.dataset.k}`);
      }
      list.appendChild(li);
    });
    showShapes();
  }

  function showShapes() {
    const rows = list.querySelectorAll(".editor-layer");
    const names = layerNames(draft.layers);
    rows.forEach((li, i) => {
      const info = fresh() ? described.layers?.[i] : null;
      li.querySelector(".layer-name").textContent = info?.name ?? names[i];
      li.querySelector(".layer-shape").textContent = info ? `→ ${info.output_shape.join("×")} · ${info.param_count.toLocaleString("en")} params` : "→ ?";
      const err = li.querySelector(".layer-error");
      const here = error && error.layer_index === i;
      err.hidden = !here;
      err.textContent = here ? error.message : "";
      if (here && error.fixes) {
        // the network cannot fit the data: offer the fixes right here
        for (const fix of error.fixes) {
          const b = document.createElement("button");
          b.type = "button";
          b.className = "layer-fix";
          b.textContent = fix.label;
          b.addEventListener("click", () => {
            draft = fix.spec;
            changed({ rerender: true });
          });
          err.append(" ", b);
        }
      }
      li.classList.toggle("has-error", here);
    });
    errorEl.textContent = error && (error.layer_index === null || error.layer_index === undefined || error.layer_index >= rows.length) ? error.message : "";
    const same = store.get("spec") && tokens(draft) === tokens(store.get("spec")) && !presetSettingsDiffer();
    applyBtn.disabled = Boolean(error) || same || store.get("training");
    q(".editor-add-btn").disabled = maxLayers() !== null && draft.layers.length >= maxLayers();
    const other = presetSettingsDiffer();
    q(".editor-newsession").hidden = !other;
    // the data it trains on, named (the shapes preset said "your own data")
    q(".editor-newsession").textContent = other
      ? `This network trains on ${datasetWords(neededSettings().dataset)}, not on ${datasetWords(store.get("settings").dataset)}: applying it opens a new session.`
      : "";
    q(".editor-state").textContent = error ? "Fix the marked layer to apply." : same ? "This is the network in use." : fresh() ? `${described.total_params.toLocaleString("en")} parameters · not applied yet` : "checking…";
    q(".editor-filters").hidden = !(draft.layers[0]?.type === "conv2d" && draft.layers[0]?.frozen);
  }

  /** Settings the draft needs that differ from the session's: a preset's dataset, or own data
   * for an input other than the built-in datasets' 1x28x28. */
  function neededSettings() {
    const dataset = store.get("settings")?.dataset;
    if (presetSettings) return presetSettings;
    const i = draft?.input;
    const image = i && i.channels === 1 && i.height === 28 && i.width === 28;
    return !image && IMAGE_DATASETS.includes(dataset) ? { dataset: "own" } : null;
  }

  function presetSettingsDiffer() {
    const needed = neededSettings();
    return needed && store.get("settings") && needed.dataset !== store.get("settings").dataset;
  }

  // the server's description is of the draft on screen (a preset just picked showed the count
  // and shapes of the network before it until its own came)
  function fresh() {
    return Boolean(described) && describedFor === tokens(draft);
  }

  function check() {
    clearTimeout(timer);
    const mine = ++ticket;
    timer = setTimeout(async () => {
      const asked = tokens(draft);
      try {
        const r = await api.describe(draft);
        if (mine !== ticket) return;
        described = r;
        describedFor = asked;
        // the softmax must have one value per class of the data the network trains on
        // (a preset of another dataset brings its own data: it opens a new session)
        error = presetSettingsDiffer() ? null : outputMismatch(draft, r, store.get("classNames"));
      } catch (err) {
        if (mine !== ticket) return;
        described = null;
        error = { message: err.message, layer_index: err.layerIndex ?? null };
      }
      showShapes();
    }, 120);
  }

  function changed({ rerender = false } = {}) {
    store.set("draftSpec", draft);
    const key = presetOf(draft, tokens) ?? "";
    presetSel.value = key;
    if (!key) presetSettings = null;
    if (rerender) render();
    else showShapes();
    check();
  }

  list.addEventListener("input", (ev) => {
    const input = ev.target.closest("[data-k]");
    const li = ev.target.closest(".editor-layer");
    if (!input || !li) return;
    const i = Number(li.dataset.index);
    const layers = draft.layers.slice();
    if (input.dataset.k === "type") {
      layers[i] = newLayer(input.value);
      draft = { ...draft, layers };
      changed({ rerender: true });
      return;
    }
    const layer = { ...layers[i] };
    delete layer.name; // names follow position unless the user named it
    layer[input.dataset.k] = readValue(input);
    if (input.dataset.k === "frozen" && !layer.frozen) delete layer.frozen;
    layers[i] = layer;
    draft = { ...draft, layers };
    changed();
  });
  list.addEventListener("click", (ev) => {
    const b = ev.target.closest("button[data-act]");
    if (!b) return;
    const i = Number(b.closest(".editor-layer").dataset.index);
    const layers = draft.layers.slice();
    if (b.dataset.act === "remove") layers.splice(i, 1);
    else {
      const j = b.dataset.act === "up" ? i - 1 : i + 1;
      [layers[i], layers[j]] = [layers[j], layers[i]];
    }
    draft = { ...draft, layers: layers.map(({ name, ...l }) => l) };
    changed({ rerender: true });
  });
  q(".editor-input").addEventListener("input", (ev) => {
    const box = ev.target.closest("[data-in]");
    if (!box || !draft) return;
    inputBoxes[box.dataset.in].taken(); // every key is taken into the draft
    draft = { ...draft, input: { ...draft.input, [box.dataset.in]: box.value === "" ? "" : Number(box.value) } };
    changed();
  });
  q(".editor-add-btn").addEventListener("click", () => {
    const layer = newLayer(q(".editor-add-type").value);
    const layers = draft.layers.slice();
    const at = layers.length && layers[layers.length - 1].type === "softmax" ? layers.length - 1 : layers.length;
    layers.splice(at, 0, layer);
    draft = { ...draft, layers: layers.map(({ name, ...l }) => l) };
    changed({ rerender: true });
  });
  presetSel.addEventListener("change", () => {
    const p = PRESETS[presetSel.value];
    if (!p) return;
    draft = structuredClone(p.spec);
    presetSettings = p.settings;
    changed({ rerender: true });
    presetSel.value = Object.keys(PRESETS).find((k) => PRESETS[k] === p);
  });
  applyBtn.addEventListener("click", async () => {
    if (error) return;
    const spec = draft;
    if (presetSettingsDiffer()) {
      // A preset on another dataset: the output layer and the data change together, which
      // the server takes only as a new session (spec and settings at once).
      const settings = { ...store.get("settings"), ...neededSettings() };
      store.set("request", { type: "newSession", spec, settings, at: performance.now() });
    } else {
      store.set("request", { type: "applySpec", spec, at: performance.now() });
    }
    presetSettings = null;
  });
  q(".editor-revert").addEventListener("click", () => {
    store.set("draftSpec", null);
    reset();
  });

  function reset() {
    const spec = current();
    if (!spec) return;
    draft = structuredClone(spec);
    described = null;
    error = null;
    presetSel.value = presetOf(draft, tokens) ?? "";
    render();
    check();
  }

  // The summary names the network in use with its parameter count, a pair (it showed the
  // draft's code beside the count of the network in use); the draft's count is said under Apply.
  function showInUse() {
    const spec = store.get("spec");
    q(".editor-arch").textContent = spec ? tokens(spec) : "";
    const total = store.get("session")?.total_params;
    q(".editor-params").textContent = total ? `${total.toLocaleString("en")} parameters` : "";
  }

  // A new spec rebuilds the layer list; a field the learner is in would go with it (the key typed
  // next lost): the list is rebuilt when they leave it, if they did not start a draft there.
  let resetLater = false;
  function update() {
    showInUse();
    if (store.get("draftSpec")) return;
    resetLater = list.contains(document.activeElement);
    if (!resetLater) reset();
  }
  list.addEventListener("focusout", (ev) => {
    if (!resetLater || list.contains(ev.relatedTarget)) return;
    resetLater = false;
    if (!store.get("draftSpec")) reset();
  });

  const offs = [store.subscribe(["spec", "draftSpec"], (changed, st) => {
    // A new spec in use, or the draft dropped (applied, reverted): show what is in use.
    if (changed.has("spec") || st.draftSpec === null) update();
  }), store.subscribe(["training", "settings"], () => draft && showShapes()), store.subscribe(["session"], showInUse)];
  update();
  return viewHandle(container, update, offs);
}
