// Grayscale images in [0, 1] (as the server sends network inputs) painted onto a canvas.

/**
 * Paint the h x w image starting at `data[offset]` (row-major, values in [0, 1], white = 1)
 * onto `canvas`, resizing it to w x h. Values outside [0, 1] are clipped.
 */
export function paintGray(canvas, data, w, h, offset = 0) {
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext("2d");
  const img = ctx.createImageData(w, h);
  for (let k = 0; k < h * w; k++) {
    const v = Math.round(Math.max(0, Math.min(1, data[offset + k])) * 255);
    img.data[k * 4] = v;
    img.data[k * 4 + 1] = v;
    img.data[k * 4 + 2] = v;
    img.data[k * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  return canvas;
}

/** A new canvas showing image i of an (N, C, H, W) tensor's first channel. */
export function grayCanvas(images, i) {
  const [, c, h, w] = images.shape;
  return paintGray(document.createElement("canvas"), images.data, w, h, i * c * h * w);
}

/**
 * The range an image is shown in: [0, 1] when every value is in it (drawings, photos),
 * else its own [min, max] (typed values such as 0..95 or -3..2), so nothing is clipped.
 */
export function displayRange(data) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(lo < Infinity) || (lo >= 0 && hi <= 1)) return { lo: 0, hi: 1, scaled: false };
  return { lo, hi: hi > lo ? hi : lo + 1, scaled: true };
}

/** An end of a displayRange as the page prints it (the pad's picture and the network's input
 * column alike): four significant digits, as typed (95, 2.5; a Float32 0.2 reads 0.2). */
export function rangeEndText(v) {
  return String(+v.toPrecision(4));
}

/** `data` mapped from [lo, hi] to [0, 1] (a new Float32Array). */
export function toUnit(data, lo, hi) {
  const out = new Float32Array(data.length);
  for (let k = 0; k < data.length; k++) out[k] = (data[k] - lo) / (hi - lo);
  return out;
}

/** Paint a (3, h, w) planar RGB image, values in [0, 1] (clipped), onto `canvas`. */
export function paintRGB(canvas, data, w, h) {
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext("2d");
  const img = ctx.createImageData(w, h);
  const n = h * w;
  for (let k = 0; k < n; k++) {
    for (let ch = 0; ch < 3; ch++) img.data[k * 4 + ch] = Math.round(Math.max(0, Math.min(1, data[ch * n + k])) * 255);
    img.data[k * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  return canvas;
}
