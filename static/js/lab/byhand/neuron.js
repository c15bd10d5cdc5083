// The "One neuron" view of the lab: type x, w, b and pick the activation; the engine computes
// z = Σ wᵢxᵢ + b with every product, f(z), f′(z) and the curve (POST /api/lab/neuron).
// The page prints the reply; it computes none of the numbers it shows.
// URL keys: n.x, n.w, n.b, n.f, n.s (static/js/lab/byhand/state.js).

import { readParam, writeParams } from "../url.js";
import { latestOnly, post } from "./api.js";
import { drawCurve } from "./curve.js";
import { el, ignoredNote, numberField } from "./dom.js";
import { fmt, paren, parseNumber } from "./format.js";
import { ACTIVATIONS, LIMIT, MAX_INPUTS, NEURON_EXAMPLE, LINK_RULES, ignoredKeys, neuronParams, readNeuron } from "./state.js";

const LABELS = {
  linear: "linear (identity)", sigmoid: "sigmoid", tanh: "tanh", relu: "ReLU",
  leaky_relu: "leaky ReLU", step: "binary step (forward only)",
};
const SUB = "₀₁₂₃₄₅₆₇₈₉";
const plain = (v) => v.toLocaleString("en-US").replace("-", "−"); // −1,000,000
const sub = (i) => String(i).split("").map((d) => SUB[Number(d)]).join("");

