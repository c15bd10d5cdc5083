// The 2-D data view's set-up as the engine's spec: input features, hidden layers (units and an
// activation each), an output fitted to the task; and back from a spec the server returns.
// Pure: no DOM. Tested in tests/js/lab-plane-setup.test.mjs.
//
// A point (x1, x2) reaches the network as a (features, 1, 1) input (docs/architecture.md, the
// lab), so the spec is: flatten, then per hidden layer `dense units` + its activation, then the
// output dense layer and its activation.

/** The input features a user can pick, in the engine's order. */
export const FEATURES = [
  { id: "x1", label: "x₁", title: "x1, the horizontal coordinate" },
  { id: "x2", label: "x₂", title: "x2, the vertical coordinate" },
  { id: "x1sq", label: "x₁²", title: "x1 squared" },
  { id: "x2sq", label: "x₂²", title: "x2 squared" },
  { id: "x1x2", label: "x₁x₂", title: "x1 times x2" },
  { id: "sinx1", label: "sin x₁", title: "sine of x1" },
  { id: "sinx2", label: "sin x₂", title: "sine of x2" },
];

/** Hidden-layer activations offered (the spec's layer types), with their labels. */
export const ACTIVATIONS = [
  { id: "linear", label: "linear" },
  { id: "sigmoid", label: "sigmoid" },
  { id: "tanh", label: "tanh" },
  { id: "relu", label: "ReLU" },
  { id: "leaky_relu", label: "leaky ReLU" },
];
const ACTIVATION_IDS = new Set(ACTIVATIONS.map((a) => a.id));

export const LIMITS = { layers: 6, units: 8 };

/**
 * The output for a task: `classes` >= 2 for classification (2: one sigmoid unit and binary
 * cross-entropy; more: softmax and cross-entropy), 0 for regression (one linear unit and MSE).
 * Returns {units, activation (a layer type or null), loss}.
 */
export function outputFor(classes) {
  if (!classes) return { units: 1, activation: null, loss: "mse" };
  if (classes === 2) return { units: 1, activation: "sigmoid", loss: "bce" };
  return { units: classes, activation: "softmax", loss: "cross_entropy" };
}

/**
 * The outputs a user can choose: for classification (two classes, labels 0/1) all four, for
 * regression only a linear unit with MSE. `activation` null: the last dense layer's output is
 * the network's output.
 */
export const OUTPUTS = {
  sigmoid_bce: { units: 1, activation: "sigmoid", loss: "bce", label: "sigmoid + cross-entropy", task: "classification" },
  sigmoid_mse: { units: 1, activation: "sigmoid", loss: "mse", label: "sigmoid + squared error", task: "classification" },
  softmax_ce: { units: 2, activation: "softmax", loss: "cross_entropy", label: "softmax (2 units) + cross-entropy", task: "classification" },
  linear_mse: { units: 1, activation: null, loss: "mse", label: "linear + squared error", task: "any" },
};

/** Which OUTPUTS key a spec's output block (readSpec().output) and loss are, or null. */
export function outputKind(output, loss) {
  const act = output.activation === "linear" ? null : output.activation;
  for (const [key, o] of Object.entries(OUTPUTS)) {
    if (o.units === output.units && o.activation === act && o.loss === loss) return key;
  }
  return null;
}

/** The regression sets (real-valued targets); every other set is classification. */
export const REGRESSION_SETS = new Set(["plane", "gmm"]);
export const taskOf = (set) => (REGRESSION_SETS.has(set) ? "regression" : "classification");

/**
 * hidden: [{units, activation}], features: count, and either `output` ({units, activation}
 * as in OUTPUTS) or `classes` (as in outputFor) -> spec.
 */
export function buildSpec({ features, hidden, classes, output }) {
  const layers = [{ type: "flatten" }];
  for (const h of hidden) {
    layers.push({ type: "dense", units: h.units });
    layers.push(h.activation === "leaky_relu" ? { type: "leaky_relu", slope: h.slope ?? 0.01 } : { type: h.activation });
  }
  const out = output ?? outputFor(classes);
  layers.push({ type: "dense", units: out.units });
  if (out.activation) layers.push({ type: out.activation });
  return { input: { channels: features, height: 1, width: 1 }, layers };
}

/**
 * Read a (normalised) spec of this shape back: {features, hidden: [{units, activation,
 * dense, act}], output: {dense, units, activation, act}} where `dense`/`act` are the layer
 * names. A dense layer without an activation after it counts as linear. Returns null when the
 * spec is not a plain stack of dense layers on a (F, 1, 1) input.
 */
export function readSpec(spec) {
  if (!spec || !spec.input || spec.input.height !== 1 || spec.input.width !== 1) return null;
  const layers = spec.layers.filter((l) => l.type !== "flatten" && l.type !== "dropout");
  const blocks = [];
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i];
    if (l.type !== "dense") return null;
    const next = layers[i + 1];
    const hasAct = next && next.type !== "dense";
    if (hasAct && !ACTIVATION_IDS.has(next.type) && next.type !== "softmax") return null;
    blocks.push({ units: l.units, dense: l.name, activation: hasAct ? next.type : "linear", act: hasAct ? next.name : null });
    if (hasAct) i += 1;
  }
  if (!blocks.length) return null;
  const output = blocks.pop();
  return { features: spec.input.channels, hidden: blocks, output };
}

/** The hidden layers with one more layer (a copy of the last, or 4 ReLUs), at most LIMITS.layers. */
export function addLayer(hidden) {
  if (hidden.length >= LIMITS.layers) return hidden;
  const last = hidden.at(-1);
  return [...hidden, last ? { units: last.units, activation: last.activation } : { units: 4, activation: "relu" }];
}

export function removeLayer(hidden) {
  return hidden.slice(0, -1);
}

/** Layer `i` with `delta` more units (kept within 1..LIMITS.units). */
export function resizeLayer(hidden, i, delta) {
  return hidden.map((h, k) => (k === i ? { ...h, units: Math.min(LIMITS.units, Math.max(1, h.units + delta)) } : h));
}

export function setActivation(hidden, i, activation) {
  if (!ACTIVATION_IDS.has(activation)) throw new Error(`unknown activation ${activation}`);
  return hidden.map((h, k) => (k === i ? { units: h.units, activation } : h));
}

/** Toggle feature `id` in the ordered list `chosen`, keeping FEATURES' order and at least one. */
export function toggleFeature(chosen, id) {
  const set = new Set(chosen);
  if (set.has(id)) {
    if (set.size === 1) return chosen;
    set.delete(id);
  } else set.add(id);
  return FEATURES.map((f) => f.id).filter((f) => set.has(f));
}
