import assert from "node:assert/strict";
import { test } from "node:test";
import { handKernel, PRESETS } from "../../static/js/lib/presets.js";
import { decodeState, encodeState } from "../../static/js/lib/urlstate.js";
import { installLayerTypes } from "./layer-fixture.mjs";

installLayerTypes(); // the URL codec reads the layer table (GET /api/layers)

test("Sobel kernels are the textbook ones", () => {
  assert.deepEqual(handKernel("sobel_x", 3), [-1, 0, 1, -2, 0, 2, -1, 0, 1]);
  assert.deepEqual(handKernel("sobel_y", 3), [-1, -2, -1, 0, 0, 0, 1, 2, 1]);
});

test("a Gaussian sums to 1, peaks in the middle and is symmetric", () => {
  for (const k of [3, 5]) {
    const g = handKernel("gaussian", k, { sigma: 1 });
    assert.ok(Math.abs(g.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    const mid = (k * k - 1) / 2;
    assert.equal(Math.max(...g), g[mid]);
    for (let i = 0; i < k * k; i++) assert.ok(Math.abs(g[i] - g[k * k - 1 - i]) < 1e-12);
  }
});

test("a Gabor at 0 degrees is the one at 90 degrees turned a quarter", () => {
  const k = 5;
  const a = handKernel("gabor", k, { theta: 0, sigma: 1, lambda: 3 });
  const b = handKernel("gabor", k, { theta: Math.PI / 2, sigma: 1, lambda: 3 });
  for (let y = 0; y < k; y++) for (let x = 0; x < k; x++) assert.ok(Math.abs(a[y * k + x] - b[x * k + y]) < 1e-9);
});

test("every preset survives the URL", () => {
  for (const [name, p] of Object.entries(PRESETS)) {
    assert.deepEqual(decodeState(encodeState({ spec: p.spec })).spec, p.spec, name);
  }
});

test("datasetWords names each dataset as the page says it", async () => {
  const { datasetWords } = await import("../../static/js/lib/presets.js");
  assert.equal(datasetWords("mnist"), "the MNIST digits");
  assert.equal(datasetWords("shapes"), "the shapes dataset");
  assert.equal(datasetWords("own"), "your own data");
  assert.equal(datasetWords("cifar"), "the cifar dataset");
});
