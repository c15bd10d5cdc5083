// Readable URL encoding of the architecture spec and training settings, and back.
// Pure: no DOM; reads the layer table (lib/layer-types.js), which must be loaded first.
// Tested in tests/js/urlstate.test.mjs.

import { fieldsOf, layerType, namePrefix, valueOf } from "./layer-types.js";
//
//   ?s=<session id>&in=1x28x28&arch=conv8k3p1-relu-maxpool2-flatten-dense10-softmax
//    &ds=mnist&opt=sgd&lr=0.05&mom=0.9&bs=32&wd=0&loss=cross_entropy&seed=0&split=0.8,0.1,0.1
//
// Layer tokens: conv<filters>k<kernel>[s<stride>][p<pad>|psame|pvalid][F]   (F = frozen)
//   maxpool<size>[s<stride>] avgpool.. minpool..   gmaxpool gavgpool
//   lrelu<slope> dense<units>[F] drop<rate>
// Every other type of the layer table (lib/layer-types.js, from GET /api/layers) is its name,
// then ".<key><value>" per key in the table's order (a true/false key: ".<key>" when true):
//   relu sigmoid tanh linear flatten softmax, and e.g. elu.alpha1 for a type with a key.
// A custom layer name follows a tilde: conv8k3p1~edges. Tokens are joined with "-".
//
// The lab's 2-D data (dataset "planar", docs/protocol.md) adds, only for that dataset:
//   &set=spiral&noise=0.1&ratio=0.5&count=400&feat=x1,x2,x1sq&pts=1.5,-2,1;0,3.25,0
// and &l1=<rate> whenever the L1 rate is not 0.


function num(v) {
  return String(Number(v));
}

const v = valueOf;

// A token for any type of the table: its name and ".<key><value>" per key.
function genericToken(layer) {
  if (!layerType(layer.type)) throw new Error(`unknown layer type ${layer.type}`);
  let t = layer.type;
  for (const f of fieldsOf(layer.type)) {
    const value = v(layer, f.key);
    if (f.kind === "bool") t += value ? `.${f.key}` : "";
    else t += `.${f.key}${f.kind === "number" ? num(value) : value}`;
  }
  return t;
}

const re = (text) => String(text).replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); // literally
const VALUE = {
  int: () => "(\\d+)",
  number: () => NUMBER,
  choice: (f) => `(${f.choices.map(re).join("|")})`,
  padding: (f) => `(\\d+|${f.choices.map(re).join("|")})`,
};

// The layer a generic token stands for, or null when no type of the table reads it.
function genericLayer(body) {
  const kind = body.split(".")[0];
  const fields = fieldsOf(kind);
  if (!layerType(kind)) return null;
  const parts = fields.map((f) => (f.kind === "bool" ? `(?:\\.${re(f.key)}())?` : `(?:\\.${re(f.key)}${VALUE[f.kind](f)})?`));
  const m = body.match(new RegExp(`^${re(kind)}${parts.join("")}$`));
  if (!m) return null;
  const layer = { type: kind };
  fields.forEach((f, i) => {
    const text = m[i + 1];
    if (text === undefined) return;
    if (f.kind === "bool") layer[f.key] = true;
    else if (f.kind === "choice" || (f.kind === "padding" && !/^\d+$/.test(text))) layer[f.key] = text;
    else layer[f.key] = +text;
  });
  return layer;
}

export function layerToToken(layer) {
  let t;
  switch (layer.type) {
    case "conv2d": {
      t = `conv${v(layer, "filters")}k${v(layer, "kernel")}`;
      if (v(layer, "stride") !== 1) t += `s${layer.stride}`;
      const p = v(layer, "padding");
      if (p !== 0) t += `p${p}`;
      if (layer.frozen) t += "F";
      break;
    }
    case "pool": {
      t = `${v(layer, "mode")}pool${v(layer, "size")}`;
      const stride = v(layer, "stride");
      if (stride !== v(layer, "size")) t += `s${stride}`;
      break;
    }
    case "global_pool":
      t = `g${v(layer, "mode")}pool`;
      break;
    case "leaky_relu":
      t = `lrelu${num(v(layer, "slope"))}`;
      break;
    case "dense":
      t = `dense${v(layer, "units")}`;
      if (layer.frozen) t += "F";
      break;
    case "dropout":
      t = `drop${num(v(layer, "rate"))}`;
      break;
    default:
      t = genericToken(layer);
  }
  if (layer.name) t += `~${layer.name}`;
  return t;
}

