import { test } from "node:test";
import assert from "node:assert/strict";

import { fitPixels, jpegOrientation, MAX_UPLOAD_PIXELS, needsRedraw, redrawNote } from "../../static/js/lib/upload-image.js";

/** A JPEG's start: SOI, optionally an APP0 (JFIF), an APP1 EXIF block whose IFD0 holds
 * `tags` ([tag, value] shorts), then a start-of-scan marker. */
function jpeg({ orientation, littleEndian = true, app0 = true, extraTagsFirst = 0, exif = true }) {
  const le = littleEndian;
  const u16 = (v) => (le ? [v & 0xff, v >> 8] : [v >> 8, v & 0xff]);
  const u32 = (v) => (le ? [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >>> 24]
    : [v >>> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff]);
  const tags = [];
  for (let k = 0; k < extraTagsFirst; k++) tags.push([0x010f + k, 7]); // other tags before it
  if (orientation !== undefined) tags.push([0x0112, orientation]);
  const ifd = [...u16(tags.length), ...tags.flatMap(([t, v]) => [...u16(t), ...u16(3), ...u32(1), ...u16(v), 0, 0]), 0, 0, 0, 0];
  const tiff = [...(le ? [0x49, 0x49] : [0x4d, 0x4d]), ...u16(42), ...u32(8), ...ifd];
  const body = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff];
  const len = body.length + 2;
  const bytes = [0xff, 0xd8];
  if (app0) bytes.push(0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0);
  if (exif) bytes.push(0xff, 0xe1, len >> 8, len & 0xff, ...body);
  bytes.push(0xff, 0xda, 0, 2, 1, 2, 3);
  return new Uint8Array(bytes);
}

test("the orientation tag is read from a JPEG's EXIF block, either byte order", () => {
  for (const o of [1, 3, 6, 8]) {
    assert.equal(jpegOrientation(jpeg({ orientation: o })), o, `II ${o}`);
    assert.equal(jpegOrientation(jpeg({ orientation: o, littleEndian: false })), o, `MM ${o}`);
  }
  assert.equal(jpegOrientation(jpeg({ orientation: 6, app0: false, extraTagsFirst: 3 })), 6);
});

test("no tag, no EXIF, not a JPEG, or a cut-off file reads as upright (1)", () => {
  assert.equal(jpegOrientation(jpeg({})), 1);
  assert.equal(jpegOrientation(jpeg({ exif: false })), 1);
  assert.equal(jpegOrientation(jpeg({ orientation: 9 })), 1);
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(jpegOrientation(png), 1);
  assert.equal(jpegOrientation(new TextEncoder().encode("hello, I am text")), 1);
  assert.equal(jpegOrientation(new Uint8Array()), 1);
  const full = jpeg({ orientation: 6 });
  for (let n = 0; n < full.length - 8; n++) {
    const o = jpegOrientation(full.subarray(0, n));
    assert.ok(o === 1 || o === 6, `cut at ${n}: ${o}`);
  }
});

test("a 12 MP phone photo is shrunk under the limit with its aspect, a small image is not", () => {
  const f = fitPixels(3024, 4032);
  assert.equal(f.scaled, true);
  assert.ok(f.width * f.height <= MAX_UPLOAD_PIXELS, `${f.width}x${f.height}`);
  assert.ok(f.width * f.height > 0.99 * MAX_UPLOAD_PIXELS, `${f.width}x${f.height} wastes pixels`);
  assert.ok(Math.abs(f.width / f.height - 3024 / 4032) < 0.002);
  assert.deepEqual(fitPixels(300, 400), { width: 300, height: 400, scaled: false });
  assert.deepEqual(fitPixels(100, 100, 10_000), { width: 100, height: 100, scaled: false });
  assert.equal(fitPixels(100_000, 1, 10_000).height, 1);
});

test("an upload is redrawn when it is turned or too large, and the note says what was done", () => {
  assert.equal(needsRedraw(1, 300, 400), false);
  assert.equal(needsRedraw(6, 300, 400), true);
  assert.equal(needsRedraw(1, 3024, 4032), true);
  assert.equal(redrawNote(1, { width: 300, height: 400 }, fitPixels(300, 400)), "");
  assert.equal(redrawNote(6, { width: 300, height: 400 }, fitPixels(300, 400)), "turned upright as the camera recorded");
  const to = fitPixels(3024, 4032);
  assert.equal(redrawNote(1, { width: 3024, height: 4032 }, to), `shrunk from 3024×4032 to ${to.width}×${to.height} pixels`);
});

test("an image type the server does not read (WebP, GIF, none) is redrawn as PNG, and said", () => {
  assert.equal(needsRedraw(1, 300, 400, MAX_UPLOAD_PIXELS, "image/jpeg"), false);
  assert.equal(needsRedraw(1, 300, 400, MAX_UPLOAD_PIXELS, "image/png"), false);
  for (const type of ["image/webp", "image/gif", "image/bmp", ""]) {
    assert.equal(needsRedraw(1, 300, 400, MAX_UPLOAD_PIXELS, type), true, type);
  }
  const same = { width: 300, height: 400 };
  assert.equal(redrawNote(1, same, fitPixels(300, 400), "image/webp"), "converted to PNG");
  assert.equal(redrawNote(6, same, fitPixels(300, 400), "image/jpeg"), "turned upright as the camera recorded");
});
