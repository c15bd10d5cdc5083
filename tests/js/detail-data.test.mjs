// Data plumbing of the detail views (static/js/detail/data.js): the cell loader keeps one
// request in flight and always ends on the latest cell; layer context indexes the forward.
import test from "node:test";
import assert from "node:assert/strict";
import { createCellLoader, layerContext, at, channel } from "../../static/js/detail/data.js";

function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

test("while a request is out, only the newest asked-for cell is fetched next", async () => {
  const calls = [];
  const pending = [];
  const replies = [];
  const loader = createCellLoader((params) => {
    calls.push(params.col);
    const d = deferred();
    pending.push(d);
    return d.promise;
  }, (reply) => replies.push(reply));
  loader.request({ col: 0 });
  loader.request({ col: 1 });
  loader.request({ col: 2 });
  loader.request({ col: 3 });
  assert.deepEqual(calls, [0]); // one in flight
  pending[0].resolve("r0");
  await tick();
  assert.deepEqual(calls, [0, 3]); // 1 and 2 were skipped
  assert.deepEqual(replies, []); // the reply for 0 is stale: not delivered
  pending[1].resolve("r3");
  await tick();
  assert.deepEqual(replies, ["r3"]);
  assert.equal(loader.cached({ col: 0 }), "r0"); // but kept for later
  loader.request({ col: 0 });
  await tick();
  assert.deepEqual(calls, [0, 3]); // served from the cache
  assert.deepEqual(replies, ["r3", "r0"]);
});

test("errors reach the error handler for the cell still wanted, and the loader goes on", async () => {
  const errors = [];
  const replies = [];
  let n = 0;
  const loader = createCellLoader(async (p) => {
    n++;
    if (p.col === 1) throw new Error("no such cell");
    return `ok${p.col}`;
  }, (r) => replies.push(r), (e, p) => errors.push([e.message, p.col]));
  loader.request({ col: 1 });
  await tick();
  await tick();
  assert.deepEqual(errors, [["no such cell", 1]]);
  loader.request({ col: 2 });
  await tick();
  await tick();
  assert.deepEqual(replies, ["ok2"]);
  loader.destroy();
  loader.request({ col: 4 });
  await tick();
  assert.equal(n, 2);
});

test("layer context: the input of a layer is the previous layer's output, indexed", () => {
  const fwd = {
    preprocessed: { shape: [1, 2, 2], data: new Float32Array([1, 2, 3, 4]) },
    layers: [
      { name: "conv1", type: "conv2d", shape: [2, 2, 2], output: { shape: [2, 2, 2], data: new Float32Array([0, 1, 2, 3, 4, 5, 6, 7]) } },
      { name: "relu1", type: "relu", shape: [2, 2, 2], output: { shape: [2, 2, 2], data: new Float32Array(8) } },
    ],
  };
  const spec = { layers: [{ name: "conv1", type: "conv2d", kernel: 3 }, { name: "relu1", type: "relu" }] };
  const store = { get: (k) => ({ lastForward: fwd, spec })[k] };
  const first = layerContext(store, "conv1");
  assert.equal(first.input.data, fwd.preprocessed.data); // the same array, not a copy
  assert.equal(first.spec.kernel, 3);
  const second = layerContext(store, "relu1");
  assert.equal(second.input.data, fwd.layers[0].output.data);
  assert.equal(second.previous.name, "conv1");
  assert.equal(at(second.input, 1, 0, 1), 5);
  assert.deepEqual(Array.from(channel(second.input, 1).data), [4, 5, 6, 7]);
  assert.equal(layerContext(store, "nope"), null);
});
