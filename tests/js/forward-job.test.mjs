import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeForward } from "../../static/js/api.js";
import { forwardBody, runForwardJob, transferList } from "../../static/js/lib/forward-job.js";
import { createOffMain } from "../../static/js/lib/off-main.js";

const b64 = (f32) => Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength).toString("base64");

/** A forward reply as the server writes it: float32 and uint8 tensors, odd sizes. */
function replyJson() {
  const img = Float32Array.from({ length: 28 * 28 }, (_, i) => ((i * 7919) % 1000) / 999);
  const conv = Float32Array.from({ length: 3 * 5 * 5 }, (_, i) => Math.sin(i) * 3.5);
  const q = Buffer.from(Uint8Array.from({ length: 7 }, (_, i) => i * 40)).toString("base64");
  return {
    prediction: 2, class_names: ["a", "b", "c"], probabilities: [0.1, 0.2, 0.7],
    preprocessed: { shape: [1, 28, 28], dtype: "float32", data: b64(img) },
    layers: [
      { name: "conv1", type: "conv2d", shape: [3, 5, 5], output: { shape: [3, 5, 5], dtype: "float32", data: b64(conv) } },
      { name: "relu1", type: "relu", shape: [7], output: { shape: [7], dtype: "uint8", scale: 0.5, offset: -1, data: q } },
      { name: "softmax1", type: "softmax", shape: [3], output: { shape: [3], dtype: "float32", data: b64(new Float32Array([0.1, 0.2, 0.7])) } },
    ],
  };
}

/** fetch returning `json` with `status`, remembering what it was sent. */
function fakeFetch(json, status = 200) {
  const calls = [];
  const fn = async (url, init) => {
    calls.push({ url, init });
    return { ok: status < 400, status, statusText: "Unprocessable", json: async () => JSON.parse(JSON.stringify(json)) };
  };
  fn.calls = calls;
  return fn;
}

const values = (reply) => [reply.preprocessed, ...reply.layers.map((l) => l.output)].map((t) => Array.from(t.data));

test("the worker's decode, moved across a transfer, equals the main thread's on the same bytes", async () => {
  const json = replyJson();
  const [message, transfer] = await runForwardJob({ id: 7, path: "/api/sessions/s/forward", payload: { sample: { split: "val", index: 3 } } }, fakeFetch(json));
  assert.equal(message.id, 7);
  assert.equal(transfer.length, 4, "one buffer per tensor, each listed once");
  const moved = structuredClone(message, { transfer }); // what postMessage does
  const main = decodeForward(JSON.parse(JSON.stringify(json)));
  assert.deepEqual(values(moved.reply), values(main));
  assert.deepEqual(moved.reply.layers.map((l) => l.output.shape), main.layers.map((l) => l.output.shape));
  assert.equal(moved.reply.prediction, 2);
  assert.deepEqual(moved.reply.class_names, ["a", "b", "c"]);
  assert.ok(moved.reply.layers[0].output.data instanceof Float32Array);
  assert.equal(message.reply.preprocessed.data.length, 0, "the worker's copy was moved, not copied");
});

test("the body is the one the page sent before: pixels as base64 bytes, values as a list", () => {
  const pixels = Uint8Array.from({ length: 300 }, (_, i) => i % 256);
  const body = JSON.parse(forwardBody({ pixels, width: 20, height: 15 }));
  assert.deepEqual(new Uint8Array(Buffer.from(body.pixels, "base64")), pixels);
  assert.equal(body.width, 20);
  assert.deepEqual(JSON.parse(forwardBody({ input: { values: new Float32Array([1, -2.5]), shape: [1, 1, 2] } })),
    { input: { values: [1, -2.5], shape: [1, 1, 2] } });
  assert.deepEqual(JSON.parse(forwardBody({ sample: { split: "val", index: 4 } })), { sample: { split: "val", index: 4 } });
});

test("a refused forward comes back as the server's status and detail, with nothing to transfer", async () => {
  const detail = { message: "weights overflow", field: "input" };
  const [message, transfer] = await runForwardJob({ id: 1, path: "/x", payload: { sample: { split: "val", index: 0 } } }, fakeFetch({ detail }, 422));
  assert.deepEqual(message, { id: 1, error: { status: 422, detail } });
  assert.deepEqual(transfer, []);
  const [lost] = await runForwardJob({ id: 2, path: "/x", payload: {} }, async () => { throw new TypeError("Failed to fetch"); });
  assert.deepEqual(lost, { id: 2, error: { status: 0, detail: "Failed to fetch" } });
});

test("transferList names each distinct buffer once", () => {
  const shared = new Float32Array(8);
  const reply = { preprocessed: { data: shared.subarray(0, 4) }, layers: [{ output: { data: shared.subarray(4) } }, { output: null }] };
  assert.deepEqual(transferList(reply), [shared.buffer]);
});

/** A fake Worker that runs the job in this thread and answers asynchronously, like one. */
function fakeWorker(fetchFn, log) {
  const w = {
    postMessage(job) {
      log.push(job.id);
      runForwardJob(job, fetchFn).then(([m, transfer]) => setTimeout(() => w.onmessage({ data: structuredClone(m, { transfer }) })));
    },
    terminate() {},
  };
  return w;
}

test("off-main: jobs go to the worker and each reply reaches its own caller", async () => {
  const log = [];
  const fetchFn = async (url, init) => ({ ok: true, status: 200, json: async () => ({ ...replyJson(), prediction: JSON.parse(init.body).sample.index }) });
  const off = createOffMain({ makeWorker: () => fakeWorker(fetchFn, log), fallback: () => assert.fail("no fallback") });
  const [a, b] = await Promise.all([off.run("/f", { sample: { split: "val", index: 1 } }), off.run("/f", { sample: { split: "val", index: 2 } })]);
  assert.equal(a.reply.prediction, 1);
  assert.equal(b.reply.prediction, 2);
  assert.deepEqual(log, [1, 2]);
  assert.equal(off.usingWorker, true);
});

test("off-main: a worker that cannot start or dies hands every job to the main thread", async () => {
  const main = (job) => runForwardJob(job, fakeFetch(replyJson()));
  const none = createOffMain({ makeWorker: () => { throw new Error("no module workers"); }, fallback: main });
  assert.equal((await none.run("/f", { sample: { split: "val", index: 0 } })).reply.prediction, 2);
  assert.equal(none.usingWorker, false);

  let worker = null;
  const dies = createOffMain({ makeWorker: () => (worker = { postMessage() {}, terminate() {} }), fallback: main });
  const waiting = dies.run("/f", { sample: { split: "val", index: 0 } }); // posted, never answered
  worker.onerror({ preventDefault() {} });
  assert.equal((await waiting).reply.prediction, 2, "the waiting job was run on the main thread");
  assert.equal((await dies.run("/f", { sample: { split: "val", index: 0 } })).reply.prediction, 2);
  assert.equal(dies.usingWorker, false);
});
