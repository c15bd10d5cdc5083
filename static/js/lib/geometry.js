// Layout and geometry helpers for the views. Pure: no DOM. Tested in tests/js/geometry.test.mjs.

/** Map a pointer position (client coords) to a canvas of width x height pixels shown in rect. */
export function clientToCanvas(rect, width, height, clientX, clientY) {
  return {
    x: ((clientX - rect.left) / rect.width) * width,
    y: ((clientY - rect.top) / rect.height) * height,
  };
}

/**
 * Grid for `count` tiles of h x w pixels inside a box of at most maxWidth x maxHeight CSS
 * pixels, with `gap` pixels between tiles. Chooses the number of columns that gives the
 * largest tiles (zoom, at most maxZoom, may be fractional; tiles are whole CSS pixels); of
 * layouts within 5% of the largest zoom, the one with more columns (wider, shorter).
 * Returns {cols, rows, zoom, tileW, tileH, width, height}.
 */
export function tileGrid(count, h, w, maxWidth, maxHeight = Infinity, { gap = 3, maxZoom = 4 } = {}) {
  let best = null;
  const candidates = [];
  const n = Math.max(1, count);
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    const zw = (maxWidth - gap * (cols - 1)) / cols / w;
    const zh = (maxHeight - gap * (rows - 1)) / rows / h;
    const zoom = Math.min(maxZoom, zw, zh);
    if (!best || zoom > best.zoom + 1e-9) best = { cols, rows, zoom };
    candidates.push({ cols, rows, zoom });
  }
  best = candidates.filter((c) => c.zoom >= best.zoom * 0.95).pop();
  const zoom = Math.max(best.zoom, 1 / Math.max(w, h)); // never collapse below one pixel
  const tileW = Math.max(1, Math.floor(w * zoom));
  const tileH = Math.max(1, Math.floor(h * zoom));
  return {
    cols: best.cols, rows: best.rows, zoom, tileW, tileH,
    width: best.cols * tileW + gap * (best.cols - 1), height: best.rows * tileH + gap * (best.rows - 1),
  };
}

/** Which tile index (or -1) is under point (x, y) in a grid from tileGrid. */
export function tileAt(grid, count, x, y, gap = 3) {
  const col = Math.floor(x / (grid.tileW + gap));
  const row = Math.floor(y / (grid.tileH + gap));
  if (col < 0 || row < 0 || col >= grid.cols || row >= grid.rows) return -1;
  if (x - col * (grid.tileW + gap) >= grid.tileW) return -1;
  if (y - row * (grid.tileH + gap) >= grid.tileH) return -1;
  const i = row * grid.cols + col;
  return i < count ? i : -1;
}

/** Linear scale from [d0, d1] to [r0, r1]. */
export function linearScale(d0, d1, r0, r1) {
  const span = d1 - d0 || 1;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo, hi, count = 4) {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    ticks.push(Number(v.toFixed(12)));
  }
  return ticks;
}

/** Seconds left given done / total units and elapsed seconds; null when unknown. */
export function timeLeft(done, total, elapsedSeconds) {
  if (!(done > 0) || !(total > 0) || done >= total) return done >= total ? 0 : null;
  return (elapsedSeconds / done) * (total - done);
}

export function formatDuration(seconds) {
  if (seconds === null || !Number.isFinite(seconds)) return "–";
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${Math.round(seconds - m * 60)} s`;
}
