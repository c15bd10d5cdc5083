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
