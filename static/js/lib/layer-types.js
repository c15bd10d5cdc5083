// The layer types, as the server serves them (GET /api/layers, from engine/layer_types.py):
// per type its label, automatic-name prefix, keys (kind, default, min/max, choices) and facts
// (activation, element-wise, rectifier...). In a page this module loads the table once, on
// its first import (a top-level await, so every module importing it finds it loaded); the
// editor, the URL codec and the detail panel ask this module, never a list of their own.
// No DOM. Tested in tests/js/layer-types.test.mjs against a fixture of the real reply
// (in Node nothing is fetched: the tests install the fixture with setLayerTypes).

import { api } from "../api.js";

let table = null;
let failure = null; // why the page could not load the table

const KINDS = new Set(["int", "number", "choice", "bool", "padding"]);

/** Install the reply of GET /api/layers; throws on a reply that is not a layer table. */
export function setLayerTypes(reply) {
  if (!reply || !Array.isArray(reply.types) || !reply.types.length) {
    throw new Error("the layer table has no types");
  }
  const byName = new Map();
  for (const t of reply.types) {
    if (typeof t.type !== "string" || !Array.isArray(t.fields) || typeof t.prefix !== "string") {
      throw new Error(`the layer table has a malformed entry ${JSON.stringify(t?.type)}`);
    }
    for (const f of t.fields) {
      if (!KINDS.has(f.kind)) throw new Error(`layer ${t.type}: unknown field kind ${f.kind}`);
    }
    byName.set(t.type, t);
  }
  table = { types: reply.types, byName, input: reply.input ?? [], maxLayers: reply.max_layers ?? null };
}

function loaded() {
  if (!table) throw new Error(`the layer types are not loaded (GET /api/layers)${failure ? `: ${failure.message}` : ""}`);
  return table;
}

/** Why the page could not load the table, or null. */
export function layerTypesError() {
  return failure;
}

if (globalThis.location?.origin?.startsWith("http")) {
  try {
    setLayerTypes(await api.layers());
  } catch (err) {
    failure = err;
  }
}

/** Every type entry, in the engine's order. */
export function layerTypes() {
  return loaded().types;
}

/** The entry of one type, or null for a type the engine does not know. */
export function layerType(name) {
  return loaded().byName.get(name) ?? null;
}

/** The keys a layer of this type takes ([] for none or an unknown type). */
export function fieldsOf(name) {
  return layerType(name)?.fields ?? [];
}

/** One field of a type ({key, kind, default, min, max, ...}) or null. */
export function fieldOf(name, key) {
  return fieldsOf(name).find((f) => f.key === key) ?? null;
}

/** The prefix of the engine's automatic names ("conv" for conv2d). */
export function namePrefix(name) {
  return layerType(name)?.prefix ?? name;
}

/** A type's fact (activation, elementwise, rectifier, params, ...): false when unknown. */
export function is(name, fact) {
  return Boolean(layerType(name)?.[fact]);
}

/** The value a key of this layer has once the engine fills defaults (a pool's stride is its
 * size unless set). */
export function valueOf(layer, key) {
  if (layer[key] !== undefined && layer[key] !== null) return layer[key];
  const f = fieldOf(layer.type, key);
  if (!f) return undefined;
  if (f.default === null && f.default_from) return valueOf(layer, f.default_from);
  return f.default;
}

/** A new layer of this type as the editor adds it: each key at its suggested value or its
 * default (true/false keys left out while false). */
export function newLayer(name) {
  const layer = { type: name };
  for (const f of fieldsOf(name)) {
    if (f.kind === "bool") continue;
    const v = f.suggest ?? f.default;
    if (v !== null && v !== undefined) layer[f.key] = v;
  }
  for (const f of fieldsOf(name)) {
    if (f.default_from && layer[f.key] === undefined) layer[f.key] = layer[f.default_from];
  }
  return layer;
}

/** The most layers a spec may have on this server (null when the reply does not say). */
export function maxLayers() {
  return loaded().maxLayers;
}

/** The input block's limits: [{key, min, max}] for channels, height, width. */
export function inputLimits() {
  return loaded().input;
}
