// The pieces the 2-D view's network diagram draws (network-view.js is their container): the
// layer controls over its columns, each neuron's map over the plane, each weight's line, the
// value under the pointer. They take what they draw (the grid, the weights, the nodes and
// edges the container built) and never the store.

import { el } from "../../ui/dom.js";
import { weightRef, weightStyle } from "./diagram.js";
import { absMaxOf, colourRange, paintGrid } from "./heatmap.js";
import { gridStep, gridValueText } from "./grid-digits.js";
import { ACTIVATIONS, LIMITS } from "./setup.js";
import { gridValueAt } from "./wire.js";

const HEAD_WIDE = 120; // column spacing from which each layer's controls sit above its column

/**
 * The controls over the diagram's columns: features, each hidden layer's neurons -/+ and
 * activation, the output. Above their columns when the columns are wide enough, else a list.
 * `geo`: diagram.js layoutNetwork's; `spec`: setup.js readSpec's.
 */
export function drawHeads(heads, spec, geo) {
  const spacing = geo.columns.length > 1 ? geo.columns[1].x - geo.columns[0].x : geo.width;
  const wide = spacing >= HEAD_WIDE;
  heads.dataset.layout = wide ? "columns" : "list";
  heads.replaceChildren();
  const headAt = (col, child) => {
    if (wide) {
      // centred over its column, kept on the diagram and within half the spacing of its
      // column's centre, so that no two heads overlap (the first and last used to be pushed)
      const w = Math.min(spacing - 6, 130);
      const centre = geo.columns[col].x + geo.node / 2;
      const left = Math.max(0, centre - spacing / 2 + 3, Math.min(geo.width - w, centre - w / 2));
      const right = Math.min(geo.width, centre + spacing / 2 - 3, left + w);
      child.style.left = `${left}px`;
      child.style.width = `${right - left}px`;
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

/** With the pointer on the output map at plane point `at` ({x1, x2}): each neuron's value
 *  there, interpolated between the grid's cells (wire.js gridValueAt) and printed with as many
 *  decimals as the grid carries (grid-digits.js); data-value holds the number unrounded. */
export function paintHere(nodes, grid, at) {
  for (const n of nodes) {
    if (!at || !grid || !n.layer || !n.used) {
      n.here.hidden = true;
      continue;
    }
    const S = n.layer.shape[1];
    const v = gridValueAt(n.layer, n.offset / (S * S), grid.extent, S, at.x1, at.x2);
    n.here.hidden = false;
    n.here.textContent = gridValueText(v, gridStep(n.layer));
    n.here.dataset.value = String(v);
  }
}

/** Each used neuron's map: its layer of the server's grid, on its activation's colour range.
 * `structure`: {chosen, hidden, output} as drawn; sets the container's grid step and id. */
export function paintMaps(container, nodes, grid, structure, geo) {
  const S = grid.size;
  const spec = structure;
  for (let col = 0; col < geo.columns.length; col++) {
    const layer = gridLayer(grid, col, nodes);
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

/** Each weight's line: width |w| and colour its sign (diagram.js weightStyle), restyled only
 * when its value or the reference changed. `w`: store.weights. */
export function paintLines(svg, edges, w) {
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

function gridLayer(grid, col, nodes) {
  if (!grid) return null;
  if (col === 0) return grid.layers.find((l) => l.role === "input") ?? null;
  const dense = nodes.find((n) => n.col === col)?.dense;
  return grid.layers.find((l) => l.dense === dense) ?? null;
}
