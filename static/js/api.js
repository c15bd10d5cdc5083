// REST + WebSocket client for the nnplay server (docs/protocol.md).
// decodeTensor / parseBinaryFrame / decodeForward are pure and tested in tests/js/api.test.mjs.
// Documented for the other views in docs/frontend.md.

import { runForwardJob } from "./lib/forward-job.js";
import { createOffMain } from "./lib/off-main.js";

/** Base64 -> Uint8Array (works in browsers and Node >= 16). */
export function base64ToBytes(b64) {
  if (typeof atob === "function") {
    const s = atob(b64);
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  return new Uint8Array(Buffer.from(b64, "base64"));
}

/** Uint8Array -> base64 (browsers and Node); how the page sends 0..255 grayscale pixels. */
export function bytesToBase64(bytes) {
  if (typeof btoa === "function") {
    let s = "";
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }
  return Buffer.from(bytes).toString("base64");
}

/** Grayscale pixels for a request body: bytes as base64 (a third of a JSON list's size). */
export function pixelsField(pixels) {
  return pixels instanceof Uint8Array || pixels instanceof Uint8ClampedArray ? bytesToBase64(pixels) : Array.from(pixels);
}

function bytesToFloat32(bytes, dtype = "float32", scale = 1, offset = 0) {
  if (dtype === "float32") {
    // Copy when unaligned so the Float32Array view is legal.
    const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
    return new Float32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4);
  }
  if (dtype === "uint8") {
    // Quantised (docs/protocol.md): value = offset + scale * byte.
    const out = new Float32Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) out[i] = offset + scale * bytes[i];
    return out;
  }
  throw new Error(`unsupported tensor dtype ${dtype}`);
}

const count = (shape) => shape.reduce((a, b) => a * b, 1);

/** Tensor object {shape, dtype, data: base64, scale?, offset?} -> {shape, data: Float32Array}. */
export function decodeTensor(t) {
  if (t === null || t === undefined) return null;
  if (t.data instanceof Float32Array) return t;
  const data = bytesToFloat32(base64ToBytes(t.data), t.dtype ?? "float32", t.scale ?? 1, t.offset ?? 0);
  if (data.length !== count(t.shape)) {
    throw new Error(`tensor of shape ${t.shape} has ${data.length} values, expected ${count(t.shape)}`);
  }
  return { shape: t.shape, data };
}

/**
 * A binary WebSocket frame (docs/protocol.md): 4-byte little-endian header length L,
 * UTF-8 JSON header, raw little-endian bytes of one tensor. Returns the header with
 * `data` (Float32Array, dequantised when the header says uint8) added.
 */
export function parseBinaryFrame(arrayBuffer) {
  const view = new DataView(arrayBuffer);
  const n = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(arrayBuffer, 4, n)));
  const bytes = new Uint8Array(arrayBuffer, 4 + n);
  const data = bytesToFloat32(bytes, header.dtype ?? "float32", header.scale ?? 1, header.offset ?? 0);
  if (header.shape && data.length !== count(header.shape)) {
    throw new Error(`frame ${header.name}: ${data.length} values for shape ${header.shape}`);
  }
  return { ...header, data };
}

/** Forward reply -> same object with every tensor decoded to Float32Array once. */
export function decodeForward(reply) {
  return {
    ...reply,
    preprocessed: decodeTensor(reply.preprocessed),
    layers: (reply.layers ?? []).map((l) => ({ ...l, output: decodeTensor(l.output) })),
  };
}

/** Samples reply -> same object with `images` decoded. */
export function decodeSamples(reply) {
  return { ...reply, images: decodeTensor(reply.images) };
}

export class ApiError extends Error {
  constructor(status, detail) {
    const message =
      typeof detail === "string" ? detail : detail?.message ?? JSON.stringify(detail);
    super(message);
    this.status = status;
    this.detail = detail;
    this.field = typeof detail === "object" && detail ? detail.field ?? null : null;
    this.layerIndex = typeof detail === "object" && detail ? detail.layer_index ?? null : null;
  }
}

/** What a refused reply says: its JSON `detail` (or the whole JSON), else its status text. */
export async function replyDetail(response) {
  try {
    const j = await response.json();
    return j.detail ?? j;
  } catch {
    return response.statusText; // not JSON
  }
}