const NUMBER = "(\\d+(?:\\.\\d+)?(?:e-?\\d+)?)";

export function tokenToLayer(token) {
  const [body, name] = token.split("~");
  let layer = null;
  let m;
  if ((m = body.match(/^conv(\d+)k(\d+)(?:s(\d+))?(?:p(\d+|same|valid))?(F?)$/))) {
    layer = { type: "conv2d", filters: +m[1], kernel: +m[2], stride: m[3] ? +m[3] : 1 };
    layer.padding = m[4] === undefined ? 0 : /^\d+$/.test(m[4]) ? +m[4] : m[4];
    if (m[5]) layer.frozen = true;
  } else if ((m = body.match(/^(max|avg|min)pool(\d+)(?:s(\d+))?$/))) {
    layer = { type: "pool", mode: m[1], size: +m[2], stride: m[3] ? +m[3] : +m[2] };
  } else if ((m = body.match(/^g(max|avg)pool$/))) {
    layer = { type: "global_pool", mode: m[1] };
  } else if ((m = body.match(new RegExp(`^lrelu${NUMBER}$`)))) {
    layer = { type: "leaky_relu", slope: +m[1] };
  } else if ((m = body.match(/^dense(\d+)(F?)$/))) {
    layer = { type: "dense", units: +m[1] };
    if (m[2]) layer.frozen = true;
  } else if ((m = body.match(new RegExp(`^drop${NUMBER}$`)))) {
    layer = { type: "dropout", rate: +m[1] };
  } else {
    layer = genericLayer(body);
  }
  if (!layer) throw new Error(`cannot read layer "${token}" in the URL`);
  if (name) layer.name = name;
  return layer;
}

// The engine's automatic names: the type's prefix (layer table) + 1-based count per prefix.

/** Each layer's name: its own, else the engine's automatic one (for display before describe). */
export function layerNames(layers) {
  const counts = {};
  const taken = new Set(layers.map((l) => l.name).filter(Boolean));
  return layers.map((layer) => {
    if (layer.name) return layer.name;
    const prefix = namePrefix(layer.type);
    let n = (counts[prefix] ?? 0) + 1;
    while (taken.has(`${prefix}${n}`)) n += 1;
    counts[prefix] = n;
    return `${prefix}${n}`;
  });
}

/** The layers without names the engine would give them anyway (keeps the URL short). */
export function withoutDefaultNames(layers) {
  const counts = {};
  return layers.map((layer) => {
    const prefix = namePrefix(layer.type);
    counts[prefix] = (counts[prefix] ?? 0) + 1;
    if (layer.name === `${prefix}${counts[prefix]}`) {
      const { name, ...rest } = layer;
      return rest;
    }
    return layer;
  });
}

export function specToParams(spec) {
  const i = spec.input ?? { channels: 1, height: 28, width: 28 };
  return {
    in: `${i.channels}x${i.height}x${i.width}`,
    arch: withoutDefaultNames(spec.layers).map(layerToToken).join("-"),
  };
}

export function paramsToSpec(inText, archText) {
  const m = /^(\d+)x(\d+)x(\d+)$/.exec(inText ?? "1x28x28");
  if (!m) throw new Error(`cannot read input shape "${inText}" in the URL`);
  const layers = archText ? archText.split("-").map(tokenToLayer) : [];
  return { input: { channels: +m[1], height: +m[2], width: +m[3] }, layers };
}

// Training settings: short readable names in the URL.
export const SETTING_PARAMS = {
  dataset: "ds", optimizer: "opt", lr: "lr", momentum: "mom", batch_size: "bs",
  weight_decay: "wd", loss: "loss", seed: "seed", split: "split", dataset_size: "n",
};
const NUMERIC = new Set(["lr", "momentum", "batch_size", "weight_decay", "seed", "dataset_size"]);

