// Where the detail views get their numbers: the store's last forward reply (indexed, never
// recomputed) and the server's cell-arithmetic endpoint. No arithmetic on values here.

import { decodeTensor } from "../api.js";

/** Decode every tensor object in a reply (top level), leaving scalars and lists alone. */
export function decodeReply(reply) {
  const out = {};
  for (const [k, v] of Object.entries(reply)) {
    out[k] = v && typeof v === "object" && !Array.isArray(v) && "shape" in v && "data" in v ? decodeTensor(v) : v;
  }
  return out;
}

/** Normalise a forward layer's output to {shape, data: Float32Array}. */
function asTensor(x, shape) {
  if (!x) return null;
  if (ArrayBuffer.isView(x)) return { shape: shape || [x.length], data: x };
  if (ArrayBuffer.isView(x.data)) return { shape: x.shape || shape, data: x.data };
  if (typeof x.data === "string") return decodeTensor(x);
  return null;
}

/** The list of forward layers [{name, type, shape, output:{shape,data}}], whatever the store holds. */
export function forwardLayers(forward) {
  if (!forward) return [];
  const layers = forward.layers;
  if (Array.isArray(layers)) {
    return layers.map((l) => ({ ...l, output: asTensor(l.output, l.shape) }));
  }
  if (layers && typeof layers === "object") {
    return Object.entries(layers).map(([name, l]) => {
      const t = asTensor(l.output || l, l.shape);
      return { name, type: l.type, shape: t && t.shape, output: t };
    });
  }
  return [];
}

/** The network input the forward saw (C, H, W). */
export function forwardInput(forward) {
  if (!forward) return null;
  return asTensor(forward.preprocessed || forward.input, null);
}

/** Spec layer (normalised) with its name, by name; layer names come from the server. */
export function specLayer(spec, name) {
  if (!spec || !Array.isArray(spec.layers)) return null;
  return spec.layers.find((l) => l.name === name) || null;
}

/**
 * Everything a detail view needs about one layer, from the store:
 * {name, type, spec, index, input:{shape,data}, output:{shape,data}, previous, next}.
 */
export function layerContext(store, name) {
  const forward = store.get("lastForward");
  const layers = forwardLayers(forward);
  const index = layers.findIndex((l) => l.name === name);
  if (index < 0) return null;
  const spec = specLayer(store.get("spec"), name);
  const layer = layers[index];
  const input = index === 0 ? forwardInput(forward) : layers[index - 1].output;
  return {
    name,
    type: layer.type || (spec && spec.type),
    spec,
    index,
    input,
    output: layer.output,
    previous: index > 0 ? layers[index - 1] : null,
    next: index + 1 < layers.length ? layers[index + 1] : null,
    forward,
    layers,
  };
}

/** Value at [c][h][w] of a (C, H, W) tensor, or [i] of a vector: indexing only. */
export function at(t, c, h = 0, w = 0) {
  if (t.shape.length === 3) return t.data[(c * t.shape[1] + h) * t.shape[2] + w];
  return t.data[c];
}

/** A view into channel c of a (C, H, W) tensor (no copy). */
export function channel(t, c) {
  const [, H, W] = t.shape;
  return { shape: [H, W], data: t.data.subarray(c * H * W, (c + 1) * H * W) };
}

/** GET the engine's arithmetic for one cell; resolves to the decoded reply. */
export async function fetchCell(sessionId, params, { signal } = {}) {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) query.set(k, String(v));
  const response = await fetch(`/api/sessions/${encodeURIComponent(sessionId)}/cell?${query}`, { signal });
  const body = await response.json();
  if (!response.ok) {
    const message = body && body.detail && (body.detail.message || body.detail);
    throw new Error(typeof message === "string" ? message : `cell request failed (${response.status})`);
  }
  return decodeReply(body);
}

/**
 * A cell fetcher that keeps at most one request in flight and always ends on the latest
 * asked-for cell (a playing animation asks faster than a server answers), with a cache.
 */
export function createCellLoader(load, onReply, onError) {
  const cache = new Map();
  let inFlight = false;
  let wanted = null;
  let destroyed = false;

  async function pump() {
    if (inFlight || wanted === null || destroyed) return;
    const key = wanted.key;
    if (cache.has(key)) {
      const params = wanted.params;
      wanted = null;
      onReply(cache.get(key), params);
      return;
    }
    inFlight = true;
    const { params } = wanted;
    try {
      const reply = await load(params);
      cache.set(key, reply);
      if (!destroyed && wanted && wanted.key === key) {
        wanted = null;
        onReply(reply, params);
      }
    } catch (err) {
      if (!destroyed && wanted && wanted.key === key) {
        wanted = null;
        if (onError) onError(err, params);
      }
    } finally {
      inFlight = false;
      if (!destroyed) pump();
    }
  }

  return {
    request(params) {
      wanted = { key: JSON.stringify(params), params };
      pump();
    },
    cached(params) { return cache.get(JSON.stringify(params)); },
    clear() { cache.clear(); },
    destroy() { destroyed = true; cache.clear(); },
  };
}
