import assert from "node:assert/strict";
import { test } from "node:test";
import { fmt, inputText, paren, parseNumber } from "../../static/js/lab/byhand/format.js";
import {
  LINK_RULES, NET_DEFAULT, NEURON_EXAMPLE, ignoredKeys, netFieldProblem, neuronParams, netParams, readNet,
  readNeuron,
} from "../../static/js/lab/byhand/state.js";

const M = "\u2212";

test("fmt keeps four significant digits and a real minus sign", () => {
  assert.equal(fmt(0.9990889488), "0.9991");
  assert.equal(fmt(0.952574126822), "0.9526");
  assert.equal(fmt(0.02146953526), "0.02147");
  assert.equal(fmt(-0.9526096518), `${M}0.9526`);
  assert.equal(fmt(-0.0904, 3), `${M}0.0904`);
  assert.equal(fmt(7), "7");
  assert.equal(fmt(-3), `${M}3`);
  assert.equal(fmt(0), "0");
  assert.equal(fmt(123456.7), "123457");
  assert.equal(fmt(99.99999), "100");
  assert.equal(fmt(0.0000123456), "1.235e" + M + "5");
  assert.equal(fmt(2500000), "2.5e6");
  assert.equal(fmt(null), "—");
  assert.equal(fmt(0.5240, 3), "0.524");
});

test("paren shows a typed number in a product", () => {
  assert.equal(paren(-2), `(${M}2)`);
  assert.equal(paren(0.125), "(0.125)");
});

test("parseNumber takes numbers and nothing else", () => {
  assert.equal(parseNumber(" -2.5 "), -2.5);
  assert.equal(parseNumber(`${M}1`), -1);
  assert.equal(parseNumber("1e3"), 1000);
  assert.equal(parseNumber(".5"), 0.5);
  for (const bad of ["", "abc", "1,5", "NaN", "Infinity", "1e999", "--1", "0x10"]) {
    assert.equal(parseNumber(bad), null, bad);
  }
});

const getter = (query) => {
  const p = new URLSearchParams(query);
  return (k) => p.get(k);
};

test("neuron set-up round-trips through its URL keys", () => {
  const s = { x: [1.5, -2, 3], w: [0.25, 1, -4], b: -0.5, activation: "leaky_relu", slope: 0.2 };
  const query = new URLSearchParams(neuronParams(s)).toString();
  assert.deepEqual(readNeuron(getter(query)), s);
  assert.deepEqual(readNeuron(getter("")), NEURON_EXAMPLE);
});

test("broken neuron keys fall back one by one", () => {
  const s = readNeuron(getter("n.x=1,2&n.w=1&n.b=abc&n.f=swish&n.s=5"));
  assert.deepEqual(s.x, [1, 2]); // the link's inputs stand: n.w (one weight for two) is refused
  assert.deepEqual(s.w, NEURON_EXAMPLE.w);
  assert.equal(s.b, NEURON_EXAMPLE.b);
  assert.equal(s.activation, "sigmoid");
  assert.equal(s.slope, 0.01);
  assert.deepEqual(readNeuron(getter("n.x=1,NaN&n.w=1,2")), { ...NEURON_EXAMPLE, w: [1, 2] });
  assert.deepEqual(readNeuron(getter("n.x=1,1e9&n.w=1,2")), { ...NEURON_EXAMPLE, w: [1, 2] });
  assert.equal(readNeuron(getter("n.b=7")).b, 7);
});

test("a broken n.w leaves n.x as the link gave it, and the other way round", () => {
  // the audit's link (docs/audits/lab-2026-12-04.md #14): both were reset to the example
  assert.deepEqual(readNeuron(getter("n.x=1,2&n.w=1,abc")), { ...NEURON_EXAMPLE, x: [1, 2] });
  // another input count: the example's weights cut or padded as "+ input" pads (w 0, x 1)
  assert.deepEqual(readNeuron(getter("n.x=5,6,7&n.w=abc")).w, [0, 1, 0]);
  assert.deepEqual(readNeuron(getter("n.x=5&n.w=1e9")).w, [0]);
  assert.deepEqual(readNeuron(getter("n.x=&n.w=4,5,6")).x, [2, 3, 1]);
  assert.deepEqual(readNeuron(getter("n.w=4,5,6")), { ...NEURON_EXAMPLE, x: [2, 3, 1], w: [4, 5, 6] });
  // more than MAX_INPUTS inputs: refused alone, the weights then set the count
  const nine = Array(9).fill(1).join(",");
  assert.deepEqual(readNeuron(getter(`n.x=${nine}&n.w=3`)), { ...NEURON_EXAMPLE, x: [2], w: [3] });
  assert.deepEqual(readNeuron(getter(`n.x=1,2&n.w=${nine}`)), { ...NEURON_EXAMPLE, x: [1, 2] });
  // the page names only the value it refused
  for (const [query, named] of [["n.x=1,2&n.w=1,abc", ["n.w=1,abc"]], ["n.x=1,x&n.w=7,8", ["n.x=1,x"]],
    ["n.x=1,2,3&n.w=1,2", ["n.w=1,2"]], ["n.x=4,5&n.w=6,7", []]]) {
    const get = getter(query);
    assert.deepEqual(ignoredKeys(get, neuronParams(readNeuron(get))), named, query);
  }
});

