// What the 2-D data view takes from the session's WebSocket (docs/protocol.md, "The lab: 2-D
// data"): grids (one binary frame per layer, already decoded by api.js's parseBinaryFrame, then a
// closing `grid` message) and the weights (the W and b frames of a trace or probe, then its
// `trace` message). Collects the frames of one grid or trace and hands over the whole.
// Pure: no DOM. Tested in tests/js/lab-plane-wire.test.mjs.

/**
 * Feed every message to `accept(m)`; `onGrid(grid)` is called once a grid is complete with
 * {id, seq, step, size, extent, layers: [{name, dense, role, units, data (Float32Array
 * units*S*S, row 0 the top of the plane), min, max}]}, in network order. A grid whose frames
 * do not all arrive (a dropped socket) is never handed over.
 */
export function createGridCollector(onGrid) {
  const pending = new Map(); // grid_id -> frames
  function accept(m) {
    if (m.type !== "grid") return false;
    if (m.data) {
      // a frame of the grid
      const list = pending.get(m.grid_id) ?? [];
      list.push(m);
      pending.set(m.grid_id, list);
      return true;
    }
    const frames = pending.get(m.grid_id) ?? [];
    pending.delete(m.grid_id);
    for (const id of pending.keys()) if (id < m.grid_id) pending.delete(id); // left over from a drop
    if (frames.length !== m.frames) return true;
    frames.sort((a, b) => a.index - b.index);
    const layers = frames.map((f) => {
      const { min, max } = rangeOf(f.data);
      return { name: f.name, dense: f.dense ?? null, role: f.role, units: f.shape[0], shape: f.shape, data: f.data, min, max };
    });
    onGrid({ id: m.grid_id, seq: m.seq, step: m.step, size: m.size, extent: m.extent, layers });
    return true;
  }
  return { accept };
}

/**
 * Weights from trace/probe frames of kinds W and b: `onWeights(weights, message)` once a trace
 * closes, weights {dense1: {W: Float32Array (in*out, row-major (in, out)), shape: [in, out],
 * b: Float32Array}, ...} for the dense layers it carried. Traces without W frames are ignored.
 */
export function createWeightCollector(onWeights) {
  const pending = new Map(); // trace_id -> {layer: {W, shape, b}}
  function accept(m) {
    if (m.type === "tensor" && (m.kind === "W" || m.kind === "b")) {
      const layers = pending.get(m.trace_id) ?? {};
      const entry = layers[m.layer] ?? {};
      if (m.kind === "W") {
        entry.W = m.data;
        entry.shape = m.shape;
      } else entry.b = m.data;
      layers[m.layer] = entry;
      pending.set(m.trace_id, layers);
      return true;
    }
    if (m.type === "trace") {
      const layers = pending.get(m.trace_id);
      pending.delete(m.trace_id);
      for (const id of pending.keys()) if (id < m.trace_id) pending.delete(id);
      if (layers && Object.values(layers).some((l) => l.W)) onWeights(layers, m);
      return true;
    }
    return false;
  }
  return { accept };
}

function rangeOf(data) {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min === Infinity ? { min: 0, max: 0 } : { min, max };
}

/** The value of grid layer `layer` (from createGridCollector) for `unit` at row i, column j. */
export function gridValue(layer, unit, i, j) {
  const s = layer.shape[1];
  return layer.data[(unit * s + i) * s + j];
}

/** The value of grid layer `layer`'s `unit` at the plane point (x1, x2) (clamped into
 *  `extent`), interpolated bilinearly between the four grid cells round it: at a cell's
 *  centre that cell's value, between cells not the nearest one's. */
export function gridValueAt(layer, unit, extent, size, x1, x2) {
  const [a, b] = extent.x1;
  const [c, d] = extent.x2;
  const clamp = (v) => Math.min(size - 1, Math.max(0, v));
  const fj = clamp(((x1 - a) / (b - a)) * (size - 1));
  const fi = clamp(((d - x2) / (d - c)) * (size - 1));
  const j0 = Math.min(size - 2, Math.floor(fj));
  const i0 = Math.min(size - 2, Math.floor(fi));
  const tj = fj - j0;
  const ti = fi - i0;
  const v = (i, j) => gridValue(layer, unit, i, j);
  const top = (1 - tj) * v(i0, j0) + tj * v(i0, j0 + 1);
  const bottom = (1 - tj) * v(i0 + 1, j0) + tj * v(i0 + 1, j0 + 1);
  return (1 - ti) * top + ti * bottom;
}

/** Nearest grid cell [i, j] to the plane point (x1, x2) on a grid of `size` over `extent`. */
export function gridCell(extent, size, x1, x2) {
  const [a, b] = extent.x1;
  const [c, d] = extent.x2;
  const j = Math.round(((x1 - a) / (b - a)) * (size - 1));
  const i = Math.round(((d - x2) / (d - c)) * (size - 1));
  const clamp = (v) => Math.min(size - 1, Math.max(0, v));
  return [clamp(i), clamp(j)];
}

/** W (Float32Array, row-major (in, out)) as nested lists with W[i][j] replaced by `value`. */
export function matrixWith(W, shape, i, j, value) {
  return matrixWithAll(W, shape, [[i, j, value]]);
}

/** W as nested lists with every [i, j, value] of `changes` applied. */
export function matrixWithAll(W, shape, changes) {
  const [rows, cols] = shape;
  const out = [];
  for (let r = 0; r < rows; r++) out.push(Array.from(W.subarray(r * cols, (r + 1) * cols)));
  for (const [i, j, value] of changes) out[i][j] = value;
  return out;
}
