// Architecture presets and default training settings. Pure data.

const INPUT = { channels: 1, height: 28, width: 28 };

export const PRESETS = {
  tiny: {
    label: "Tiny CNN (MNIST)",
    spec: {
      input: INPUT,
      layers: [
        { type: "conv2d", filters: 8, kernel: 3, stride: 1, padding: 1 },
        { type: "relu" },
        { type: "pool", mode: "max", size: 2, stride: 2 },
        { type: "flatten" },
        { type: "dense", units: 10 },
        { type: "softmax" },
      ],
    },
    settings: { dataset: "mnist" },
  },
  small: {
    label: "Two-conv CNN (MNIST)",
    spec: {
      input: INPUT,
      layers: [
        { type: "conv2d", filters: 8, kernel: 3, stride: 1, padding: 1 },
        { type: "relu" },
        { type: "pool", mode: "max", size: 2, stride: 2 },
        { type: "conv2d", filters: 16, kernel: 3, stride: 1, padding: 1 },
        { type: "relu" },
        { type: "pool", mode: "max", size: 2, stride: 2 },
        { type: "flatten" },
        { type: "dense", units: 64 },
        { type: "relu" },
        { type: "dense", units: 10 },
        { type: "softmax" },
      ],
    },
    settings: { dataset: "mnist" },
  },
  dense: {
    label: "Dense only (MNIST)",
    spec: {
      input: INPUT,
      layers: [
        { type: "flatten" },
        { type: "dense", units: 64 },
        { type: "relu" },
        { type: "dense", units: 10 },
        { type: "softmax" },
      ],
    },
    settings: { dataset: "mnist" },
  },
  shapes: {
    label: "Shapes, hand-set first filters",
    spec: {
      input: INPUT,
      layers: [
        { type: "conv2d", filters: 4, kernel: 3, stride: 1, padding: 1, frozen: true },
        { type: "relu" },
        { type: "pool", mode: "max", size: 2, stride: 2 },
        { type: "conv2d", filters: 8, kernel: 3, stride: 1, padding: 1 },
        { type: "relu" },
        { type: "pool", mode: "max", size: 2, stride: 2 },
        { type: "flatten" },
        { type: "dense", units: 7 },
        { type: "softmax" },
      ],
    },
    settings: { dataset: "shapes" },
  },

  // Small networks from the textbook, fed typed values (views/values.js fills in `example`):
  // the classic 4x4 image whose 3x3 vertical Sobel map is [[29, -192], [-35, -22]] (set the
  // kernel in "Hand-set first-layer filters"); a 4x4 whose top-left 2x2 window (1, 0, 4, 6)
  // averages 2.75 and peaks at 6; and three logits for a softmax.
  conv4: {
    label: "By hand: 4×4 input, 3×3 kernel",
    spec: {
      input: { channels: 1, height: 4, width: 4 },
      layers: [
        { type: "conv2d", filters: 1, kernel: 3, stride: 1, padding: 0, frozen: true },
        { type: "flatten" },
        { type: "softmax" },
      ],
    },
    settings: { dataset: "own" },
    example: { values: [0, 50, 0, 29, 0, 80, 31, 2, 33, 90, 0, 75, 0, 9, 0, 95] },
  },
  pool4: {
    label: "By hand: 4×4 input, 2×2 pooling",
    spec: {
      input: { channels: 1, height: 4, width: 4 },
      layers: [
        { type: "pool", mode: "avg", size: 2, stride: 2 },
        { type: "flatten" },
        { type: "softmax" },
      ],
    },
    settings: { dataset: "own" },
    example: { values: [1, 0, 2, 3, 4, 6, 6, 8, 3, 1, 1, 0, 1, 2, 2, 4] },
  },
  softmax3: {
    label: "By hand: softmax of 3 logits",
    spec: {
      input: { channels: 3, height: 1, width: 1 },
      layers: [{ type: "flatten" }, { type: "softmax" }],
    },
    settings: { dataset: "own" },
    example: { values: [2.5, 1.8, 0.2] },
  },
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
