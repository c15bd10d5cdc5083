// The pieces the 2-2-1 view (net221.js, the container) draws from a POST /api/lab/net221
// reply: the forward pass, the loss, one chain-rule card per weight and bias, the SGD step's
// table, the people table and a new person's prediction. Each prints the reply's numbers as
// they come (exact, and the "3 digits" column of rounded-at-each-step values); none computes one.

import { el } from "./dom.js";
import { fmt } from "./format.js";

const ZNAME = { h1: "z_h1", h2: "z_h2", o1: "z_o" };
const OUTNAME = { h1: "h1", h2: "h2", o1: "ŷ = o1" };
const SHORT = { h1: "h1", h2: "h2", o1: "ŷ" };

const neg = (v) => (v < 0 ? `(${fmt(v)})` : fmt(v));
const par = (v) => `(${fmt(v)})`;

/** `formula` with each of its term labels replaced by the value (negative ones in brackets). */
function substitute(formula, terms) {
  const labels = terms.map(([label]) => label).sort((a, b) => b.length - a.length);
  const values = Object.fromEntries(terms);
  const pattern = new RegExp(labels.map((l) => l.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");
  return formula.replace(pattern, (label) => neg(values[label]));
}

function row(lhs, exact, rounded = "", cls = "") {
  return el("p", { class: `bh-line ${cls}` },
    el("span", { class: "bh-lhs", text: lhs }),
    el("span", { class: "bh-rhs", text: exact }),
    el("span", { class: "bh-round", text: rounded }));
}

function heads(first = "") {
  return row(first, "exact", "3 digits", "bh-head");
}

/** The forward pass, node by node: z's formula, its terms, z, the output f(z) and f′(z). */
export function forwardRows(r) {
  const d = r.digits;
  return [heads(), ...r.nodes.flatMap((n) => {
    const t = n.terms;
    const z = ZNAME[n.name];
    return [
      row(`${z} =`, n.formula, "", "bh-first"),
      row("=", `${par(t[0][1])}${par(t[1][1])} + ${par(t[2][1])}${par(t[3][1])} + ${par(t[4][1])}`),
      row("=", fmt(n.z), fmt(n.z_rounded, d)),
      row(`${OUTNAME[n.name]} =`, `f(${z}) = f(${fmt(n.z)}) = ${fmt(n.out)}`, fmt(n.out_rounded, d), `bh-out bh-out-${n.name}`),
      row(`f′(${z}) =`, `${SHORT[n.name]}(1 − ${SHORT[n.name]}) = ${fmt(n.df)}`, fmt(n.df_rounded, d)),
    ];
  })];
}

/** The squared error on the sample. */
export function lossRows(r) {
  return [
    row("L =", "(y − ŷ)²"),
    row("=", `(${fmt(r.y)} − ${fmt(r.prediction)})²`),
    row("=", fmt(r.loss), fmt(r.loss_rounded, r.digits), "bh-out bh-loss"),
  ];
}

/** A factor's line: formula = values = result; one that is a single value (∂h1/∂b1 = f′(z_h1))
 *  just = result, not "f′(z_h1) = 0.04518 = 0.04518". */
function factorText(f) {
  const single = f.terms.length === 1 && f.terms[0][0] === f.formula;
  return single ? `${f.formula} = ${fmt(f.value)}` : `${f.formula} = ${substitute(f.formula, f.terms)} = ${fmt(f.value)}`;
}

/** One <details> per weight and bias: ∂L/∂p as the product of its chain's factors, with the
 *  engine's backprop and finite differences beside it. `open` (a Set of names) says which are
 *  open and follows the person's toggles. */
export function chainCards(r, open) {
  const d = r.digits;
  return r.grads.map((g) => {
    const symbols = g.factors.map((f) => f.symbol).join(" · ");
    const lines = el("div", { class: "bh-lines bh-lines3" }, heads(),
      ...g.factors.map((f, i) => row(`${f.symbol} =`, factorText(f), fmt(g.rounded[i], d), "bh-factor")),
      row(`∂L/∂${g.name} =`, `${g.factors.map((f) => par(f.value)).join(" ")} = ${fmt(g.gradient)}`, fmt(g.gradient_rounded, d), "bh-out bh-product"));
    const details = el("details", { class: "bh-chain", "data-param": g.name },
      el("summary", {}, el("span", { text: `∂L/∂${g.name} = ${symbols} = ` }), el("strong", { text: fmt(g.gradient) })),
      lines,
      el("p", { class: "bh-check", text: `Checked: the engine's own backprop gives ${fmt(g.engine)}; finite differences give ${fmt(g.numeric)}.` }));
    details.open = open.has(g.name);
    details.addEventListener("toggle", () => (details.open ? open.add(g.name) : open.delete(g.name)));
    return details;
  });
}

/** The SGD step's table rows: before, ∂L/∂p, −η ∂L/∂p, after, per weight and bias. */
export function sgdRows(r) {
  return r.grads.map((g) => el("tr", { "data-param": g.name },
    el("th", { text: g.name }), el("td", { class: "bh-num", text: fmt(g.before) }), el("td", { class: "bh-num", text: fmt(g.gradient) }),
    el("td", { class: "bh-num", text: fmt(g.update) }), el("td", { class: "bh-num", text: fmt(g.after) })));
}

/** The people table's rows, person `next` marked; each row's "use" button calls onUse(person). */
export function peopleRows(r, next, onUse) {
  return r.people.map((p, i) => {
    const use = el("button", { type: "button", class: "link", text: "use", "aria-label": `use ${p.name} as the sample`, title: `use ${p.name} as the sample (x, y)` });
    use.addEventListener("click", () => onUse(p));
    return el("tr", { "data-person": p.name, class: i === next ? "bh-next" : "" },
      el("th", { text: p.name }), el("td", { text: fmt(p.raw[0], 6) }), el("td", { text: fmt(p.raw[1], 6) }),
      el("td", { text: fmt(p.x[0], 6) }), el("td", { text: fmt(p.x[1], 6) }), el("td", { text: String(p.label) }),
      el("td", { class: "bh-num", text: fmt(p.prediction) }), el("td", {}, use));
  });
}

/** A new person's prediction (the POST /api/lab/net221/predict reply). */
export function personRows(p) {
  return [
    row("x =", `(${fmt(p.raw[0], 6)} − ${fmt(p.shift[0], 6)}, ${fmt(p.raw[1], 6)} − ${fmt(p.shift[1], 6)}) = (${fmt(p.x[0], 6)}, ${fmt(p.x[1], 6)})`),
    row("h1, h2 =", `${fmt(p.h1)}, ${fmt(p.h2)}`),
    row("ŷ =", `${fmt(p.prediction)}: ${p.class_name} (class ${p.label}; the network says female where ŷ ≥ 0.5)`, "", "bh-out bh-person"),
  ];
}
