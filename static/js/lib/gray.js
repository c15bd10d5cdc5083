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
