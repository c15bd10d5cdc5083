// The detail panel: what main.js mounts into #detail-panel. Tabs for the layer detail (chosen
// by clicking a tile: store key `detail` = {layer, channel, kind}), the training-step film,
// the loss surface and the learning-rate comparison. It only routes: each view is its own
// module with create<Name>(container, store) -> {update, destroy}.

import { el, button, ensureStylesheet } from "../ui/dom.js";
import { specLayer } from "./data.js";
import { is } from "../lib/layer-types.js";
import { createConvDetail } from "./conv-detail.js";
import { createPoolDetail } from "./pool-detail.js";
import { createActivationDetail } from "./activation-detail.js";
import { createDenseDetail } from "./dense-detail.js";
import { createSoftmaxDetail } from "./softmax-detail.js";
import { createGradDetail } from "./grad-detail.js";
import { createGlobalPoolDetail } from "./global-pool-detail.js";
import { keepTyped } from "../lib/keep-typed.js";

// A view per type with arithmetic of its own; every element-wise activation of the layer table
// (GET /api/layers) shares the activation view.
const VIEWS = {
  conv2d: createConvDetail,
  pool: createPoolDetail,
  global_pool: createGlobalPoolDetail,
  dense: createDenseDetail,
  softmax: createSoftmaxDetail,
};
const viewOf = (type) => VIEWS[type] ?? (is(type, "elementwise") ? createActivationDetail : null);

// Tabs beyond the layer detail load their module the first time they are opened.
const TABS = [
  { id: "layer", label: "Layer detail" },
  { id: "film", label: "Training step film", load: () => import("../film/film.js").then((m) => m.createFilm) },
  { id: "landscape", label: "Loss surface", load: () => import("../landscape/landscape.js").then((m) => m.createLandscape) },
  { id: "lr", label: "Learning rates", load: () => import("../landscape/lr-compare.js").then((m) => m.createLrCompare) },
];

export function layerType(store, name) {
  const forward = store.get("lastForward");
  const fromForward = forward && Array.isArray(forward.layers) ? forward.layers.find((l) => l.name === name) : null;
  if (fromForward && fromForward.type) return fromForward.type;
  const spec = specLayer(store.get("spec"), name);
  return spec ? spec.type : null;
}

