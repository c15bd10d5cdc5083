// The network of the 2-D data view: the input features (click to use one or not), the hidden
// layers (add or remove a layer, neurons +/-, an activation each) and the output, every neuron
// drawn as a heat map of its output over the plane (the server's grid, wire.js) and every
// weight as a line (width |w|, colour its sign; diagram.js). Hover a neuron or a line for its
// numbers; click a line (or a neuron) to type a weight (or its bias and incoming weights:
// weight-editor.js).

import { el } from "../../ui/dom.js";
import { formatValue } from "../../lib/colors.js";
import { applyChange, currentSetup } from "./actions.js";
import { layoutNetwork, weightRef, weightStyle } from "./diagram.js";
import { absMaxOf, colourRange, paintGrid } from "./heatmap.js";
import { ACTIVATIONS, FEATURES, LIMITS, addLayer, readSpec, removeLayer, resizeLayer, setActivation, toggleFeature } from "./setup.js";
import { createWeightEditor } from "./weight-editor.js";

const SVG = "http://www.w3.org/2000/svg";
const HEAD_WIDE = 120; // column spacing from which each layer's controls sit above its column

export function createNetworkView(container, store, { refreshPlane }) {
  const change = (c) => applyChange(store, c).catch(() => {});
  const layersLabel = el("span", { "data-role": "layer-count" });
  const addBtn = el("button", { type: "button", "data-act": "add-layer", "aria-label": "Add a hidden layer" }, "+ layer");
  const removeBtn = el("button", { type: "button", "data-act": "remove-layer", "aria-label": "Remove the last hidden layer" }, "− layer");
  const heads = el("div", { class: "net-heads" });
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "net-lines");
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
      const line = document.createElementNS(SVG, "path");
      line.setAttribute("d", e.d);
      line.setAttribute("class", "net-line");
      const hit = document.createElementNS(SVG, "path");
      hit.setAttribute("d", e.d);
      hit.setAttribute("class", "net-hit");
      hit.dataset.dense = dense;
      hit.dataset.row = String(row);
      hit.dataset.col = String(e.to);
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
    buildHeads(spec);
    layersLabel.textContent = `${spec.hidden.length} hidden layer${spec.hidden.length === 1 ? "" : "s"}`;
    addBtn.disabled = spec.hidden.length >= LIMITS.layers;
    removeBtn.disabled = spec.hidden.length === 0;
    legend.textContent = "Lines: red positive, blue negative, wider is larger |w|. Maps: each neuron's output over the plane; "
      + "sigmoid 0 to 1 and tanh −1 to 1 (blue to red, white in the middle), ReLU and linear from −m to m with m that map's largest |value| (white is 0).";
    painted = null;
    schedule();
  }

  function buildHeads(spec) {
    const spacing = geo.columns.length > 1 ? geo.columns[1].x - geo.columns[0].x : geo.width;
    const wide = spacing >= HEAD_WIDE;
    heads.dataset.layout = wide ? "columns" : "list";
    heads.replaceChildren();
    const headAt = (col, child) => {
      if (wide) {
        const w = Math.min(spacing - 6, 130);
        const x = geo.columns[col].x + geo.node / 2 - w / 2;
        child.style.left = `${Math.max(0, Math.min(geo.width - w, x))}px`;
        child.style.width = `${w}px`;
      }
      heads.append(child);
    };
    headAt(0, el("div", { class: "net-head" }, el("strong", {}, "features"), el("span", { class: "hint" }, "click to use")));
    spec.hidden.forEach((h, k) => {
      const act = el("select", { "aria-label": `activation of hidden layer ${k + 1}`, "data-layer": String(k) },
        ...ACTIVATIONS.map((a) => el("option", { value: a.id }, a.label)));
      act.value = h.activation;
      headAt(k + 1, el("div", { class: "net-head", "data-layer": String(k) },
        el("span", { class: "net-units" },
          el("button", { type: "button", "data-act": "units-", "data-layer": String(k), "aria-label": `one neuron fewer in hidden layer ${k + 1}`, disabled: h.units <= 1 }, "−"),
          el("span", {}, `${wide ? "" : `layer ${k + 1}: `}${h.units} neuron${h.units === 1 ? "" : "s"}`),
          el("button", { type: "button", "data-act": "units+", "data-layer": String(k), "aria-label": `one neuron more in hidden layer ${k + 1}`, disabled: h.units >= LIMITS.units }, "+")),
        act));
    });
    headAt(geo.columns.length - 1, el("div", { class: "net-head" }, el("strong", {}, "output"), el("span", { class: "hint" }, spec.output.activation)));
    heads.style.height = wide ? "58px" : "";
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
  function gridLayer(grid, col) {
    if (!grid) return null;
    if (col === 0) return grid.layers.find((l) => l.role === "input") ?? null;
    const dense = nodes.find((n) => n.col === col)?.dense;
    return grid.layers.find((l) => l.dense === dense) ?? null;
  }

  function paint() {
    frame = 0;
    if (!geo) return;
    const grid = store.get("grid");
    const t0 = performance.now();
    if (grid && grid !== painted) paintMaps(grid);
    paintLines();
    paintHere(grid);
    painted = grid;
    performance.measure("plane-diagram-work", { start: t0, end: performance.now() }); // bench/lab_page_perf.py
  }

  /** With the pointer on the output map: each neuron's value at that point of the grid. */
  function paintHere(grid) {
    const at = store.get("pointer");
    for (const n of nodes) {
      if (!at || !grid || !n.layer || !n.used) {
        n.here.hidden = true;
        continue;
      }
      const S = n.layer.shape[1];
      n.here.hidden = false;
      n.here.textContent = formatShort(n.layer.data[n.offset + at.i * S + at.j]);
    }
  }

  function paintMaps(grid) {
    const S = grid.size;
    const spec = structure;
    for (let col = 0; col < geo.columns.length; col++) {
      const layer = gridLayer(grid, col);
      if (!layer) continue;
      const act = col === 0 ? "linear" : col <= spec.hidden.length ? spec.hidden[col - 1].activation : spec.output.activation;
      for (const n of nodes) {
        if (n.col !== col || !n.used) continue;
        const unit = col === 0 ? spec.chosen.indexOf(n.feature.id) : n.unit;
        if (unit < 0 || unit >= layer.units) continue;
        if (n.canvas.width !== S) {
          n.canvas.width = S;
          n.canvas.height = S;
          n.image = null;
        }
        n.image ??= n.canvas.getContext("2d").createImageData(S, S);
        const offset = unit * S * S;
        // unbounded outputs (ReLU, linear, the features) on each map's own scale: its shape shows
        // even when another neuron of the layer is much larger (the tooltip gives the numbers)
        const [lo, hi] = colourRange(act, absMaxOf(layer.data, offset, S * S));
        paintGrid(layer.data, offset, S * S, lo, hi, n.image.data);
        n.canvas.getContext("2d").putImageData(n.image, 0, 0);
        n.layer = layer;
        n.offset = offset;
        n.box.dataset.layer = layer.name;
      }
    }
    performance.mark("plane-maps", { detail: { step: grid.step, id: grid.id } });
    container.dataset.gridStep = String(grid.step);
    container.dataset.gridId = String(grid.id);
  }

  function paintLines() {
    const w = store.get("weights");
    if (!w) return;
    const ref = weightRef(Object.values(w).map((l) => l.W).filter(Boolean));
    for (const e of edges) {
      const layer = w[e.dense];
      if (!layer?.W || e.row >= layer.shape[0] || e.col >= layer.shape[1]) continue;
      const v = layer.W[e.row * layer.shape[1] + e.col];
      if (v === e.value && ref === e.ref) continue; // unchanged: no style work
      e.value = v;
      e.ref = ref;
      const style = weightStyle(v, { ref });
      e.line.style.stroke = style.color;
      e.line.style.strokeWidth = String(style.width);
      e.hit.dataset.value = String(v);
    }
    svg.dataset.ref = String(ref);
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

/** A value in at most 4 characters or so, for the small label on a map. */
function formatShort(v) {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 100) return v.toExponential(0);
  if (a >= 10) return v.toFixed(0);
  return v.toFixed(2).replace(/^(-?)0\./, "$1.");
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
