// Stroke-to-pixel rasterisation for the drawing pad. Pure: no DOM.
// Tested in tests/js/raster.test.mjs.
//
// The pad keeps a grayscale ink buffer (Float32Array, 0 = paper, 1 = full ink, row-major).
// A stroke is {points: [{x, y}], size, erase}; x, y in buffer pixels (pixel centres at i+0.5).
// The brush is a round, anti-aliased disc of diameter `size` pixels, stamped along each
// segment; ink takes the max (pen) or is lowered toward 0 (eraser).

/** Coverage of a pixel centred at distance d from the brush centre of radius r (1px ramp). */
function coverage(d, r) {
  const c = r + 0.5 - d;
  return c <= 0 ? 0 : c >= 1 ? 1 : c;
}

/** Stamp one disc; returns the touched box [x0, y0, x1, y1] (inclusive) or null. */
export function stampDisc(buf, width, height, cx, cy, size, erase = false) {
  const r = Math.max(0.5, size / 2);
  const x0 = Math.max(0, Math.floor(cx - r - 1));
  const x1 = Math.min(width - 1, Math.ceil(cx + r + 1));
  const y0 = Math.max(0, Math.floor(cy - r - 1));
  const y1 = Math.min(height - 1, Math.ceil(cy + r + 1));
  if (x0 > x1 || y0 > y1) return null;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
      const a = coverage(d, r);
      if (a <= 0) continue;
      const i = y * width + x;
      if (erase) buf[i] = Math.min(buf[i], 1 - a);
      else if (a > buf[i]) buf[i] = a;
    }
  }
  return [x0, y0, x1, y1];
}

/** Stamp discs along the segment (ax, ay) -> (bx, by), spaced at most a quarter-brush apart. */
export function stampSegment(buf, width, height, ax, ay, bx, by, size, erase = false) {
  const len = Math.hypot(bx - ax, by - ay);
  const step = Math.max(0.25, size / 4);
  const n = Math.max(1, Math.ceil(len / step));
  for (let k = 0; k <= n; k++) {
    const t = k / n;
    stampDisc(buf, width, height, ax + (bx - ax) * t, ay + (by - ay) * t, size, erase);
  }
}

/** Add the last point of a stroke in progress: stamps the segment from the previous point. */
export function extendStroke(buf, width, height, stroke) {
  const pts = stroke.points;
  const b = pts[pts.length - 1];
  const a = pts.length > 1 ? pts[pts.length - 2] : b;
  stampSegment(buf, width, height, a.x, a.y, b.x, b.y, stroke.size, stroke.erase);
}

/** Rasterise a whole list of strokes into a fresh buffer (used for undo). */
export function rasterize(strokes, width, height, base = null) {
  const buf = base ? Float32Array.from(base) : new Float32Array(width * height);
  for (const s of strokes) {
    const pts = s.points;
    if (pts.length === 1) stampDisc(buf, width, height, pts[0].x, pts[0].y, s.size, s.erase);
    for (let k = 1; k < pts.length; k++) {
      stampSegment(buf, width, height, pts[k - 1].x, pts[k - 1].y, pts[k].x, pts[k].y, s.size, s.erase);
    }
  }
  return buf;
}

/** Ink buffer -> 8-bit grayscale (0 = paper .. 255 = ink), what the server is sent. */
export function toGray8(buf) {
  const out = new Uint8Array(buf.length);
  for (let i = 0; i < buf.length; i++) out[i] = Math.round(Math.max(0, Math.min(1, buf[i])) * 255);
  return out;
}

/** Ink buffer -> RGBA for display: dark ink on white paper. */
export function inkToRgba(buf, rgba) {
  for (let i = 0; i < buf.length; i++) {
    const v = 255 - Math.round(Math.max(0, Math.min(1, buf[i])) * 255);
    rgba[i * 4] = v;
    rgba[i * 4 + 1] = v;
    rgba[i * 4 + 2] = v;
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}

/** RGBA image data (e.g. an uploaded picture drawn on a canvas) -> luminance 0..1 per pixel. */
export function rgbaToLuminance(rgba, count) {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const a = rgba[i * 4 + 3] / 255;
    // Transparent pixels count as white paper.
    const l = (0.299 * rgba[i * 4] + 0.587 * rgba[i * 4 + 1] + 0.114 * rgba[i * 4 + 2]) / 255;
    out[i] = l * a + (1 - a);
  }
  return out;
}

/** True when the buffer holds any ink above threshold. */
export function hasInk(buf, threshold = 0.05) {
  for (let i = 0; i < buf.length; i++) if (buf[i] > threshold) return true;
  return false;
}
