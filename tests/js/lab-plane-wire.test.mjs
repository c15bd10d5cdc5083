import assert from "node:assert/strict";
import { test } from "node:test";
import { parseBinaryFrame } from "../../static/js/api.js";
import { createGridCollector, createWeightCollector, gridCell, gridValue, gridValueAt, matrixWith, matrixWithAll } from "../../static/js/lab/plane/wire.js";

// A binary frame as the server builds it (docs/protocol.md), decoded by api.js like the page does.
function frame(header, bytes) {
  let text = JSON.stringify(header);
  while ((4 + text.length) % 4) text += " ";
  const h = Buffer.from(text);
  const buf = new ArrayBuffer(4 + h.length + bytes.length);
  new DataView(buf).setUint32(0, h.length, true);
  new Uint8Array(buf, 4, h.length).set(h);
  new Uint8Array(buf, 4 + h.length).set(bytes);
  return parseBinaryFrame(buf);
}

const extent = { x1: [-6, 6], x2: [-6, 6] };
const gridFrame = (id, index, name, role, units, bytes, scale = 0.5, offset = -1) =>
  frame({ seq: 9, type: "grid", grid_id: id, name, layer: name, dense: role === "input" ? null : "dense1", role, index, count: 2,
    shape: [units, 2, 2], dtype: "uint8", scale, offset, step: 12, size: 2, extent }, Uint8Array.from(bytes));

test("a grid is handed over whole, in network order, dequantised, once its message closes it", () => {
  const got = [];
  const c = createGridCollector((g) => got.push(g));
  // frames may arrive in any order; the closing message comes last
  c.accept(gridFrame(4, 1, "tanh1", "output", 1, [0, 1, 2, 4]));
  c.accept(gridFrame(4, 0, "input", "input", 2, [0, 0, 0, 0, 2, 2, 2, 2]));
  assert.equal(got.length, 0);
  assert.equal(c.accept({ seq: 9, type: "grid", grid_id: 4, step: 12, size: 2, extent, frames: 2, layers: [] }), true);
  assert.equal(got.length, 1);
  const g = got[0];
  assert.deepEqual([g.id, g.seq, g.step, g.size], [4, 9, 12, 2]);
  assert.deepEqual(g.layers.map((l) => [l.name, l.role, l.units, l.dense]), [["input", "input", 2, null], ["tanh1", "output", 1, "dense1"]]);
  assert.deepEqual(Array.from(g.layers[1].data), [-1, -0.5, 0, 1]);
  assert.equal(g.layers[1].min, -1);
  assert.equal(g.layers[1].max, 1);
  assert.equal(gridValue(g.layers[0], 1, 1, 0), 0);
  assert.equal(gridValue(g.layers[1], 0, 1, 1), 1);
});

test("a grid missing a frame is dropped, and older leftovers are forgotten", () => {
  const got = [];
  const c = createGridCollector((g) => got.push(g));
  c.accept(gridFrame(5, 0, "input", "input", 2, [0, 0, 0, 0, 0, 0, 0, 0]));
  c.accept({ type: "grid", grid_id: 5, frames: 2, step: 1, size: 2, extent, layers: [] });
  assert.equal(got.length, 0);
  c.accept(gridFrame(6, 0, "input", "input", 2, [0, 0, 0, 0, 0, 0, 0, 0]));
  c.accept(gridFrame(7, 0, "input", "input", 2, [0, 0, 0, 0, 0, 0, 0, 0]));
  c.accept(gridFrame(7, 1, "tanh1", "output", 1, [0, 0, 0, 0]));
  c.accept({ type: "grid", grid_id: 7, frames: 2, step: 2, size: 2, extent, layers: [] });
  assert.equal(got.length, 1);
  assert.equal(got[0].id, 7);
  assert.equal(c.accept({ type: "progress" }), false);
});

test("weights come from a trace's W and b frames", () => {
  const got = [];
  const c = createWeightCollector((w, m) => got.push([w, m]));
  const W = new Float32Array([1, 2, 3, 4, 5, 6]);
  const b = new Float32Array([0.5, -0.5, 0]);
  c.accept(frame({ type: "tensor", trace_id: 3, name: "dense1.W", layer: "dense1", kind: "W", shape: [2, 3], dtype: "float32" }, new Uint8Array(W.buffer)));
  c.accept(frame({ type: "tensor", trace_id: 3, name: "dense1.b", layer: "dense1", kind: "b", shape: [3], dtype: "float32" }, new Uint8Array(b.buffer)));
  assert.equal(c.accept(frame({ type: "tensor", trace_id: 3, name: "dense1.output", layer: "dense1", kind: "output", shape: [3], dtype: "float32" }, new Uint8Array(b.buffer))), false);
  c.accept({ type: "trace", trace_id: 3, probe: true });
  assert.equal(got.length, 1);
  assert.deepEqual(got[0][0].dense1.shape, [2, 3]);
  assert.deepEqual(Array.from(got[0][0].dense1.W), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(Array.from(got[0][0].dense1.b), [0.5, -0.5, 0]);
  c.accept({ type: "trace", trace_id: 8, probe: false });
  assert.equal(got.length, 1, "a trace without weights hands nothing over");
});

test("gridCell: corners and centre of the plane, clamped outside", () => {
  assert.deepEqual(gridCell(extent, 5, -6, 6), [0, 0]);
  assert.deepEqual(gridCell(extent, 5, 6, -6), [4, 4]);
  assert.deepEqual(gridCell(extent, 5, 0, 0), [2, 2]);
  assert.deepEqual(gridCell(extent, 5, 3, 3), [1, 3]);
  assert.deepEqual(gridCell(extent, 5, 60, -60), [4, 4]);
});

test("matrixWith changes one entry of a row-major (in, out) matrix", () => {
  const W = new Float32Array([1, 2, 3, 4, 5, 6]);
  assert.deepEqual(matrixWith(W, [2, 3], 1, 2, -7), [[1, 2, 3], [4, 5, -7]]);
  assert.deepEqual(Array.from(W), [1, 2, 3, 4, 5, 6]);
});

test("matrixWithAll applies every change (a neuron's incoming column)", () => {
  const W = new Float32Array([1, 2, 3, 4, 5, 6]);
  assert.deepEqual(matrixWithAll(W, [3, 2], [[0, 1, 9], [2, 1, -9]]), [[1, 9], [3, 4], [5, -9]]);
  assert.deepEqual(matrixWithAll(W, [3, 2], []), [[1, 2], [3, 4], [5, 6]]);
});

test("gridValueAt interpolates between cells: exact on a plane, a cell's own value at its centre", () => {
  // a 5 x 5 grid over [-6, 6]^2 of f(x1, x2) = 2 x1 - x2 + 1 (bilinear interpolation is exact)
  const S = 5;
  const f = (x1, x2) => 2 * x1 - x2 + 1;
  const data = new Float32Array(S * S);
  for (let i = 0; i < S; i++) for (let j = 0; j < S; j++) data[i * S + j] = f(-6 + j * 3, 6 - i * 3);
  const layer = { shape: [1, S, S], data };
  for (const [x1, x2] of [[0, 0], [1, -2], [-5.5, 4.25], [6, -6], [-6, 6], [2.9, 0.1]]) {
    assert.ok(Math.abs(gridValueAt(layer, 0, extent, S, x1, x2) - f(x1, x2)) < 1e-5, `${x1}, ${x2}`);
  }
  assert.equal(gridValueAt(layer, 0, extent, S, 3, 3), gridValue(layer, 0, 1, 3));
  assert.equal(gridValueAt(layer, 0, extent, S, 60, -60), f(6, -6)); // clamped into the extent
});
