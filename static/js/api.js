// REST + WebSocket client for the nnplay server (docs/protocol.md).
// decodeTensor / parseBinaryFrame / decodeForward are pure and tested in tests/js/api.test.mjs.
// Documented for the other views in docs/frontend.md.

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

function bytesToFloat32(bytes, dtype = "float32", scale = null) {
  if (dtype === "float32") {
    // Copy when unaligned so the Float32Array view is legal.
    const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
    return new Float32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4);
  }
  if (dtype === "uint8") {
    // Quantised: value = min + q / 255 * (max - min), scale = {min, max}.
    const out = new Float32Array(bytes.length);
    const lo = scale?.min ?? 0;
    const span = (scale?.max ?? 1) - lo;
    for (let i = 0; i < bytes.length; i++) out[i] = lo + (bytes[i] / 255) * span;
    return out;
  }
  throw new Error(`unsupported tensor dtype ${dtype}`);
}

/** {shape, dtype, data: base64} -> {shape, data: Float32Array}. */
export function decodeTensor(t) {
  if (t === null || t === undefined) return null;
  if (t.data instanceof Float32Array) return t;
  const bytes = base64ToBytes(t.data);
  const data = bytesToFloat32(bytes, t.dtype ?? "float32", t.scale ?? (t.min !== undefined ? { min: t.min, max: t.max } : null));
  const expected = t.shape.reduce((a, b) => a * b, 1);
  if (data.length !== expected) {
    throw new Error(`tensor of shape ${t.shape} has ${data.length} values, expected ${expected}`);
  }
  return { shape: t.shape, data };
}

/**
 * A binary WebSocket frame: 4-byte little-endian header length, UTF-8 JSON header, raw bytes.
 * Returns {header, body: Uint8Array}. The header says how to cut the body into tensors
 * (see decodeFrameTensors).
 */
export function parseBinaryFrame(arrayBuffer) {
  const view = new DataView(arrayBuffer);
  const n = view.getUint32(0, true);
  const headerBytes = new Uint8Array(arrayBuffer, 4, n);
  const header = JSON.parse(new TextDecoder().decode(headerBytes));
  const body = new Uint8Array(arrayBuffer, 4 + n);
  return { header, body };
}

/**
 * Cut a binary frame body into tensors: header.tensors = [{name?, shape, dtype, offset,
 * nbytes, min?, max?}] -> [{...meta, data: Float32Array}].
 */
export function decodeFrameTensors(header, body) {
  return (header.tensors ?? []).map((t) => {
    const start = t.offset ?? 0;
    const len = t.nbytes ?? t.shape.reduce((a, b) => a * b, 1) * (t.dtype === "uint8" ? 1 : 4);
    const bytes = body.subarray(start, start + len);
    const scale = t.min !== undefined ? { min: t.min, max: t.max } : t.scale ?? null;
    return { ...t, data: bytesToFloat32(bytes, t.dtype ?? "float32", scale) };
  });
}

/** Forward reply -> same object with every tensor decoded to Float32Array once. */
export function decodeForward(reply) {
  return {
    ...reply,
    preprocessed: decodeTensor(reply.preprocessed),
    layers: (reply.layers ?? []).map((l) => ({ ...l, output: decodeTensor(l.output) })),
  };
}

export class ApiError extends Error {
  constructor(status, detail) {
    const message =
      typeof detail === "string" ? detail : detail?.message ?? JSON.stringify(detail);
    super(message);
    this.status = status;
    this.detail = detail;
    this.layerIndex = typeof detail === "object" && detail ? detail.layer_index ?? null : null;
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
  if (!response.ok) {
    let detail = response.statusText;
    try {
      const j = await response.json();
      detail = j.detail ?? j;
    } catch {
      /* not JSON */
    }
    throw new ApiError(response.status, detail);
  }
  if (raw) return response;
  if (response.status === 204) return null;
  return response.json();
}

const S = (id) => `/api/sessions/${encodeURIComponent(id)}`;

export const api = {
  describe: (spec) => request("POST", "/api/describe", { spec }),
  createSession: (body) => request("POST", "/api/sessions", body),
  getSession: (id) => request("GET", S(id)),
  putSpec: (id, spec) => request("PUT", `${S(id)}/spec`, { spec }),
  putSettings: (id, settings) => request("PUT", `${S(id)}/settings`, settings),
  putFilters: (id, body) => request("PUT", `${S(id)}/filters`, body),
  forward: async (id, pixels, width, height, opts) =>
    decodeForward(await request("POST", `${S(id)}/forward`, { pixels: Array.from(pixels), width, height }, opts)),
  forwardFile: async (id, file, opts) => {
    const form = new FormData();
    form.append("file", file);
    return decodeForward(await request("POST", `${S(id)}/forward`, form, opts));
  },
  forwardSample: async (id, split, index, opts) =>
    decodeForward(await request("POST", `${S(id)}/forward`, { split, index }, opts)),
  cell: (id, params) => request("GET", `${S(id)}/cell?${new URLSearchParams(params)}`),
  datasetSamples: (name, params = {}) =>
    request("GET", `/api/datasets/${encodeURIComponent(name)}/samples?${new URLSearchParams(params)}`),
  listSamples: (id) => request("GET", `${S(id)}/samples`),
  addSample: (id, body) => request("POST", `${S(id)}/samples`, body),
  removeSample: (id, sampleId) => request("DELETE", `${S(id)}/samples/${encodeURIComponent(sampleId)}`),
  uploadZip: (id, file) => {
    const form = new FormData();
    form.append("file", file);
    return request("POST", `${S(id)}/dataset/zip`, form);
  },
  landscape: (id, body) => request("POST", `${S(id)}/landscape`, body),
  exportUrl: (id) => `${S(id)}/export.npz`,
  importModel: (file) => {
    const form = new FormData();
    form.append("file", file);
    return request("POST", "/api/sessions/import", form);
  },
};

/**
 * One WebSocket per open page, attached to a session. send(cmd) assigns a seq and returns
 * it; onMessage(fn) receives every decoded message: JSON messages as objects, binary frames
 * as {...header, tensors: [{name, shape, data: Float32Array}]}. Reconnects on drop.
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
      else {
        const { header, body } = parseBinaryFrame(ev.data);
        msg = { ...header, tensors: decodeFrameTensors(header, body) };
      }
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