async function request(method, path, body, { raw = false, signal } = {}) {
  const init = { method, signal, headers: {} };
  if (body instanceof FormData || body instanceof Blob) init.body = body;
  else if (body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (!response.ok) throw new ApiError(response.status, await replyDetail(response));
  if (raw) return response;
  if (response.status === 204) return null;
  return response.json();
}

const S = (id) => `/api/sessions/${encodeURIComponent(id)}`;

// Forward replies (about 124 KB of JSON for *small*) are fetched, parsed and decoded in a
// module worker (forward-worker.js), off the main thread; the main thread gets typed arrays.
let offMain = null;
const mainThreadJob = (job) => runForwardJob(job, (url, init) => fetch(url, init));

async function postForward(id, payload, opts) {
  const path = `${S(id)}/forward`;
  let message;
  if (opts?.signal || typeof Worker !== "function") {
    [message] = await mainThreadJob({ id: 0, path, payload }); // abortable, or no workers
  } else {
    offMain ??= createOffMain({
      makeWorker: () => new Worker(new URL("./forward-worker.js", import.meta.url), { type: "module" }),
      fallback: mainThreadJob,
    });
    message = await offMain.run(path, payload);
  }
  if (!message.error) return message.reply;
  if (message.error.status === 0) throw new Error(message.error.detail);
  throw new ApiError(message.error.status, message.error.detail);
}

export const api = {
  describe: (spec) => request("POST", "/api/describe", { spec }),
  layers: () => request("GET", "/api/layers"),
  createSession: (body) => request("POST", "/api/sessions", body),
  getSession: (id) => request("GET", S(id)),
  putSpec: (id, spec, settings) => request("PUT", `${S(id)}/spec`, settings ? { spec, settings } : { spec }),
  putSettings: (id, settings) => request("PUT", `${S(id)}/settings`, { settings }),
  deleteSession: (id) => request("DELETE", S(id)),
  putParams: (id, layer, params) => request("PUT", `${S(id)}/params/${encodeURIComponent(layer)}`, params),
  forward: (id, pixels, width, height, opts) => postForward(id, { pixels, width, height }, opts),
  forwardFile: async (id, file, opts) => {
    const form = new FormData();
    form.append("file", file);
    return decodeForward(await request("POST", `${S(id)}/forward`, form, opts));
  },
  forwardValues: (id, values, shape, opts) => postForward(id, { input: { values: Array.from(values), shape } }, opts),
  forwardSample: (id, split, index, opts) => postForward(id, { sample: { split, index } }, opts),
  cell: (id, params) => request("GET", `${S(id)}/cell?${new URLSearchParams(params)}`),
  dead: (id) => request("GET", `${S(id)}/dead`),
  evaluate: (id, split) => request("GET", `${S(id)}/evaluate?${new URLSearchParams({ split })}`),
  getParams: async (id, layer) => {
    const r = await request("GET", `${S(id)}/params/${encodeURIComponent(layer)}`);
    return { ...r, W: decodeTensor(r.W), b: decodeTensor(r.b) };
  },
  datasetSamples: async (name, params = {}) =>
    decodeSamples(await request("GET", `/api/datasets/${encodeURIComponent(name)}/samples?${new URLSearchParams(params)}`)),
  sessionSamples: async (id, params = {}) =>
    decodeSamples(await request("GET", `${S(id)}/dataset/samples?${new URLSearchParams(params)}`)),
  confusionSamples: async (id, params) =>
    decodeSamples(await request("GET", `${S(id)}/confusion/samples?${new URLSearchParams(params)}`)),
  listSamples: async (id) => {
    const r = await request("GET", `${S(id)}/samples`);
    return { ...r, images: decodeTensor(r.images) };
  },
  addSample: (id, body) => request("POST", `${S(id)}/samples`, body),
  removeSample: (id, sampleId) => request("DELETE", `${S(id)}/samples/${encodeURIComponent(sampleId)}`),
  uploadZip: (id, file) => {
    const form = new FormData();
    form.append("file", file);
    return request("POST", `${S(id)}/dataset/zip`, form);
  },
  landscape: (id, body) => request("POST", `${S(id)}/landscape`, body),
  planar: async (id) => {
    const r = await request("GET", `${S(id)}/planar`);
    const split = (s) => (s ? { ...s, x: decodeTensor(s.x), y: decodeTensor(s.y) } : null);
    return { ...r, splits: { train: split(r.splits?.train), val: split(r.splits?.val) } };
  },
  evaluate: (id, split) => request("GET", `${S(id)}/evaluate?split=${encodeURIComponent(split)}`),
  grid: (id, size) => request("GET", `${S(id)}/grid?size=${encodeURIComponent(size)}`),
  exportUrl: (id) => `${S(id)}/export.npz`,
  exportPyUrl: (id) => `${S(id)}/export.py`,
  importModel: (file) => {
    const form = new FormData();
    form.append("file", file);
    return request("POST", "/api/sessions/import", form);
  },
};

/**
 * One WebSocket per open page, attached to a session. send(cmd) assigns a seq and returns
 * it; onMessage(fn) receives every decoded message: JSON messages as objects, binary frames
 * (one tensor each) as {...header, data: Float32Array}. Reconnects on drop.
 */
export function createSocket(sessionId, { onMessage, onState } = {}) {
  let ws = null;
  let seq = 0;
  let closed = false;
  let retry = 0;
  const queue = [];
  const handlers = new Set(onMessage ? [onMessage] : []);

  function url() {
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    return `${proto}//${location.host}${S(sessionId)}/ws`;
  }

  function open() {
    onState?.("connecting");
    ws = new WebSocket(url());
    ws.binaryType = "arraybuffer";
    ws.onopen = () => {
      retry = 0;
      onState?.("open");
      while (queue.length) ws.send(queue.shift());
    };
    ws.onmessage = (ev) => {
      let msg;
      if (typeof ev.data === "string") msg = JSON.parse(ev.data);
      else msg = parseBinaryFrame(ev.data);
      for (const fn of handlers) fn(msg);
    };
    ws.onclose = () => {
      onState?.("closed");
      if (closed) return;
      retry = Math.min(retry + 1, 5);
      setTimeout(open, 300 * retry);
    };
  }

  function send(cmd) {
    seq += 1;
    const text = JSON.stringify({ ...cmd, seq });
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(text);
    else queue.push(text);
    return seq;
  }

  open();
  return {
    send,
    subscribe(fn) {
      handlers.add(fn);
      return () => handlers.delete(fn);
    },
    close() {
      closed = true;
      ws?.close();
    },
  };
}
