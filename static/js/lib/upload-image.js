// An uploaded image as the pad shows it: a phone photo stores its pixels sideways and says how
// to turn them in its EXIF orientation tag (the browser honours it, and so does the server's
// decoder, engine/preprocess.upright), and has far more pixels (12 MP) than the server takes
// (max_image_pixels, 4 MP by default). Such a file is redrawn upright and smaller before it is
// sent (views/pad.js), so that the pad sends exactly the picture it shows; these are the pure
// parts: reading the tag, the size to send, whether to redraw.

/** Pixels an upload is shrunk to at most: far more than a 28x28 input needs, and well under the
 * server's default max_image_pixels, so a phone photo is never refused for its size. */
export const MAX_UPLOAD_PIXELS = 2_000_000;

/** Bytes of the file's start that hold a JPEG's EXIF block (APP1 is at most 64 KB). */
export const EXIF_BYTES = 128 * 1024;

const u16 = (b, i, le) => (le ? b[i] | (b[i + 1] << 8) : (b[i] << 8) | b[i + 1]);
const u32 = (b, i, le) => (le
  ? (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16)) + b[i + 3] * 0x1000000
  : b[i] * 0x1000000 + ((b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]));

/**
 * The EXIF orientation (1..8; 1 = stored upright) of a JPEG's first bytes (Uint8Array); 1 when
 * it is not a JPEG, has no EXIF block or no orientation tag, or the block is cut short.
 * 5..8 mean the picture is stored turned a quarter: its width and height swap when shown.
 */
export function jpegOrientation(bytes) {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return 1;
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) return 1;
    const marker = bytes[i + 1];
    if (marker === 0xff) { i += 1; continue; } // fill byte
    if (marker === 0xda || marker === 0xd9) return 1; // image data starts: no EXIF before it
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { i += 2; continue; }
    const length = u16(bytes, i + 2, false);
    if (length < 2) return 1;
    if (marker === 0xe1) {
      const found = exifOrientation(bytes, i + 4, Math.min(bytes.length, i + 2 + length));
      if (found) return found;
    }
    i += 2 + length;
  }
  return 1;
}

/** The orientation tag of an APP1 segment's body bytes[start, end), or 0. */
function exifOrientation(b, start, end) {
  const header = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"
  if (end - start < 14 || header.some((v, k) => b[start + k] !== v)) return 0;
  const tiff = start + 6;
  const le = b[tiff] === 0x49 && b[tiff + 1] === 0x49; // "II" little endian, "MM" big
  if (!le && !(b[tiff] === 0x4d && b[tiff + 1] === 0x4d)) return 0;
  if (u16(b, tiff + 2, le) !== 42) return 0;
  const ifd = tiff + u32(b, tiff + 4, le);
  if (ifd + 2 > end) return 0;
  const count = u16(b, ifd, le);
  for (let k = 0; k < count; k++) {
    const entry = ifd + 2 + 12 * k;
    if (entry + 12 > end) return 0;
    if (u16(b, entry, le) === 0x0112) {
      const value = u16(b, entry + 8, le);
      return value >= 1 && value <= 8 ? value : 0;
    }
  }
  return 0;
}

/** The size to send a width x height image at: shrunk (aspect kept, whole pixels) to at most
 * maxPixels, or as it is. `{width, height, scaled}`. */
export function fitPixels(width, height, maxPixels = MAX_UPLOAD_PIXELS) {
  if (width * height <= maxPixels) return { width, height, scaled: false };
  const s = Math.sqrt(maxPixels / (width * height));
  return {
    width: Math.max(1, Math.floor(width * s)),
    height: Math.max(1, Math.floor(height * s)),
    scaled: true,
  };
}

/** The types the server decodes (docs/protocol.md: PNG and JPEG); any other image the browser
 * can read (WebP, GIF, BMP, AVIF) is redrawn as PNG. */
export const SERVER_TYPES = ["image/png", "image/jpeg"];

/** Whether an upload must be redrawn before it is sent: turned (orientation other than 1), more
 * than maxPixels (width x height as shown), or of a type the server does not read. */
export function needsRedraw(orientation, width, height, maxPixels = MAX_UPLOAD_PIXELS, type = "image/png") {
  return orientation !== 1 || width * height > maxPixels || !SERVER_TYPES.includes(type);
}

/** Words for the pad's note on what was done to an upload, or "" when nothing was. `type`: the
 * file's MIME type. */
export function redrawNote(orientation, from, to, type = "image/png") {
  const parts = [];
  if (!SERVER_TYPES.includes(type)) parts.push(`converted to PNG`);
  if (orientation !== 1) parts.push("turned upright as the camera recorded");
  if (to.scaled) parts.push(`shrunk from ${from.width}×${from.height} to ${to.width}×${to.height} pixels`);
  return parts.join(", ");
}
