// The network of the 2-D data view: the input features (click to use one or not), the hidden
// layers (add or remove a layer, neurons +/-, an activation each) and the output, every neuron
// drawn as a heat map of its output over the plane (the server's grid, wire.js) and every
// weight as a line (width |w|, colour its sign; diagram.js). Hover a neuron or a line for its
// numbers; click a line (or a neuron) to type a weight (or its bias and incoming weights:
// weight-editor.js).

import { el, svgEl } from "../../ui/dom.js";
import { formatValue } from "../../lib/colors.js";
import { applyChange, currentSetup } from "./actions.js";
import { layoutNetwork } from "./diagram.js";
import { drawHeads, paintHere, paintLines, paintMaps } from "./net-pieces.js";
import { FEATURES, LIMITS, addLayer, readSpec, removeLayer, resizeLayer, setActivation, toggleFeature } from "./setup.js";
import { createWeightEditor } from "./weight-editor.js";

export function createNetworkView(container, store, { refreshPlane }) {
  const change = (c) => applyChange(store, c).catch(() => {});
  const layersLabel = el("span", { "data-role": "layer-count" });
  const addBtn = el("button", { type: "button", "data-act": "add-layer", "aria-label": "Add a hidden layer" }, "+ layer");
  const removeBtn = el("button", { type: "button", "data-act": "remove-layer", "aria-label": "Remove the last hidden layer" }, "− layer");
  const heads = el("div", { class: "net-heads" });
  const svg = svgEl("svg", { class: "net-lines" });
  const nodesBox = el("div", { class: "net-nodes" });
  const tip = el("div", { class: "net-tip", role: "tooltip", hidden: true, "data-role": "tooltip" });
  const stage = el("div", { class: "net-stage" }, svg, nodesBox, tip);
  const editor = createWeightEditor(stage, store, {
    refreshPlane,
    onClose: () => { for (const o of edges) o.line.classList.remove("editing"); },
  });
  stage.append(editor.element);
  const legend = el("p", { class: "hint net-legend" });
  container.append(
    el("div", { class: "net-top" }, el("h3", {}, "The network"), el("span", { class: "net-layers", role: "group", "aria-label": "Hidden layers" }, removeBtn, layersLabel, addBtn)),
    heads, stage, legend);

  let geo = null; // diagram geometry for the current structure and width
  let structure = null; // {chosen, hidden, output} as drawn
  let nodes = []; // [{col, index, canvas, image, ...}]
  let edges = []; // [{edge, line, hit, dense, row, col}]
  let painted = null;
  let frame = 0;

  // -- structure: columns, nodes, lines ------------------------------------------------------
  function build() {
    const spec = readSpec(store.get("spec"));
    if (!spec) return;
    const setup = currentSetup(store);
    structure = { chosen: setup.features, hidden: spec.hidden, output: spec.output };
    const width = Math.max(240, stage.clientWidth || container.clientWidth || 600);
    const sizes = [FEATURES.length, ...spec.hidden.map((h) => h.units), spec.output.units];
    geo = layoutNetwork(sizes, { width, node: Math.round(Math.max(36, Math.min(60, width / 18))), minNode: 20, rowGap: 8 });
    stage.style.height = `${geo.height}px`;
    svg.setAttribute("width", String(width));
    svg.setAttribute("height", String(geo.height));
    svg.replaceChildren();
    nodesBox.replaceChildren();
    nodes = [];
    edges = [];
    // the dense layer whose neurons column `col` shows (column 0: the features, none)
    const denseOf = (col) => (col === 0 ? null : col <= spec.hidden.length ? spec.hidden[col - 1].dense : spec.output.dense);
    for (const e of geo.edges) {
      let row = e.from;
      if (e.layer === 0) {
        row = structure.chosen.indexOf(FEATURES[e.from].id);
        if (row < 0) continue;
      }
      const dense = e.layer + 1 <= spec.hidden.length ? spec.hidden[e.layer].dense : spec.output.dense;
      const line = svgEl("path", { d: e.d, class: "net-line" });
      const hit = svgEl("path", { d: e.d, class: "net-hit", "data-dense": dense, "data-row": row, "data-col": e.to });
      svg.append(line);
      edges.push({ edge: e, line, hit, dense, row, col: e.to });
    }
    for (const e of edges) svg.append(e.hit); // hit areas above every line
    geo.columns.forEach((column, col) => {
      for (const n of column.nodes) {
        const isInput = col === 0;
        const feature = isInput ? FEATURES[n.index] : null;
        const used = !isInput || structure.chosen.includes(feature.id);
        const canvas = el("canvas", { width: "1", height: "1", class: "net-map" });
        const box = el(isInput ? "button" : "div", {
          class: `net-node${isInput ? " net-feature" : ""}${used ? "" : " net-unused"}${col === geo.columns.length - 1 ? " net-output" : ""}`,
          "data-col": String(col), "data-unit": String(n.index),
          ...(isInput ? { type: "button", "aria-pressed": String(used), "aria-label": `feature ${feature.title}: ${used ? "used, click to leave out" : "not used, click to use"}`, "data-feature": feature.id } : { tabindex: "0", role: "button" }),
        }, canvas);
        if (isInput) box.append(el("span", { class: "net-feature-label" }, feature.label));
        const here = el("span", { class: "net-here", hidden: true });
        box.append(here);
        box.style.left = `${n.x}px`;
        box.style.top = `${n.y}px`;
        box.style.width = `${geo.node}px`;
        box.style.height = `${geo.node}px`;
        if (!isInput) box.setAttribute("aria-label", `${denseOf(col)} neuron ${n.index + 1}: hover for its numbers, click (or Enter) to type its bias and incoming weights`);
        nodesBox.append(box);
        nodes.push({ col, unit: n.index, box, canvas, here, image: null, feature, used, dense: denseOf(col) });
      }
    });
    drawHeads(heads, spec, geo);
    layersLabel.textContent = `${spec.hidden.length} hidden layer${spec.hidden.length === 1 ? "" : "s"}`;
    addBtn.disabled = spec.hidden.length >= LIMITS.layers;
    removeBtn.disabled = spec.hidden.length === 0;
    legend.textContent = "Lines: red positive, blue negative, wider is larger |w|. Maps: each neuron's output over the plane; "
      + "sigmoid 0 to 1 and tanh −1 to 1 (blue to red, white in the middle), ReLU and linear from −m to m with m that map's largest |value| (white is 0).";
    painted = null;
    schedule();
  }

  heads.addEventListener("click", (e) => {
    const b = e.target.closest("button[data-act]");
    if (!b) return;
    const k = Number(b.dataset.layer);
    const hidden = currentSetup(store).hidden;
    change({ hidden: resizeLayer(hidden, k, b.dataset.act === "units+" ? 1 : -1) });
  });
  heads.addEventListener("change", (e) => {
    const s = e.target.closest("select[data-layer]");
    if (s) change({ hidden: setActivation(currentSetup(store).hidden, Number(s.dataset.layer), s.value) });
  });
  addBtn.addEventListener("click", () => change({ hidden: addLayer(currentSetup(store).hidden) }));
  removeBtn.addEventListener("click", () => change({ hidden: removeLayer(currentSetup(store).hidden) }));
  nodesBox.addEventListener("click", (e) => {
    const f = e.target.closest("[data-feature]");
    if (f) {
      const chosen = currentSetup(store).features;
      const next = toggleFeature(chosen, f.dataset.feature);
      if (next !== chosen) change({ features: next });
      return;
    }
    const node = nodeOf(e.target);
    if (node && node.col > 0) openEditor({ kind: "b", node });
  });
  nodesBox.addEventListener("keydown", (e) => {
    const node = nodeOf(e.target);
    if (node && node.col > 0 && (e.key === "Enter" || e.key === " ")) {
      e.preventDefault();
      openEditor({ kind: "b", node });
    }
  });

  // -- painting: maps and lines ---------------------------------------------------------------
  function schedule() {
    if (!frame) frame = requestAnimationFrame(paint);
  }

  /** Grid layer drawn in diagram column `col` (0: the features' input layer). */
  function paint() {
    frame = 0;
    if (!geo) return;
    const grid = store.get("grid");
    const t0 = performance.now();
    if (grid && grid !== painted) paintMaps(container, nodes, grid, structure, geo);
    paintLines(svg, edges, store.get("weights"));
    paintHere(nodes, grid, store.get("pointer"));
    painted = grid;
    performance.measure("plane-diagram-work", { start: t0, end: performance.now() }); // bench/lab_page_perf.py
  }

  // -- hover and editing -----------------------------------------------------------------------
  const nodeOf = (target) => {
    const box = target.closest?.(".net-node");
    return box ? nodes.find((n) => n.box === box) : null;
  };
  const edgeOf = (target) => edges.find((e) => e.hit === target) ?? null;

  function weightText(e) {
    const w = store.get("weights")?.[e.dense];
    const v = w?.W ? w.W[e.row * w.shape[1] + e.col] : null;
    const from = e.edge.layer === 0 ? structure.chosen[e.row] : `neuron ${e.row + 1}`;
    return { v, text: `${e.dense}.W[${e.row}][${e.col}] = ${v === null ? "…" : formatNumber(v)}  (from ${from} to neuron ${e.col + 1})` };
  }

  function nodeText(n) {
    if (n.col === 0) {
      const range = n.layer ? rangeText(n.layer.data, n.offset, n.layer.shape[1] ** 2) : "";
      return `feature ${n.feature.title}${n.used ? range : " (not used)"}`;
    }
    const w = store.get("weights")?.[n.dense];
    const b = w?.b ? formatNumber(w.b[n.unit]) : "…";
    const range = n.layer ? rangeText(n.layer.data, n.offset, n.layer.shape[1] ** 2) : "";
    return `${n.dense} neuron ${n.unit + 1}: bias ${b}${range}`;
  }

  function showTip(text, x, y) {
    tip.hidden = false;
    tip.textContent = text;
    const w = Math.min(300, stage.clientWidth - 8);
    tip.style.maxWidth = `${w}px`;
    tip.style.left = `${Math.max(0, Math.min(stage.clientWidth - w, x + 12))}px`;
    tip.style.top = `${Math.max(0, y - 34)}px`;
  }

  stage.addEventListener("pointermove", (e) => {
    if (editor.isOpen()) return;
    const rect = stage.getBoundingClientRect();
    const x = e.clientX - rect.left;
    const y = e.clientY - rect.top;
    const edge = edgeOf(e.target);
    const node = nodeOf(e.target);
    for (const o of edges) o.line.classList.toggle("hover", o === edge);
    if (!node) relate(null);
    if (edge) {
      showTip(weightText(edge).text, x, y);
      tip.dataset.value = String(weightText(edge).v);
      setFocus(null);
    } else if (node) {
      showTip(nodeText(node), x, y);
      relate(node);
      setFocus(node.used && node.layer ? { layer: node.layer.name, unit: node.col === 0 ? structure.chosen.indexOf(node.feature.id) : node.unit, label: nodeText(node) } : null);
    } else {
      tip.hidden = true;
      setFocus(null);
    }
  });
  /** Fade every line but a hovered neuron's own (in and out). */
  function relate(node) {
    stage.classList.toggle("relating", Boolean(node));
    for (const e of edges) {
      const mine = node && ((e.edge.layer === node.col - 1 && e.edge.to === node.unit) || (e.edge.layer === node.col && e.edge.from === node.unit));
      e.line.classList.toggle("related", Boolean(mine));
    }
  }
  stage.addEventListener("pointerleave", () => {
    tip.hidden = true;
    relate(null);
    setFocus(null);
    for (const o of edges) o.line.classList.remove("hover");
  });
  function setFocus(f) {
    const old = store.get("focus");
    if ((old?.layer ?? null) === (f?.layer ?? null) && old?.unit === f?.unit) return;
    store.set("focus", f);
  }

  svg.addEventListener("click", (e) => {
    const edge = edgeOf(e.target);
    if (edge) openEditor({ kind: "W", edge });
  });

  /** Open the weight editor on a line (its weight) or a neuron (its bias and incoming weights). */
  function openEditor(target) {
    tip.hidden = true;
    if (target.kind === "W") {
      const { dense, row, col, edge, line } = target.edge;
      if (editor.open({ dense, title: "Type a weight", fields: [{ label: `${dense}.W[${row}][${col}]`, kind: "W", row, col }],
        x: (edge.x1 + edge.x2) / 2, y: (edge.y1 + edge.y2) / 2, bottom: geo.height })) line.classList.add("editing");
      return;
    }
    const { dense, unit, col, box } = target.node;
    const w = store.get("weights")?.[dense];
    if (!w) return;
    const fields = [{ label: `${dense}.b[${unit}] (bias)`, kind: "b", row: 0, col: unit }];
    for (let i = 0; i < w.shape[0]; i++) {
      const from = col === 1 ? structure.chosen[i] : `neuron ${i + 1}`;
      fields.push({ label: `${dense}.W[${i}][${unit}] from ${from}`, kind: "W", row: i, col: unit });
    }
    editor.open({ dense, title: `${dense} neuron ${unit + 1}: bias and incoming weights`, fields,
      x: parseFloat(box.style.left) + geo.node, y: parseFloat(box.style.top), bottom: geo.height });
  }

  // -- wiring -----------------------------------------------------------------------------------
  let lastKey = "";
  function maybeBuild() {
    const key = JSON.stringify([store.get("spec"), store.get("settings")?.planar?.features, store.get("settings")?.loss]);
    if (key === lastKey && geo) return;
    lastKey = key;
    build();
  }
  const offs = [
    store.subscribe(["spec", "settings"], maybeBuild),
    store.subscribe(["grid", "weights", "pointer"], schedule),
  ];
  let lastWidth = 0;
  const ro = new ResizeObserver(() => {
    const w = stage.clientWidth;
    if (Math.abs(w - lastWidth) < 2) return;
    lastWidth = w;
    build();
  });
  ro.observe(stage);
  maybeBuild();
  return {
    destroy() {
      offs.forEach((f) => f());
      ro.disconnect();
    },
  };
}

function formatNumber(v) {
  return Number.isFinite(v) ? String(+v.toPrecision(4)) : String(v);
}

function rangeText(data, offset, count) {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = offset; i < offset + count; i++) {
    if (data[i] < lo) lo = data[i];
    if (data[i] > hi) hi = data[i];
  }
  return `; over the plane from ${formatValue(lo)} to ${formatValue(hi)}`;
}