export function createDetailPanel(container, store) {
  ensureStylesheet();
  const root = el("div", { class: "nn-panel" });
  const tablist = el("div", { class: "nn-tabs", role: "tablist", "aria-label": "Inside the computation" });
  const panes = {};
  const tabButtons = {};
  const mounted = {};
  let active = null;

  for (const tab of TABS) {
    const b = el("button", { type: "button", role: "tab", id: `nn-tab-${tab.id}`, "aria-controls": `nn-pane-${tab.id}`,
      "aria-selected": "false", tabindex: "-1", class: "nn-tab", "data-tab": tab.id }, tab.label);
    b.addEventListener("click", () => select(tab.id));
    b.addEventListener("keydown", (e) => {
      const i = TABS.indexOf(tab);
      const next = e.key === "ArrowRight" ? TABS[(i + 1) % TABS.length] : e.key === "ArrowLeft" ? TABS[(i + TABS.length - 1) % TABS.length] : null;
      if (next) { select(next.id); tabButtons[next.id].focus(); e.preventDefault(); }
    });
    tabButtons[tab.id] = b;
    tablist.append(b);
    panes[tab.id] = el("div", { class: "nn-pane", role: "tabpanel", id: `nn-pane-${tab.id}`, "aria-labelledby": `nn-tab-${tab.id}`, hidden: true });
  }
  const closeBtn = button("✕", "Close the layer detail", () => store.set("detail", null), "nn-close");
  const hint = el("p", { class: "nn-hint" }, "Click a feature map in the network, or choose a layer here, to see inside it.");
  // A picker for any layer (dense and softmax included), kept in step with store.detail.
  const layerSel = el("select", { "aria-label": "Layer to look inside", class: "nn-layer-pick" });
  const chanInput = el("input", { type: "number", min: "0", value: "0", "aria-label": "Channel or unit", class: "nn-chan-pick" });
  const kindValues = el("input", { type: "radio", name: "nn-detail-kind", value: "output", checked: true });
  const kindGrads = el("input", { type: "radio", name: "nn-detail-kind", value: "grad_output" });
  const kindGroup = el("span", { role: "radiogroup", "aria-label": "Show values or gradients", class: "nn-kind" },
    el("label", {}, kindValues, " values"), el("label", {}, kindGrads, " gradients"));
  for (const r of [kindValues, kindGrads]) {
    r.addEventListener("change", () => {
      const detail = store.get("detail");
      if (detail && r.checked) store.set("detail", { ...detail, kind: r.value });
    });
  }
  const picker = el("div", { class: "nn-controls nn-picker", role: "group", "aria-label": "Choose a layer" },
    el("label", {}, "layer ", layerSel), el("label", {}, "channel / unit ", chanInput), kindGroup);
  const choose = () => {
    if (!layerSel.value) return;
    store.set("detail", { layer: layerSel.value, channel: Number(chanInput.value) || 0, kind: kindGrads.checked ? "grad_output" : "output" });
  };
  // a box the learner is typing in is not rewritten by a store change (keep-typed.js)
  const chanBox = keepTyped(chanInput);
  layerSel.addEventListener("change", () => { chanBox.set("0"); choose(); });
  chanInput.addEventListener("change", () => { chanBox.taken(); choose(); });
  const layerSlot = el("div", { class: "nn-layer-slot" });
  panes.layer.append(picker, hint, layerSlot);

  function syncPicker() {
    const spec = store.get("spec");
    // every layer, those without arithmetic too (flatten, dropout): a map or bar clicked in the
    // network opens any layer, and the picker names the one shown (it read "choose…" there)
    const names = spec && Array.isArray(spec.layers) ? spec.layers.filter((l) => l.name).map((l) => [l.name, l.type]) : [];
    const key = names.map((n) => n[0]).join(",");
    if (layerSel.dataset.key !== key) {
      layerSel.dataset.key = key;
      layerSel.replaceChildren(el("option", { value: "" }, "choose…"),
        ...names.map(([n, t]) => el("option", { value: n }, `${n} (${t})`)));
    }
    const detail = store.get("detail");
    layerSel.value = detail && names.some((n) => n[0] === detail.layer) ? detail.layer : "";
    if (detail) chanBox.show(detail.channel ?? 0);
    kindGroup.hidden = !detail;
    kindGrads.checked = Boolean(detail && detail.kind === "grad_output");
    kindValues.checked = !kindGrads.checked;
    const shapes = store.get("shapes");
    const info = Array.isArray(shapes) && detail ? shapes.find((l) => l.name === detail.layer) : null;
    chanInput.max = info ? String(info.output_shape[0] - 1) : "";
  }
  root.append(el("div", { class: "nn-panel-head" }, tablist, closeBtn), ...TABS.map((t) => panes[t.id]));
  container.append(root);

  let view = null;
  let viewKey = null;

  async function select(id) {
    if (active === id) return;
    if (active) {
      tabButtons[active].setAttribute("aria-selected", "false");
      tabButtons[active].tabIndex = -1;
      panes[active].hidden = true;
    }
    active = id;
    tabButtons[id].setAttribute("aria-selected", "true");
    tabButtons[id].tabIndex = 0;
    panes[id].hidden = false;
    root.dataset.tab = id;
    const tab = TABS.find((t) => t.id === id);
    if (tab.load && !mounted[id]) {
      mounted[id] = "loading";
      try {
        const create = await tab.load();
        mounted[id] = create(panes[id], store);
      } catch (err) {
        mounted[id] = null;
        panes[id].append(el("p", { class: "nn-error", role: "alert" }, `Could not open this view: ${err.message}`));
      }
    }
  }

  function syncLayer() {
    syncPicker();
    const detail = store.get("detail");
    closeBtn.hidden = !detail;
    const key = detail ? `${detail.layer}|${detail.channel}|${detail.kind || "output"}` : null;
    if (key !== viewKey) {
      if (view) view.destroy();
      view = null;
      viewKey = key;
      layerSlot.replaceChildren();
      hint.hidden = Boolean(detail);
      if (!detail) return;
      const type = layerType(store, detail.layer);
      const create = detail.kind === "grad_output" ? createGradDetail : viewOf(type);
      if (!create) {
        layerSlot.append(el("p", { class: "nn-detail-blurb" },
          `${detail.layer} (${type || "unknown"}) has no arithmetic of its own to show: it only reshapes or passes values on.`));
        return;
      }
      view = create(layerSlot, store);
      select("layer");
      root.scrollIntoView?.({ block: "nearest" });
    } else if (view) {
      view.update();
    }
  }

  const unsubscribe = store.subscribe((changed) => {
    if (changed.has("detail") || changed.has("lastForward") || changed.has("spec") || changed.has("sessionId") || changed.has("shapes")) syncLayer();
    for (const m of Object.values(mounted)) if (m && m.update) m.update(changed);
  });
  select("layer");
  syncLayer();

  return {
    update() { syncLayer(); },
    select,
    destroy() {
      unsubscribe();
      if (view) view.destroy();
      for (const m of Object.values(mounted)) if (m && m.destroy) m.destroy();
      root.remove();
    },
  };
}
