// Typed input values: reading one box, and which inputs get a grid of boxes. Pure.

export const GRID_MAX_SIDE = 8; // a grid of boxes up to 8x8 per channel
export const GRID_MAX_CHANNELS = 4;

/** A box's text as a finite number ("-1.5", "1e3", "−2" with a Unicode minus), else null. */
export function parseCell(text) {
  const t = String(text).trim().replace(/^\u2212/, "-");
  if (t === "" || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

/** Whether a network input {channels, height, width} is small enough to type in a grid. */
export function typedGridFits(input) {
  return Boolean(input) && input.channels <= GRID_MAX_CHANNELS
    && input.height <= GRID_MAX_SIDE && input.width <= GRID_MAX_SIDE;
}

/**
 * Pasted numbers (separated by spaces, commas, semicolons, new lines; brackets ignored, so a
 * nested list pastes too) -> {values} or {error} naming the first entry that is not a number
 * and the count when it is not `expected`.
 */
export function parseValues(text, expected) {
  const parts = String(text).replace(/[[\]()]/g, " ").split(/[\s,;]+/).filter((p) => p !== "");
  const values = [];
  for (let i = 0; i < parts.length; i++) {
    const v = parseCell(parts[i]);
    if (v === null) return { error: `number ${i + 1} ("${parts[i].slice(0, 20)}") is not a finite number` };
    values.push(v);
  }
  if (values.length !== expected) return { error: `${values.length} numbers, but the network takes ${expected}` };
  return { values };
}