test("2-2-1 set-up round-trips through its URL keys", () => {
  const s = {
    params: { w1: 0.5, w2: -1, w3: 2, w4: 0, w5: 1.25, w6: -3, b1: 0.1, b2: -0.2, b3: 0 },
    x: [25, 6], y: 0, lr: 0.3, next: 2, person: [120.5, 61],
  };
  const query = new URLSearchParams(netParams(s)).toString();
  assert.deepEqual(readNet(getter(query)), s);
  assert.deepEqual(readNet(getter("")), NET_DEFAULT);
});

test("broken 2-2-1 keys fall back one by one", () => {
  const s = readNet(getter("h.p=1,2,3&h.x=1,2&h.y=3&h.lr=0&h.i=1.5&h.new=1"));
  assert.deepEqual(s.person, NET_DEFAULT.person);
  assert.deepEqual(s.params, NET_DEFAULT.params);
  assert.deepEqual(s.x, [1, 2]);
  assert.equal(s.y, NET_DEFAULT.y);
  assert.equal(s.lr, NET_DEFAULT.lr);
  assert.equal(s.next, 0);
});

import { extent, linear, ticks } from "../../static/js/lab/byhand/plot.js";

test("linear maps a domain onto a range", () => {
  const s = linear(-6, 6, 0, 300);
  assert.equal(s(-6), 0);
  assert.equal(s(0), 150);
  assert.equal(s(6), 300);
  assert.equal(linear(2, 2, 0, 100)(2), 50);
});

test("extent pads the data and skips non-finite values", () => {
  assert.deepEqual(extent([[0, 1], [0.5, NaN]], 0.1), [-0.1, 1.1]);
  assert.deepEqual(extent([[3, 3]]), [2.5, 3.5]);
  assert.deepEqual(extent([[]]), [0, 1]);
});

test("ticks are round and inside the interval", () => {
  assert.deepEqual(ticks(-6, 6, 6), [-6, -4, -2, 0, 2, 4, 6]);
  assert.deepEqual(ticks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(ticks(0.03, 0.52, 5), [0.1, 0.2, 0.3, 0.4, 0.5]);
});

test("inputText shows six digits that parseNumber reads back", () => {
  assert.equal(inputText(0.9978530464734189), "0.997853");
  assert.equal(inputText(-1.23456789e-7), "-1.23457e-7");
  assert.equal(inputText(4), "4");
  assert.equal(parseNumber(inputText(-1.23456789e-7)), -1.23457e-7);
  assert.equal(parseNumber(fmt(-0.0000123456)), -0.00001235);
});

test("a 2-2-1 field's problem names the field and its rule, in words", () => {
  assert.equal(netFieldProblem("w1", "-2.5"), null);
  assert.equal(netFieldProblem("w1", "1e6"), null);
  assert.equal(netFieldProblem("w1", "abc"), "weight w1: type a number (at most 1000000 in size)");
  assert.equal(netFieldProblem("b3", "1e308"), "bias b3: type a number (at most 1000000 in size)");
  assert.equal(netFieldProblem("x2", ""), "input x2: type a number (at most 1000000 in size)");
  assert.equal(netFieldProblem("lr", "0"), "learning rate η: type a number above 0, at most 10");
  assert.equal(netFieldProblem("lr", "10"), null);
  assert.equal(netFieldProblem("y", "1.5"), "target y (0 to 1): type a number between 0 and 1");
  assert.equal(netFieldProblem("y", "NaN"), "target y (0 to 1): type a number between 0 and 1");
});

test("ignoredKeys names the link's values a view did not use, and only those", () => {
  const net = getter("h.p=1,2,3&h.x=1,2&h.y=3&h.lr=0.10&h.i=1.5&h.new=1e308,60");
  assert.deepEqual(ignoredKeys(net, netParams(readNet(net))), ["h.p=1,2,3", "h.y=3", "h.i=1.5", "h.new=1e308,60"]);
  const good = new URLSearchParams(netParams(NET_DEFAULT)).toString();
  assert.deepEqual(ignoredKeys(getter(good), netParams(readNet(getter(good)))), []);
  assert.deepEqual(ignoredKeys(getter(""), netParams(NET_DEFAULT)), []);
  // a broken n.w is named alone: n.x is used as the link gave it
  const neuron = getter("n.x=1,2&n.w=1,abc&n.f=<img src=x>&n.b=7");
  assert.deepEqual(ignoredKeys(neuron, neuronParams(readNeuron(neuron))), ["n.w=1,abc", "n.f=<img src=x>"]);
  assert.equal(ignoredKeys(getter(`n.f=${"x".repeat(500)}`), neuronParams(NEURON_EXAMPLE))[0].length, "n.f=".length + 40);
});

test("ignoredKeys with the rules says what each refused key takes", () => {
  const net = getter("h.lr=abc&h.p=1,2,3&h.x=4,5");
  assert.deepEqual(ignoredKeys(net, netParams(readNet(net)), LINK_RULES), [
    "h.p=1,2,3 (needs 9 numbers, w1 to w6 then b1 to b3, each at most 1000000 in size)",
    "h.lr=abc (needs a number above 0, at most 10)",
  ]);
  // every key a view writes has its rule
  for (const key of [...Object.keys(netParams(NET_DEFAULT)), ...Object.keys(neuronParams(NEURON_EXAMPLE))]) {
    assert.ok(LINK_RULES[key]?.startsWith("needs "), key);
  }
  const neuron = getter("n.x=1,2,3,4,5,6,7,8,9&n.s=2");
  assert.deepEqual(ignoredKeys(neuron, neuronParams(readNeuron(neuron)), LINK_RULES), [
    "n.x=1,2,3,4,5,6,7,8,9 (needs 1 to 8 numbers, each at most 1000000 in size)",
    "n.s=2 (needs a number from 0 to 1)",
  ]);
});
