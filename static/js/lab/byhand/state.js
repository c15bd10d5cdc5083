// The by-hand views' set-up and its URL keys (neuron: `n.`, 2-2-1: `h.`). Pure: no DOM;
// tests/js/lab-byhand.test.mjs. read*(get) takes a function key -> string|null (e.g. a
// URLSearchParams' get); a missing or broken key falls back to its default, alone: n.x sets the
// number of inputs, a broken n.w becomes the example's weights for that many (a broken n.x the
// example's inputs for as many as n.w has); ignoredKeys names the broken ones.

import { parseNumber } from "./format.js";

export const LIMIT = 1e6; // the server's bound on every number (server/schemas/lab.py)
export const ACTIVATIONS = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "step"];
export const PARAMS = ["w1", "w2", "w3", "w4", "w5", "w6", "b1", "b2", "b3"];
export const MAX_INPUTS = 8;

/** The texts' worked examples. */
export const NEURON_EXAMPLE = { x: [2, 3], w: [0, 1], b: 4, activation: "sigmoid", slope: 0.01 };
export const NET_EXAMPLES = {
  forward: {
    label: "Example 1: x = (2, 3), every neuron w = [0, 1], b = 0",
    params: { w1: 0, w2: 1, w3: 0, w4: 1, w5: 0, w6: 1, b1: 0, b2: 0, b3: 0 },
    x: [2, 3], y: 1,
  },
  alice: {
    label: "Example 2: backprop for Alice, all weights 1, biases 0",
    params: { w1: 1, w2: 1, w3: 1, w4: 1, w5: 1, w6: 1, b1: 0, b2: 0, b3: 0 },
    x: [-2, -1], y: 1,
  },
};
export const NET_DEFAULT = {
  params: { ...NET_EXAMPLES.alice.params }, x: [...NET_EXAMPLES.alice.x], y: NET_EXAMPLES.alice.y, lr: 0.1, next: 0,
  person: [140, 64],
};

/** The 2-2-1 view's fields: label, name in words, and any rule beyond |v| <= LIMIT. */
export const NET_FIELDS = {
  x1: { label: "x1", aria: "input x1" }, x2: { label: "x2", aria: "input x2" },
  y: { label: "y", aria: "target y (0 to 1)", test: (v) => v >= 0 && v <= 1, rule: "between 0 and 1" },
  lr: { label: "η", aria: "learning rate η", test: (v) => v > 0 && v <= 10, rule: "above 0, at most 10" },
  lb: { label: "weight (lb)", aria: "new person's weight in lb" },
  in: { label: "height (in)", aria: "new person's height in inches" },
};
for (const p of PARAMS) NET_FIELDS[p] = { label: p, aria: `${p[0] === "w" ? "weight" : "bias"} ${p}` };

/** What is wrong with the text typed in 2-2-1 field `key`, in words, or null if it is a
 *  number the field takes. */
export function netFieldProblem(key, text) {
  const spec = NET_FIELDS[key];
  const v = parseNumber(text);
  if (v !== null && Math.abs(v) <= LIMIT && (!spec.test || spec.test(v))) return null;
  return `${spec.aria}: type a number${spec.rule ? ` ${spec.rule}` : ` (at most ${LIMIT} in size)`}`;
}

const ok = (v) => Number.isFinite(v) && Math.abs(v) <= LIMIT;

function numbers(text, count) {
  if (text === null || text === undefined || text === "") return null;
  const parts = String(text).split(",");
  if (count !== undefined && parts.length !== count) return null;
  const values = parts.map((p) => (p.trim() === "" ? NaN : Number(p)));
  return values.every(ok) ? values : null;
}

function number(text, test = ok) {
  const v = numbers(text, 1);
  return v && test(v[0]) ? v[0] : null;
}

const EACH = `each at most ${LIMIT} in size`;
/** What each link key takes, in words: said beside a key the view did not use. */
export const LINK_RULES = {
  "n.x": `needs 1 to ${MAX_INPUTS} numbers, ${EACH}`,
  "n.w": `needs a number for each input, ${EACH}`,
  "n.b": `needs a number at most ${LIMIT} in size`,
  "n.f": `needs one of ${ACTIVATIONS.join(", ")}`,
  "n.s": "needs a number from 0 to 1",
  "h.p": `needs 9 numbers, w1 to w6 then b1 to b3, ${EACH}`,
  "h.x": `needs 2 numbers, x1 and x2, ${EACH}`,
  "h.y": "needs a number from 0 to 1",
  "h.lr": "needs a number above 0, at most 10",
  "h.i": "needs 0, 1, 2 or 3",
  "h.new": `needs 2 numbers, weight (lb) and height (in), ${EACH}`,
};

