import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeForward, decodeFrameTensors, decodeTensor, parseBinaryFrame } from "../../static/js/api.js";

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

test("decodeTensor dequantises uint8 with min/max", () => {
  const t = decodeTensor({ shape: [3], dtype: "uint8", min: -1, max: 1, data: Buffer.from([0, 255, 51]).toString("base64") });
  assert.deepEqual(Array.from(t.data).map((v) => +v.toFixed(3)), [-1, 1, -0.6]);
});

function frame(header, bodyBytes) {
  const h = Buffer.from(JSON.stringify(header));
  const buf = new ArrayBuffer(4 + h.length + bodyBytes.length);
  new DataView(buf).setUint32(0, h.length, true);
  new Uint8Array(buf, 4, h.length).set(h);
  new Uint8Array(buf, 4 + h.length).set(bodyBytes);
  return buf;
}

test("binary frames: header length, JSON header, tensors cut from the body", () => {
  const a = new Float32Array([1, 2, 3, 4]);
  const b = new Float32Array([-1, 0.5]);
  const body = new Uint8Array(24);
  body.set(new Uint8Array(a.buffer), 0);
  body.set(new Uint8Array(b.buffer), 16);
  const header = {
    seq: 3, type: "trace",
    tensors: [
      { name: "conv1.output", shape: [1, 2, 2], dtype: "float32", offset: 0, nbytes: 16 },
      { name: "loss", shape: [2], dtype: "float32", offset: 16, nbytes: 8 },
    ],
  };
  // An odd-length header puts the body at an unaligned offset: must still decode.
  header.pad = "x".repeat((4 - (JSON.stringify(header).length % 4)) % 4 + 1);
  const parsed = parseBinaryFrame(frame(header, body));
  assert.equal(parsed.header.seq, 3);
  const tensors = decodeFrameTensors(parsed.header, parsed.body);
  assert.deepEqual(Array.from(tensors[0].data), [1, 2, 3, 4]);
  assert.deepEqual(Array.from(tensors[1].data), [-1, 0.5]);
  assert.equal(tensors[1].name, "loss");
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
