import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeForward, decodeTensor, parseBinaryFrame, pixelsField } from "../../static/js/api.js";

const b64 = (arr) => Buffer.from(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength)).toString("base64");

test("decodeTensor reads base64 float32 little-endian", () => {
  const src = new Float32Array([1.5, -2.25, 0, 3e-8, 1e6, -0.125]);
  const t = decodeTensor({ shape: [2, 3], dtype: "float32", data: b64(src) });
  assert.deepEqual(t.shape, [2, 3]);
  assert.ok(t.data instanceof Float32Array);
  assert.deepEqual(Array.from(t.data), Array.from(src));
});

test("decodeTensor refuses a shape that does not match the bytes", () => {
  const src = new Float32Array([1, 2, 3]);
  assert.throws(() => decodeTensor({ shape: [2, 2], dtype: "float32", data: b64(src) }), /expected 4/);
});

test("decodeTensor dequantises uint8 as offset + scale * byte", () => {
  const t = decodeTensor({ shape: [3], dtype: "uint8", scale: 0.01, offset: -1, data: Buffer.from([0, 200, 50]).toString("base64") });
  assert.deepEqual(Array.from(t.data).map((v) => +v.toFixed(4)), [-1, 1, -0.5]);
});

function frame(header, bodyBytes, pad = true) {
  let text = JSON.stringify(header);
  if (pad) while ((4 + text.length) % 4) text += " ";
  const h = Buffer.from(text);
  const buf = new ArrayBuffer(4 + h.length + bodyBytes.length);
  new DataView(buf).setUint32(0, h.length, true);
  new Uint8Array(buf, 4, h.length).set(h);
  new Uint8Array(buf, 4 + h.length).set(bodyBytes);
  return buf;
}

test("binary frame: header length, JSON header, one float32 tensor", () => {
  const a = new Float32Array([1, 2, 3, 4]);
  const header = { seq: 3, type: "tensor", trace_id: 1, name: "conv1.output", layer: "conv1", kind: "output", shape: [1, 2, 2], dtype: "float32" };
  const msg = parseBinaryFrame(frame(header, new Uint8Array(a.buffer)));
  assert.equal(msg.seq, 3);
  assert.equal(msg.name, "conv1.output");
  assert.deepEqual(Array.from(msg.data), [1, 2, 3, 4]);
});

test("binary frame: an unpadded header (unaligned data) still decodes", () => {
  const a = new Float32Array([-1, 0.5]);
  const header = { type: "tensor", name: "x.grad_output", shape: [2], dtype: "float32", p: "abc" };
  const buf = frame(header, new Uint8Array(a.buffer), false);
  assert.deepEqual(Array.from(parseBinaryFrame(buf).data), [-1, 0.5]);
});

test("binary frame: quantised uint8 and a shape mismatch", () => {
  const header = { type: "tensor", shape: [2], dtype: "uint8", scale: 0.5, offset: 1 };
  assert.deepEqual(Array.from(parseBinaryFrame(frame(header, new Uint8Array([0, 4]))).data), [1, 3]);
  assert.throws(() => parseBinaryFrame(frame({ ...header, shape: [3] }, new Uint8Array([0, 4]))), /shape/);
});

test("decodeForward decodes the preprocessed image and every layer once", () => {
  const img = new Float32Array(4).fill(0.5);
  const out = new Float32Array([0.1, 0.9]);
  const reply = decodeForward({
    prediction: 1, class_names: ["a", "b"], probabilities: [0.1, 0.9],
    preprocessed: { shape: [1, 2, 2], dtype: "float32", data: b64(img) },
    layers: [{ name: "softmax1", type: "softmax", shape: [2], output: { shape: [2], dtype: "float32", data: b64(out) } }],
  });
  assert.deepEqual(Array.from(reply.preprocessed.data), [0.5, 0.5, 0.5, 0.5]);
  assert.ok(Math.abs(reply.layers[0].output.data[1] - 0.9) < 1e-7);
  assert.equal(reply.prediction, 1);
});

test("pixelsField sends bytes as base64 that decode to the same bytes, across chunk borders", () => {
  const bytes = new Uint8Array(280 * 280 + 7);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 37 + (i >> 8)) % 256;
  const field = pixelsField(bytes);
  assert.equal(typeof field, "string");
  assert.deepEqual(new Uint8Array(Buffer.from(field, "base64")), bytes);
  assert.deepEqual(pixelsField(new Float32Array([0, 0.5, 1])), [0, 0.5, 1]);
});