// The planar dataset's fields (settings.planar) and their URL keys.
export const PLANAR_PARAMS = { set: "set", noise: "noise", train_ratio: "ratio", count: "count", features: "feat", points: "pts" };

function pointsText(points) {
  return points.map((p) => p.map(num).join(",")).join(";");
}

function readPoints(text) {
  if (text === "") return [];
  return text.split(";").map((piece) => {
    const parts = piece.split(",");
    const v = parts.map(Number);
    if (parts.length !== 3 || parts.some((x) => x.trim() === "") || v.some((x) => !Number.isFinite(x))) {
      throw new Error(`cannot read point "${piece}" in the URL`);
    }
    return v;
  });
}

export function settingsToParams(settings) {
  const out = {};
  for (const [key, short] of Object.entries(SETTING_PARAMS)) {
    if (settings[key] === undefined || settings[key] === null) continue;
    const v = settings[key];
    out[short] = key === "split" ? [v.train, v.val, v.test].map(num).join(",") : String(v);
  }
  if (settings.dataset === "planar" && settings.planar) {
    for (const [key, short] of Object.entries(PLANAR_PARAMS)) {
      const v = settings.planar[key];
      if (v === undefined || v === null) continue;
      if (key === "features") out[short] = v.join(",");
      else if (key === "points") out[short] = pointsText(v);
      else out[short] = String(v);
    }
  }
  if (settings.l1) out.l1 = num(settings.l1);
  return out;
}

export function paramsToSettings(get) {
  const out = {};
  for (const [key, short] of Object.entries(SETTING_PARAMS)) {
    const v = get(short);
    if (v === null || v === undefined || v === "") continue;
    if (key === "split") {
      const parts = v.split(",").map(Number);
      if (parts.length !== 3 || parts.some((x) => !Number.isFinite(x) || x < 0)) {
        throw new Error(`cannot read split "${v}" in the URL`);
      }
      out.split = { train: parts[0], val: parts[1], test: parts[2] };
    } else if (NUMERIC.has(key)) {
      const n = Number(v);
      if (!Number.isFinite(n)) throw new Error(`cannot read ${short}="${v}" in the URL`);
      out[key] = n;
    } else {
      out[key] = v;
    }
  }
  const planar = {};
  for (const [key, short] of Object.entries(PLANAR_PARAMS)) {
    const v = get(short);
    if (v === null || v === undefined || (v === "" && key !== "points")) continue;
    if (key === "set") planar.set = v;
    else if (key === "features") planar.features = v.split(",");
    else if (key === "points") planar.points = readPoints(v);
    else {
      const n = Number(v);
      if (!Number.isFinite(n)) throw new Error(`cannot read ${short}="${v}" in the URL`);
      planar[key] = n;
    }
  }
  if (Object.keys(planar).length) out.planar = planar;
  const l1 = get("l1");
  if (l1 !== null && l1 !== undefined && l1 !== "") {
    const n = Number(l1);
    if (!Number.isFinite(n)) throw new Error(`cannot read l1="${l1}" in the URL`);
    out.l1 = n;
  }
  return out;
}

/** Whole state -> query string (without "?"). */
export function encodeState({ sessionId, spec, settings }) {
  const p = new URLSearchParams();
  if (sessionId) p.set("s", sessionId);
  if (spec) for (const [k, v] of Object.entries(specToParams(spec))) p.set(k, v);
  if (settings) for (const [k, v] of Object.entries(settingsToParams(settings))) p.set(k, v);
  // URLSearchParams escapes "," and "~"; they are safe in a query, keep them readable.
  return p.toString().replace(/%2C/g, ",").replace(/%7E/g, "~").replace(/%3B/g, ";");
}

/** Query string -> {sessionId?, spec?, settings?}; throws Error with a readable message. */
export function decodeState(search) {
  const p = new URLSearchParams(search);
  const out = {};
  if (p.get("s")) out.sessionId = p.get("s");
  if (p.get("arch") !== null) out.spec = paramsToSpec(p.get("in"), p.get("arch"));
  const settings = paramsToSettings((k) => p.get(k));
  if (Object.keys(settings).length) out.settings = settings;
  return out;
}