/** Draw the view into `panel` (a <section>); returns {setActive(active)}. */
export function mountNeuron(panel) {
  let state = readNeuron(readParam);
  let reply = null;

  const inputsBody = el("tbody");
  const addButton = el("button", { type: "button", text: "+ input" });
  const removeButton = el("button", { type: "button", text: "− input" });
  const bias = numberField("b", state.b, () => edited(), { "data-field": "b", "aria-label": "bias b" });
  const select = el("select", { "data-field": "activation", "aria-label": "activation" },
    ACTIVATIONS.map((a) => el("option", { value: a, text: LABELS[a] })));
  select.value = state.activation;
  const slope = numberField("slope", state.slope, () => edited(), { "data-field": "slope", "aria-label": "leaky ReLU slope" });
  const example = el("button", { type: "button", class: "bh-preset", text: "Worked example: w = [0, 1], b = 4, x = [2, 3], sigmoid" });
  const message = el("p", { class: "bh-error", role: "alert", hidden: true });

  const lines = el("div", { class: "bh-lines", "aria-live": "polite" });
  const note = el("p", { class: "bh-note", hidden: true });
  const canvas = el("canvas", { class: "bh-curve", role: "img", "aria-label": "the activation f and its derivative f′ around z" });
  const legend = el("p", { class: "bh-legend" },
    el("span", { class: "bh-key bh-key-f", text: "f(z)" }), " ",
    el("span", { class: "bh-key bh-key-df", text: "f′(z)" }), " ",
    el("span", { class: "bh-key bh-key-z", text: "the neuron's z" }));

  panel.replaceChildren(
    el("h2", { text: "One neuron" }),
    ...ignoredNote(ignoredKeys(readParam, neuronParams(state), LINK_RULES)),
    el("p", { class: "hint", text: "A neuron multiplies each input by its weight, adds them up with a bias, and passes the sum through an activation: y = f(z), z = w₁x₁ + w₂x₂ + … + b. Type any number; the server's engine computes every number shown." }),
    el("p", { class: "bh-presets" }, example),
    el("div", { class: "bh-neuron" },
      el("div", { class: "bh-card bh-neuron-inputs" },
        el("h3", { text: "Inputs, weights, bias" }),
        el("table", { class: "bh-table" },
          el("thead", {}, el("tr", {}, el("th", { text: "i" }), el("th", { text: "xᵢ" }), el("th", { text: "wᵢ" }), el("th", { text: "wᵢ · xᵢ" }))),
          inputsBody),
        el("p", { class: "bh-row" }, addButton, removeButton),
        el("p", { class: "bh-row" }, bias.wrap),
        el("p", { class: "bh-row" }, el("label", { class: "bh-field" }, el("span", { class: "bh-field-name", text: "f" }), select), slope.wrap),
        message),
      el("div", { class: "bh-card bh-neuron-sum" }, el("h3", { text: "The arithmetic" }), lines, note),
      el("div", { class: "bh-card bh-neuron-curve" }, el("h3", { text: "The activation and its derivative" }), canvas, legend)));

  const rows = [];
  function buildRows() {
    rows.length = 0;
    inputsBody.replaceChildren();
    state.x.forEach((xv, i) => {
      const n = i + 1;
      const x = numberField("", xv, () => edited(), { "data-field": `x.${i}`, "aria-label": `input x${n}` });
      const w = numberField("", state.w[i], () => edited(), { "data-field": `w.${i}`, "aria-label": `weight w${n}` });
      const product = el("td", { class: "bh-num bh-product", "data-product": i });
      inputsBody.append(el("tr", {}, el("th", { text: String(n) }), el("td", {}, x.input), el("td", {}, w.input), product));
      rows.push({ x: x.input, w: w.input, product });
    });
    addButton.disabled = state.x.length >= MAX_INPUTS;
    removeButton.disabled = state.x.length <= 1;
  }

  function showSetup() {
    buildRows();
    bias.input.value = String(state.b);
    select.value = state.activation;
    slope.input.value = String(state.slope);
    slope.wrap.hidden = state.activation !== "leaky_relu";
  }

  /** The set-up typed in, or null (and the bad fields marked) if a field is not a number. */
  function readForm() {
    let bad = null;
    const take = (input, [lo, hi] = [-LIMIT, LIMIT]) => {
      const v = parseNumber(input.value);
      const good = v !== null && v >= lo && v <= hi;
      input.setAttribute("aria-invalid", String(!good));
      if (!good && !bad) bad = `${input.getAttribute("aria-label")}: type a number from ${plain(lo)} to ${plain(hi)}`;
      return v;
    };
    const leaky = select.value === "leaky_relu";
    if (!leaky) {
      // the slope box is hidden: it shows (and keeps) the last good slope, never blocks
      slope.input.value = String(state.slope);
      slope.input.setAttribute("aria-invalid", "false");
    }
    const next = {
      x: rows.map((r) => take(r.x)), w: rows.map((r) => take(r.w)), b: take(bias.input),
      activation: select.value, slope: leaky ? take(slope.input, [0, 1]) : state.slope,
    };
    if (bad) {
      showError(bad);
      return null;
    }
    return next;
  }

  function edited() {
    const next = readForm();
    if (!next) return;
    state = next;
    slope.wrap.hidden = state.activation !== "leaky_relu";
    compute();
  }

  function showError(text) {
    message.textContent = text;
    message.hidden = false;
    panel.dataset.state = "error";
  }

  const send = latestOnly(
    (r) => {
      reply = r;
      // a reply to an earlier edit must not hide the message about a field typed since
      if (!panel.querySelector("[aria-invalid=true]")) message.hidden = true;
      show();
      panel.dataset.state = "ready";
    },
    (err) => showError(err.message),
  );

  function compute() {
    writeParams(neuronParams(state));
    panel.dataset.state = "loading";
    send(() => post("/api/lab/neuron", { x: state.x, w: state.w, b: state.b, activation: state.activation, slope: state.slope }));
  }

  function line(left, right, cls) {
    return el("p", { class: `bh-line ${cls ?? ""}` }, el("span", { class: "bh-lhs", text: left }), el("span", { class: "bh-rhs", text: right }));
  }

  function show() {
    const r = reply;
    rows.forEach((row, i) => (row.product.textContent = i < r.products.length ? fmt(r.products[i]) : ""));
    const n = r.inputs.length;
    const idx = Array.from({ length: n }, (_, i) => sub(i + 1));
    const strip = (text) => text.replace(/^f′?\(z\) = /, "");
    const neg = (v) => (v < 0 ? `(${fmt(v)})` : fmt(v));
    const out = [
      line("z =", `${idx.map((s) => `w${s}x${s}`).join(" + ")} + b`),
      line("=", `${r.weights.map((w, i) => `${paren(w)}${paren(r.inputs[i])}`).join(" + ")} + ${paren(r.bias)}`),
      line("=", [...r.products, r.bias].map((v, i) => (i === 0 ? fmt(v) : neg(v))).join(" + ")),
      line("=", fmt(r.z), "bh-z"),
      line("f(z) =", `${strip(r.formula)}   (${r.label})`, "bh-formula"),
      line(`y = f(${fmt(r.z)}) =`, fmt(r.output), "bh-y"),
    ];
    if (r.derivative_formula) {
      out.push(line("f′(z) =", strip(r.derivative_formula), "bh-formula"));
      out.push(line(`f′(${fmt(r.z)}) =`, fmt(r.derivative), "bh-df"));
    } else {
      out.push(line("f′(z) =", "0 for every z ≠ 0; none at z = 0", "bh-df"));
    }
    lines.replaceChildren(...out);
    lines.querySelector(".bh-y .bh-rhs").dataset.value = String(r.output);
    note.textContent = r.note ?? "";
    note.hidden = !r.note;
    drawCurve(canvas, r);
  }

  addButton.addEventListener("click", () => {
    if (state.x.length >= MAX_INPUTS) return;
    state = { ...state, x: [...state.x, 1], w: [...state.w, 0] };
    showSetup();
    compute();
  });
  removeButton.addEventListener("click", () => {
    if (state.x.length <= 1) return;
    state = { ...state, x: state.x.slice(0, -1), w: state.w.slice(0, -1) };
    showSetup();
    compute();
  });
  select.addEventListener("change", () => edited());
  example.addEventListener("click", () => {
    state = { ...NEURON_EXAMPLE, x: [...NEURON_EXAMPLE.x], w: [...NEURON_EXAMPLE.w] };
    showSetup();
    compute();
  });
  new ResizeObserver(() => reply && drawCurve(canvas, reply)).observe(canvas);

  showSetup();
  compute();
  return {
    setActive(active) {
      if (active) {
        writeParams(neuronParams(state));
        if (reply) drawCurve(canvas, reply);
      }
    },
  };
}