/**
 * The link's keys among `params` (a set-up's keys as the view writes them back) that were not
 * used: "key=value" for each one present in the link (`get`) whose value is not the one in
 * force (a broken or out-of-range value the view replaced by its default). Values are cut to
 * 40 characters. With `rules` (LINK_RULES), each says what its key takes: "h.lr=abc (needs …)".
 */
export function ignoredKeys(get, params, rules = {}) {
  const same = (raw, used) => {
    const a = String(raw).split(",");
    const b = String(used).split(",");
    return a.length === b.length && a.every((v, i) => v === b[i] || (v.trim() !== "" && Number(v) === Number(b[i])));
  };
  return Object.entries(params)
    .filter(([key, used]) => get(key) !== null && !same(get(key), used))
    .map(([key]) => `${key}=${get(key).slice(0, 40)}${rules[key] ? ` (${rules[key]})` : ""}`);
}

/** `values` cut or padded with `pad` to `n` entries (the example for another input count). */
function fit(values, n, pad) {
  return Array.from({ length: n }, (_, i) => values[i] ?? pad);
}

/** The neuron's set-up from the URL: {x, w, b, activation, slope}. Each key falls back alone:
 *  x (at most MAX_INPUTS) sets the number of inputs and a w of another length is refused; a
 *  refused x or w is the worked example's, cut or padded as "+ input" pads (x 1, w 0). */
export function readNeuron(get) {
  const list = (key) => {
    const v = numbers(get(key));
    return v && v.length <= MAX_INPUTS ? v : null;
  };
  const x = list("n.x");
  let w = list("n.w");
  if (x && w && w.length !== x.length) w = null;
  const n = x?.length ?? w?.length ?? NEURON_EXAMPLE.x.length;
  const activation = ACTIVATIONS.includes(get("n.f")) ? get("n.f") : NEURON_EXAMPLE.activation;
  return {
    x: x ?? fit(NEURON_EXAMPLE.x, n, 1),
    w: w ?? fit(NEURON_EXAMPLE.w, n, 0),
    b: number(get("n.b")) ?? NEURON_EXAMPLE.b,
    activation,
    slope: number(get("n.s"), (v) => v >= 0 && v <= 1) ?? NEURON_EXAMPLE.slope,
  };
}

/** The URL keys of a neuron set-up. */
export function neuronParams(s) {
  return { "n.x": s.x.join(","), "n.w": s.w.join(","), "n.b": s.b, "n.f": s.activation, "n.s": s.slope };
}

/** The 2-2-1 set-up from the URL: {params: {w1..b3}, x: [x1, x2], y, lr, next (the next
 *  person to train on), person: [weight lb, height in] (a new person to predict)}. */
export function readNet(get) {
  const p = numbers(get("h.p"), PARAMS.length);
  const params = p ? Object.fromEntries(PARAMS.map((k, i) => [k, p[i]])) : { ...NET_DEFAULT.params };
  return {
    params,
    x: numbers(get("h.x"), 2) ?? [...NET_DEFAULT.x],
    y: number(get("h.y"), (v) => v >= 0 && v <= 1) ?? NET_DEFAULT.y,
    lr: number(get("h.lr"), (v) => v > 0 && v <= 10) ?? NET_DEFAULT.lr,
    next: number(get("h.i"), (v) => Number.isInteger(v) && v >= 0 && v <= 3) ?? NET_DEFAULT.next,
    person: numbers(get("h.new"), 2) ?? [...NET_DEFAULT.person],
  };
}

/** The URL keys of a 2-2-1 set-up. */
export function netParams(s) {
  return {
    "h.p": PARAMS.map((k) => s.params[k]).join(","),
    "h.x": s.x.join(","), "h.y": s.y, "h.lr": s.lr, "h.i": s.next, "h.new": s.person.join(","),
  };
}
