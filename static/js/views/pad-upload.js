// An uploaded file made ready for the pad and the server: decoded by the browser (so a file
// that is no image is refused here, under the pad, before anything is sent), and redrawn
// upright and smaller when the file is a turned phone photo or has more pixels than an upload
// needs (lib/upload-image.js says when and how much).

import { EXIF_BYTES, fitPixels, jpegOrientation, needsRedraw, redrawNote } from "../lib/upload-image.js";

/** Refusals in plain words, naming the file. */
export class UploadError extends Error {}

/**
 * `{file, bitmap, note}`: the file to send (the original, or a redrawn PNG/JPEG named after
 * it), the picture as shown (upright, `ImageBitmap`) and a note on what was done ("" for
 * nothing). Throws UploadError when the browser cannot read it as an image.
 */
export async function prepareUpload(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file); // applies the EXIF orientation, as a viewer does
  } catch {
    throw new UploadError(`${file.name} is not an image this page can read: choose a PNG, JPEG or WebP picture.`);
  }
  const head = new Uint8Array(await file.slice(0, EXIF_BYTES).arrayBuffer());
  const orientation = jpegOrientation(head);
  const from = { width: bitmap.width, height: bitmap.height };
  if (!needsRedraw(orientation, from.width, from.height, undefined, file.type)) return { file, bitmap, note: "" };
  const to = fitPixels(from.width, from.height);
  const canvas = document.createElement("canvas");
  canvas.width = to.width;
  canvas.height = to.height;
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(bitmap, 0, 0, to.width, to.height);
  const jpeg = file.type === "image/jpeg";
  const type = jpeg ? "image/jpeg" : "image/png";
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, type, 0.92));
  if (!blob) throw new UploadError(`${file.name} could not be made smaller in this browser.`);
  const name = `${file.name.replace(/\.[^.]*$/, "")}${jpeg ? ".jpg" : ".png"}`;
  return { file: new File([blob], name, { type }), bitmap, note: redrawNote(orientation, from, to, file.type) };
}
