// Architecture presets and default training settings. Pure data.

const INPUT = { channels: 1, height: 28, width: 28 };
const FLATTEN = { type: "flatten" };
const RELU = { type: "relu" };
const SOFTMAX = { type: "softmax" };

/** A preset: its menu label, the spec (input shape, layers), the dataset it trains on, and
 *  for the by-hand ones the `example` values typed into the input boxes. */
const preset = (label, input, layers, dataset, example) => ({
  label,
  spec: { input, layers },
  settings: { dataset },
  ...(example ? { example: { values: example } } : {}),
});

/** 3x3 convolution (padding 1, `extra` keys added) -> ReLU -> 2x2 max pooling: the image
 *  presets' block. */
const convBlock = (filters, extra = {}) => [
  { type: "conv2d", filters, kernel: 3, stride: 1, padding: 1, ...extra },
  RELU,
  { type: "pool", mode: "max", size: 2, stride: 2 },
];
const dense = (units) => ({ type: "dense", units });

export const PRESETS = {
  tiny: preset("Tiny CNN (MNIST)", INPUT, [...convBlock(8), FLATTEN, dense(10), SOFTMAX], "mnist"),
  small: preset("Two-conv CNN (MNIST)", INPUT,
    [...convBlock(8), ...convBlock(16), FLATTEN, dense(64), RELU, dense(10), SOFTMAX], "mnist"),
  dense: preset("Dense only (MNIST)", INPUT, [FLATTEN, dense(64), RELU, dense(10), SOFTMAX], "mnist"),
  shapes: preset("Shapes, hand-set first filters", INPUT,
    [...convBlock(4, { frozen: true }), ...convBlock(8), FLATTEN, dense(7), SOFTMAX], "shapes"),

  // Small networks from the textbook, fed typed values (views/values.js fills in `example`):
  // the classic 4x4 image whose 3x3 vertical Sobel map is [[29, -192], [-35, -22]] (set the
  // kernel in "Hand-set first-layer filters"); a 4x4 whose top-left 2x2 window (1, 0, 4, 6)
  // averages 2.75 and peaks at 6; and three logits for a softmax.
  conv4: preset("By hand: 4×4 input, 3×3 kernel", { channels: 1, height: 4, width: 4 },
    [{ type: "conv2d", filters: 1, kernel: 3, stride: 1, padding: 0, frozen: true }, FLATTEN, SOFTMAX], "own",
    [0, 50, 0, 29, 0, 80, 31, 2, 33, 90, 0, 75, 0, 9, 0, 95]),
  pool4: preset("By hand: 4×4 input, 2×2 pooling", { channels: 1, height: 4, width: 4 },
    [{ type: "pool", mode: "avg", size: 2, stride: 2 }, FLATTEN, SOFTMAX], "own",
    [1, 0, 2, 3, 4, 6, 6, 8, 3, 1, 1, 0, 1, 2, 2, 4]),
  softmax3: preset("By hand: softmax of 3 logits", { channels: 3, height: 1, width: 1 },
    [FLATTEN, SOFTMAX], "own", [2.5, 1.8, 0.2]),
};

export const DEFAULT_PRESET = "tiny";

export const DEFAULT_SETTINGS = {
  dataset: "mnist",
  split: { train: 0.8, val: 0.1, test: 0.1 },
  optimizer: "sgd",
  lr: 0.05,
  momentum: 0.9,
  batch_size: 32,
  weight_decay: 0,
  loss: "cross_entropy",
  seed: 0,
};

/** Which preset (key) a spec equals, or null. Compares the readable layer tokens. */
/** A dataset's name as the page says it ("mnist" -> "the MNIST digits"). */
export function datasetWords(dataset) {
  return { mnist: "the MNIST digits", shapes: "the shapes dataset", own: "your own data" }[dataset] ?? `the ${dataset} dataset`;
}

export function presetOf(spec, tokens) {
  for (const [key, p] of Object.entries(PRESETS)) if (tokens(p.spec) === tokens(spec)) return key;
  return null;
}

/** Hand-set kernels (k x k, row-major) for the shapes preset's first layer. */
export function handKernel(kind, k = 3, { sigma = 1, theta = 0, lambda = 4 } = {}) {
  const c = (k - 1) / 2;
  const out = [];
  for (let y = 0; y < k; y++) {
    for (let x = 0; x < k; x++) {
      const dx = x - c;
      const dy = y - c;
      let v = 0;
      if (kind === "sobel_x") v = k === 3 ? [-1, 0, 1, -2, 0, 2, -1, 0, 1][y * 3 + x] : Math.sign(dx) * (c + 1 - Math.abs(dy));
      else if (kind === "sobel_y") v = k === 3 ? [-1, -2, -1, 0, 0, 0, 1, 2, 1][y * 3 + x] : Math.sign(dy) * (c + 1 - Math.abs(dx));
      else if (kind === "gaussian") v = Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
      else if (kind === "gabor") {
        const xr = dx * Math.cos(theta) + dy * Math.sin(theta);
        const yr = -dx * Math.sin(theta) + dy * Math.cos(theta);
        v = Math.exp(-(xr * xr + yr * yr) / (2 * sigma * sigma)) * Math.cos((2 * Math.PI * xr) / lambda);
      }
      out.push(v);
    }
  }
  if (kind === "gaussian") {
    const s = out.reduce((a, b) => a + b, 0);
    return out.map((v) => v / s);
  }
  return out;
}
