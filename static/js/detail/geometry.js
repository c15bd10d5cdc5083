// Pure sliding-window geometry for conv and pool layers. No DOM, no numbers from the
// engine: only which cells a window covers. Tested in Node (tests/js/detail-geometry.test.mjs).
//
// Coordinates: input cells (iy, ix) index the unpadded input; padded cells (py, px) index
// the input with `pad` rows/columns of zeros added on every side, so py = iy + pad.

/** Resolve a spec padding (int, "same", "valid") to a number of cells per side. */
export function resolvePadding(padding, kernel) {
  if (padding === undefined || padding === null || padding === "valid") return 0;
  if (padding === "same") return Math.floor((kernel - 1) / 2);
  const p = Number(padding);
  if (!Number.isInteger(p) || p < 0) throw new RangeError(`bad padding ${padding}`);
  return p;
}

/** out = floor((in + 2*pad - kernel) / stride) + 1, as in the engine. */
export function outputSize(inSize, kernel, stride, pad) {
  if (kernel < 1 || stride < 1 || pad < 0) throw new RangeError("kernel, stride >= 1, pad >= 0");
  const span = inSize + 2 * pad - kernel;
  if (span < 0) return 0;
  return Math.floor(span / stride) + 1;
}

/**
 * Everything about one layer's window: sizes in, padded, out.
 * @param {{inH:number, inW:number, kernel:number, stride?:number, padding?:number|string}} o
 */
export function windowGeometry({ inH, inW, kernel, stride = 1, padding = 0 }) {
  const pad = resolvePadding(padding, kernel);
  const outH = outputSize(inH, kernel, stride, pad);
  const outW = outputSize(inW, kernel, stride, pad);
  return {
    inH, inW, kernel, stride, pad,
    paddedH: inH + 2 * pad,
    paddedW: inW + 2 * pad,
    outH, outW,
    count: outH * outW,
  };
}

/** Top-left corner of output cell (row, col)'s window, in padded coordinates. */
export function windowOrigin(g, row, col) {
  checkOutputCell(g, row, col);
  return { py: row * g.stride, px: col * g.stride };
}

/**
 * The kernel-many cells the window of output cell (row, col) covers, in row-major kernel
 * order (the order the engine's products are listed in): kernel offset (ky, kx), padded
 * coordinates (py, px), input coordinates (iy, ix) and whether the cell is padding.
 */
export function windowCells(g, row, col) {
  const { py: top, px: left } = windowOrigin(g, row, col);
  const cells = [];
  for (let ky = 0; ky < g.kernel; ky++) {
    for (let kx = 0; kx < g.kernel; kx++) {
      const py = top + ky;
      const px = left + kx;
      const iy = py - g.pad;
      const ix = px - g.pad;
      const isPadding = iy < 0 || ix < 0 || iy >= g.inH || ix >= g.inW;
      cells.push({ ky, kx, py, px, iy, ix, isPadding });
    }
  }
  return cells;
}

/** Is padded cell (py, px) part of the zero padding rather than the input? */
export function isPaddingCell(g, py, px) {
  return py < g.pad || px < g.pad || py >= g.pad + g.inH || px >= g.pad + g.inW;
}

/** Scan order: left to right, top to bottom. Index of output cell (row, col). */
export function scanIndex(g, row, col) {
  checkOutputCell(g, row, col);
  return row * g.outW + col;
}

/** Output cell at scan position `index` (0 .. count-1). */
export function scanCell(g, index) {
  if (!Number.isInteger(index) || index < 0 || index >= g.count) {
    throw new RangeError(`scan index ${index} outside 0..${g.count - 1}`);
  }
  return { row: Math.floor(index / g.outW), col: index % g.outW };
}

/** Output cells whose windows include input cell (iy, ix), in scan order. */
export function outputCellsReading(g, iy, ix) {
  const py = iy + g.pad;
  const px = ix + g.pad;
  const cells = [];
  for (let row = 0; row < g.outH; row++) {
    const top = row * g.stride;
    if (py < top || py >= top + g.kernel) continue;
    for (let col = 0; col < g.outW; col++) {
      const left = col * g.stride;
      if (px >= left && px < left + g.kernel) cells.push({ row, col });
    }
  }
  return cells;
}

function checkOutputCell(g, row, col) {
  if (!Number.isInteger(row) || !Number.isInteger(col) || row < 0 || col < 0
      || row >= g.outH || col >= g.outW) {
    throw new RangeError(`output cell (${row}, ${col}) outside ${g.outH}x${g.outW}`);
  }
}

/** Screen pixels per cell for a map `n` cells across in `px` pixels (4..44). */
export function cellSizeFor(n, px) {
  return Math.max(4, Math.min(44, Math.floor(px / n)));
}
