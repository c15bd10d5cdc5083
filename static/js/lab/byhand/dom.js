// Tiny DOM helpers for the by-hand views: elements with text and attributes, never HTML.

/** <tag class=cls ...attrs> with children (strings become text nodes). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

/** The line that names the link's values a view did not use (state.js ignoredKeys), as a list
 *  of no or one element (to spread among a view's children). */
export function ignoredNote(ignored) {
  if (!ignored.length) return [];
  return [el("p", { class: "bh-error", role: "status", "data-role": "link-note",
    text: `Ignored part of the link, the default used instead: ${ignored.join("; ")}` })];
}

/** A labelled number input; `onInput(input)` on every edit. */
export function numberField(label, value, onInput, attrs = {}) {
  const input = el("input", { type: "text", inputmode: "decimal", spellcheck: "false", autocomplete: "off", ...attrs });
  input.value = String(value);
  input.addEventListener("input", () => onInput(input));
  const wrap = el("label", { class: "bh-field" }, el("span", { class: "bh-field-name", text: label }), input);
  return { wrap, input };
}

/** Size a canvas's backing store to its CSS box times the device pixel ratio; returns the
 *  2-D context scaled to CSS pixels and the CSS size. */
export function fitCanvas(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  canvas.width = Math.max(1, Math.round(width * ratio));
  canvas.height = Math.max(1, Math.round(height * ratio));
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return { ctx, width, height };
}
