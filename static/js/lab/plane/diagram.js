// Geometry of the network diagram of the 2-D data view: one column per layer (the input features,
// each hidden layer, the output), one square node per neuron (drawn as its heat map), one line per
// weight whose width gives |w| and whose colour gives its sign. Pure: no DOM. Tested in
// tests/js/lab-plane-diagram.test.mjs.

import { cssColour } from "./heatmap.js";

/**
 * Node and edge positions for columns of `sizes` neurons (sizes[0] the inputs, the last the
 * output), inside `width` CSS pixels. Nodes are squares of `node` pixels (shrunk to fit a
 * narrow width, never below `minNode`); columns are spread evenly, nodes stacked from the top
 * with `rowGap` between them, each column centred vertically on the tallest.
 * Returns {width, height, node, columns: [{x, nodes: [{x, y, layer, index}]}],
 *          edges: [{layer, from, to, x1, y1, x2, y2, d}]}
 * where node (x, y) is the top-left corner, edge `layer` counts weight matrices from 0
 * (W of the l-th dense layer joins column l to column l + 1), and `d` an SVG path.
 */
export function layoutNetwork(sizes, { width, node = 40, minNode = 20, rowGap = 10, pad = 4, minGap = 22 } = {}) {
  const cols = sizes.length;
  let size = node;
  if (cols > 1) {
    const fit = Math.floor((width - 2 * pad - minGap * (cols - 1)) / cols);
    size = Math.max(minNode, Math.min(node, fit));
  } else {
    size = Math.max(minNode, Math.min(node, width - 2 * pad));
  }
  const span = Math.max(0, width - 2 * pad - size);
  const tallest = Math.max(1, ...sizes);
  const height = 2 * pad + tallest * size + (tallest - 1) * rowGap;
  const columns = sizes.map((n, layer) => {
    const x = pad + (cols > 1 ? (span * layer) / (cols - 1) : span / 2);
    const colHeight = n * size + Math.max(0, n - 1) * rowGap;
    const top = pad + (height - 2 * pad - colHeight) / 2;
    const nodes = Array.from({ length: n }, (_, index) => ({ x, y: top + index * (size + rowGap), layer, index }));
    return { x, nodes };
  });
  const edges = [];
  for (let layer = 0; layer + 1 < cols; layer++) {
    for (const a of columns[layer].nodes) {
      for (const b of columns[layer + 1].nodes) {
        const x1 = a.x + size;
        const y1 = a.y + size / 2;
        const x2 = b.x;
        const y2 = b.y + size / 2;
        edges.push({ layer, from: a.index, to: b.index, x1, y1, x2, y2, d: edgePath(x1, y1, x2, y2) });
      }
    }
  }
  return { width, height, node: size, columns, edges };
}

/** A smooth S-shaped SVG path from (x1, y1) to (x2, y2), leaving and arriving horizontally. */
export function edgePath(x1, y1, x2, y2) {
  const mx = (x1 + x2) / 2;
  const f = (v) => +v.toFixed(1);
  return `M${f(x1)} ${f(y1)}C${f(mx)} ${f(y1)} ${f(mx)} ${f(y2)} ${f(x2)} ${f(y2)}`;
}

/**
 * How a weight is drawn: stroke width grows with |w| (0.5 px at 0, `maxWidth` at |w| >= `ref`),
 * colour by sign on the diverging scale (negative blue, positive red), paler when small.
 */
export function weightStyle(w, { ref = 1, maxWidth = 6 } = {}) {
  const a = Math.min(1, Math.abs(w) / ref);
  const width = +(0.5 + (maxWidth - 0.5) * a).toFixed(2);
  // at least a third of the way out from white, so that a small weight is still seen
  const t = Math.sign(w) * (0.35 + 0.65 * a);
  return { width, color: Number.isFinite(w) ? cssColour(t, -1, 1) : "rgb(128,128,128)" };
}

/**
 * The reference |w| for line widths: the largest |w| over all matrices, rounded up to
 * 1, 2 or 5 times a power of ten (so widths do not jump with every step), at least 0.1.
 */
export function weightRef(matrices) {
  let m = 0;
  for (const W of matrices) for (let i = 0; i < W.length; i++) m = Math.max(m, Math.abs(W[i]) || 0);
  if (m <= 0.1) return 0.1;
  const p = 10 ** Math.floor(Math.log10(m));
  for (const k of [1, 2, 5, 10]) if (m <= k * p * (1 + 1e-12)) return k * p;
  return 10 * p;
}
