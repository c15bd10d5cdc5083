// Tiny DOM helpers: the page's one way to build elements (views, detail, film, landscape, lab).

/** el("div", {class: "x", "aria-label": "y"}, child, "text", ...): text is always text, never
 * HTML (the one DOM rule of docs/frontend.md). */
export function el(tag, attrs = {}, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

/** svgEl("line", {x1: 0, ...}, ...children): el() for SVG elements. */
export function svgEl(tag, attrs = {}, ...children) {
  return fill(document.createElementNS("http://www.w3.org/2000/svg", tag), attrs, children);
}

function fill(node, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    // Styles through the CSSOM: a style attribute would be refused by the page's CSP.
    if (k === "style") node.style.cssText = String(v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** A labelled button: visible text, an accessible name, a click handler. */
export function button(text, label, onClick, cls = "") {
  const b = el("button", { type: "button", "aria-label": label, title: label, class: `nn-btn ${cls}`.trim() }, text);
  b.addEventListener("click", onClick);
  return b;
}

/** A view's handle {update, destroy}: destroy calls every unsubscribe function of `offs`
 *  and empties `container`. */
export function viewHandle(container, update, offs) {
  return {
    update,
    destroy() {
      offs.forEach((off) => off());
      container.replaceChildren();
    },
  };
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

/** Add the detail stylesheet once per document. */
export function ensureStylesheet(href = "/static/css/detail.css") {
  if (document.querySelector(`link[data-nn-detail-css]`)) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  link.dataset.nnDetailCss = "";
  document.head.append(link);
}
