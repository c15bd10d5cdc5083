// One forward request as a job that runs off the page's main thread (forward-worker.js):
// build the body, POST it, parse the JSON reply and decode its tensors into Float32Arrays,
// then hand the decoded reply back with the list of buffers to *transfer* (moved, not copied).
// Pure apart from the `fetch` it is given; tests/js/forward-job.test.mjs runs it with a fake.

import { decodeForward, pixelsField, replyDetail } from "../api.js";

/**
 * The JSON body of POST .../forward for `payload`: {pixels: Uint8Array, width, height},
 * {input: {values, shape}} or {sample: {split, index}}; pixels go as base64 bytes.
 */
export function forwardBody(payload) {
  if (payload.pixels) return JSON.stringify({ pixels: pixelsField(payload.pixels), width: payload.width, height: payload.height });
  if (payload.input) return JSON.stringify({ input: { values: Array.from(payload.input.values), shape: payload.input.shape } });
  return JSON.stringify(payload);
}

/** Every distinct ArrayBuffer behind a decoded forward reply's tensors (to transfer). */
export function transferList(reply) {
  const buffers = new Set();
  const add = (t) => {
    if (t?.data?.buffer instanceof ArrayBuffer) buffers.add(t.data.buffer);
  };
  add(reply.preprocessed);
  for (const layer of reply.layers ?? []) add(layer.output);
  return [...buffers];
}

/**
 * Runs job {id, path, payload} with `fetchFn`. Resolves to [message, transfer]:
 * {id, reply} (decoded) with its buffers, or {id, error: {status, detail}} with none
 * (status 0: the request never got a reply).
 */
export async function runForwardJob({ id, path, payload }, fetchFn) {
  try {
    const response = await fetchFn(path, { method: "POST", headers: { "content-type": "application/json" }, body: forwardBody(payload) });
    if (!response.ok) {
      return [{ id, error: { status: response.status, detail: await replyDetail(response) } }, []];
    }
    const reply = decodeForward(await response.json());
    return [{ id, reply }, transferList(reply)];
  } catch (err) {
    return [{ id, error: { status: 0, detail: String(err?.message ?? err) } }, []];
  }
}
