// A generic grid renderer on a canvas: one coloured cell per value, optional numbers in the
// cells, padding cells hatched, highlight rectangles, and hit-testing for hover. It shows
// only the values it is given (indexed out of what the server sent); it computes none.

import { divergingRGB, textColorOn, fmt } from "./colors.js";

/** Pure layout: cell size and offsets for a rows x cols grid with a gap between cells. */
export function gridLayout(rows, cols, cellSize, gap = 0) {
  const pitch = cellSize + gap;
  return {
    rows, cols, cellSize, gap, pitch,
    width: cols * pitch - gap,
    height: rows * pitch - gap,
  };
}

/** Which cell is under canvas pixel (x, y), or null in a gap or outside. */
export function cellAt(layout, x, y) {
  if (x < 0 || y < 0) return null;
  const col = Math.floor(x / layout.pitch);
  const row = Math.floor(y / layout.pitch);
  if (row >= layout.rows || col >= layout.cols) return null;
  if (x - col * layout.pitch >= layout.cellSize || y - row * layout.pitch >= layout.cellSize) return null;
  return { row, col };
}

/**
 * Create a renderer bound to a canvas.
 * draw(spec): spec = {
 *   rows, cols, cellSize, gap,
 *   value(row, col) -> number | null   (null: not yet filled, drawn empty)
 *   isPadding(row, col) -> bool         (drawn hatched, labelled 0 when numbers are on)
 *   limit                               (colour scale reaches +-limit)
 *   numbers: bool, digits
 *   highlights: [{row, col, rows, cols, color, width}]
 * }
 */
export function createGridRenderer(canvas) {
  let layout = null;
  const dpr = (typeof window !== "undefined" && window.devicePixelRatio) || 1;

  function draw(spec) {
    const { rows, cols, cellSize, gap = 0, value, isPadding, limit = 1, numbers = false,
      digits = 2, highlights = [] } = spec;
    layout = gridLayout(rows, cols, cellSize, gap);
    const w = layout.width;
    const h = layout.height;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
      canvas.style.width = `${w}px`;
      canvas.style.height = `${h}px`;
    }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const fontPx = Math.max(7, Math.min(13, cellSize * 0.3));
    ctx.font = `${fontPx}px system-ui, sans-serif`;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const x = c * layout.pitch;
        const y = r * layout.pitch;
        if (isPadding && isPadding(r, c)) {
          drawPadding(ctx, x, y, cellSize);
          if (numbers) {
            ctx.fillStyle = "#666";
            ctx.fillText("0", x + cellSize / 2, y + cellSize / 2);
          }
          continue;
        }
        const v = value(r, c);
        if (v === null || v === undefined) {
          ctx.fillStyle = "#eef0f3";
          ctx.fillRect(x, y, cellSize, cellSize);
          continue;
        }
        const rgb = divergingRGB(v, limit);
        ctx.fillStyle = `rgb(${rgb[0]},${rgb[1]},${rgb[2]})`;
        ctx.fillRect(x, y, cellSize, cellSize);
        if (numbers) {
          ctx.fillStyle = textColorOn(rgb);
          const text = fmt(v, digits + 1);
          const w = ctx.measureText(text).width;
          if (w > cellSize - 3) {
            // shrink this label to fit its cell
            ctx.save();
            ctx.font = `${Math.max(6, fontPx * (cellSize - 3) / w)}px system-ui, sans-serif`;
            ctx.fillText(text, x + cellSize / 2, y + cellSize / 2);
            ctx.restore();
          } else {
            ctx.fillText(text, x + cellSize / 2, y + cellSize / 2);
          }
        }
      }
    }
    for (const hl of highlights) {
      const x = hl.col * layout.pitch;
      const y = hl.row * layout.pitch;
      const width = (hl.cols || 1) * layout.pitch - gap;
      const height = (hl.rows || 1) * layout.pitch - gap;
      // a white halo under the outline keeps it visible on dark cells too
      const lw = hl.width || 2;
      ctx.lineWidth = lw + 2;
      ctx.strokeStyle = "#fff";
      ctx.strokeRect(x + lw / 2, y + lw / 2, width - lw, height - lw);
      ctx.lineWidth = lw;
      ctx.strokeStyle = hl.color || "#111";
      ctx.strokeRect(x + lw / 2, y + lw / 2, width - lw, height - lw);
    }
    return layout;
  }

  return {
    draw,
    get layout() { return layout; },
    /** Cell under a mouse event, or null. */
    cellFromEvent(event) {
      if (!layout) return null;
      const rect = canvas.getBoundingClientRect();
      const sx = layout.width / rect.width;
      const sy = layout.height / rect.height;
      return cellAt(layout, (event.clientX - rect.left) * sx, (event.clientY - rect.top) * sy);
    },
  };
}

function drawPadding(ctx, x, y, size) {
  ctx.fillStyle = "#fafafa";
  ctx.fillRect(x, y, size, size);
  ctx.save();
  ctx.beginPath();
  ctx.rect(x, y, size, size);
  ctx.clip();
  ctx.strokeStyle = "#c9ced6";
  ctx.lineWidth = 1;
  const step = Math.max(3, size / 3);
  for (let d = -size; d < size; d += step) {
    ctx.beginPath();
    ctx.moveTo(x + d, y + size);
    ctx.lineTo(x + d + size, y);
    ctx.stroke();
  }
  ctx.restore();
  ctx.strokeStyle = "#d5d9e0";
  ctx.strokeRect(x + 0.5, y + 0.5, size - 1, size - 1);
}
