import assert from "node:assert/strict";
import { test } from "node:test";
import { edgePath, layoutNetwork, weightRef, weightStyle } from "../../static/js/lab/plane/diagram.js";

test("one column per layer, one node per neuron, one edge per weight", () => {
  const sizes = [2, 8, 8, 1];
  const g = layoutNetwork(sizes, { width: 600 });
  assert.equal(g.columns.length, 4);
  assert.deepEqual(g.columns.map((c) => c.nodes.length), sizes);
  assert.equal(g.edges.length, 2 * 8 + 8 * 8 + 8 * 1);
  const layers = g.edges.map((e) => e.layer);
  assert.deepEqual([...new Set(layers)], [0, 1, 2]);
  // every (from, to) pair of a layer is there once
  const keys = new Set(g.edges.map((e) => `${e.layer}:${e.from}:${e.to}`));
  assert.equal(keys.size, g.edges.length);
});

test("edges join the right side of the source node to the left side of the target", () => {
  const g = layoutNetwork([3, 2], { width: 300, node: 30 });
  for (const e of g.edges) {
    const a = g.columns[e.layer].nodes[e.from];
    const b = g.columns[e.layer + 1].nodes[e.to];
    assert.equal(e.x1, a.x + g.node);
    assert.equal(e.y1, a.y + g.node / 2);
    assert.equal(e.x2, b.x);
    assert.equal(e.y2, b.y + g.node / 2);
    assert.ok(e.d.startsWith(`M${+e.x1.toFixed(1)} ${+e.y1.toFixed(1)}C`));
  }
});

test("everything fits in the width; nodes shrink for a narrow screen but not below minNode", () => {
  for (const width of [350, 600, 1000]) {
    const g = layoutNetwork([7, 8, 8, 8, 8, 8, 8, 1], { width, node: 40, minNode: 18 });
    const right = Math.max(...g.columns.map((c) => c.x)) + g.node;
    assert.ok(right <= width + 1e-9, `width ${width}: right edge ${right}`);
    assert.ok(g.node >= 18 && g.node <= 40);
    const bottom = Math.max(...g.columns.flatMap((c) => c.nodes.map((n) => n.y))) + g.node;
    assert.ok(bottom <= g.height + 1e-9);
  }
  assert.equal(layoutNetwork([2, 1], { width: 1000, node: 40 }).node, 40, "never larger than asked");
});

test("columns are centred vertically and do not overlap within a column", () => {
  const g = layoutNetwork([2, 6, 1], { width: 400, node: 30, rowGap: 8 });
  const mid = (c) => (c.nodes[0].y + c.nodes.at(-1).y + g.node) / 2;
  assert.ok(Math.abs(mid(g.columns[0]) - mid(g.columns[1])) < 1e-9);
  assert.ok(Math.abs(mid(g.columns[2]) - g.height / 2) < 1e-9);
  const ys = g.columns[1].nodes.map((n) => n.y);
  for (let i = 1; i < ys.length; i++) assert.equal(ys[i] - ys[i - 1], 38);
});

test("edgePath is a cubic from one end to the other", () => {
  assert.equal(edgePath(0, 0, 10, 20), "M0 0C5 0 5 20 10 20");
});

test("weightStyle: width grows with |w| up to ref; sign gives the hue", () => {
  const small = weightStyle(0.1, { ref: 1 });
  const big = weightStyle(-1, { ref: 1 });
  const huge = weightStyle(5, { ref: 1 });
  assert.ok(small.width < big.width);
  assert.equal(big.width, huge.width);
  assert.equal(weightStyle(0).width, 0.5);
  const rgb = (s) => s.match(/\d+/g).map(Number);
  const [r1, , b1] = rgb(weightStyle(0.5).color);
  const [r2, , b2] = rgb(weightStyle(-0.5).color);
  assert.ok(r1 > b1, "positive reads red");
  assert.ok(b2 > r2, "negative reads blue");
  assert.equal(weightStyle(0.5).width, weightStyle(-0.5).width);
});

test("weightRef rounds the largest |w| up to 1, 2 or 5 times a power of ten", () => {
  assert.equal(weightRef([new Float32Array([0.3, -0.7])]), 1);
  assert.equal(weightRef([new Float32Array([1.2]), new Float32Array([-0.1])]), 2);
  assert.equal(weightRef([new Float32Array([-3.5])]), 5);
  assert.equal(weightRef([new Float32Array([0.01])]), 0.1);
  assert.equal(weightRef([new Float32Array([2])]), 2);
  assert.equal(weightRef([]), 0.1);
});
