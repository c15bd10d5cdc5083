// The network view's columns, one kind each (network.js is their container): a layer's maps
// as tiles, a short vector as bars, a long one as a strip of colour, the softmax as labelled
// probability bars. buildColumn makes a column's body; paintColumn paints a forward into it.
// `hooks`: {mapWidth, open(layer, channel), showRange(entry, ch, el), tell(text, long, el), hide()}
// from the container (the detail hook and the tooltip).

import { formatValue, paintMap, range } from "../lib/colors.js";
import { tileGrid } from "../lib/geometry.js";
import { el } from "../ui/dom.js";
import { deadText } from "../lib/dead-text.js";
import { displayRange, rangeEndText, toUnit } from "../lib/gray.js";
import { percentText } from "../lib/percent.js";

export const MAP_COL_HEIGHT = 300;
export const BARS_WIDTH = 52;
export const STRIP_WIDTH = 14;
export const INPUT_WIDTH = 60;
const GAP = 3;
const SOFTMAX_WIDTH = 120; // with one- or two-character class names; longer names widen it

/** Width of the probabilities column: room for the longest class name, up to 200 px. */
export function softmaxWidth(classNames) {
  const longest = Math.max(0, ...(classNames ?? []).map((n) => String(n).length));
  return Math.min(200, Math.max(SOFTMAX_WIDTH, 100 + 7 * longest));
}

/** Enter or space on a focused `node` calls `fn` (as a click would). */
/** fn(true) on Enter or Space: opened from the keyboard (the container then moves the focus
 * to what was opened). */
function onEnter(node, fn) {
  node.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" || ev.key === " ") {
      ev.preventDefault();
      ev.stopPropagation();
      fn(true);
    }
  });
}

/** Build the body of column `entry` ({layer, type, shape, body, ...}) for its kind. */
export function buildColumn(entry, classNames, hooks) {
  if (entry.shape.length === 3) buildMaps(entry, hooks);
  else if (entry.type === "softmax") buildSoftmax(entry, classNames, hooks);
  else if (entry.shape[0] > 128) buildStrip(entry, hooks);
  else buildBars(entry, hooks);
}

function buildMaps(entry, hooks) {
  const [c, h, w] = entry.shape;
  const isInput = entry.type === "input";
  const grid = tileGrid(c, h, w, isInput ? INPUT_WIDTH : hooks.mapWidth, MAP_COL_HEIGHT, { gap: GAP, maxZoom: Math.max(isInput ? 2 : 4, 40 / Math.max(h, w)) });
  entry.kind = "maps";
  entry.width = Math.max(isInput ? INPUT_WIDTH : 60, grid.width);
  entry.grid = grid;
  entry.body.style.gridTemplateColumns = `repeat(${grid.cols}, ${grid.tileW}px)`;
  entry.body.classList.add("tiles");
  entry.tiles = [];
  entry.images = [];
  for (let ch = 0; ch < c; ch++) {
    const cv = document.createElement("canvas");
    cv.width = w;
    cv.height = h;
    cv.className = "tile";
    cv.style.width = `${grid.tileW}px`;
    cv.style.height = `${grid.tileH}px`;
    cv.dataset.channel = String(ch);
    if (entry.type !== "input") {
      cv.tabIndex = 0;
      cv.setAttribute("role", "button");
      cv.setAttribute("aria-label", `${entry.layer} channel ${ch} (of ${c}, numbered from 0): open detail`);
      const open = (byKey) => hooks.open(entry.layer, ch, byKey === true);
      cv.addEventListener("click", open);
      onEnter(cv, open);
    } else {
      cv.setAttribute("role", "img");
      cv.setAttribute("aria-label", "what the network sees");
    }
    cv.addEventListener("pointerenter", () => hooks.showRange(entry, ch, cv));
    // focus from the keyboard shows the range; a tap's focus does not (no pointer leaves a
    // touch screen to hide it again: it stayed over the probabilities)
    cv.addEventListener("focus", () => {
      if (cv.matches(":focus-visible")) hooks.showRange(entry, ch, cv);
    });
    cv.addEventListener("pointerleave", hooks.hide);
    cv.addEventListener("blur", hooks.hide);
    entry.body.appendChild(cv);
    entry.tiles.push(cv);
    entry.images.push(cv.getContext("2d").createImageData(w, h));
  }
}

function buildBars(entry, hooks) {
  entry.kind = "bars";
  const n = entry.shape[0];
  const show = Math.min(n, 128);
  const cv = document.createElement("canvas");
  const barH = show <= 16 ? 12 : show <= 64 ? 4 : 2;
  entry.width = BARS_WIDTH;
  cv.width = BARS_WIDTH;
  cv.height = show * barH;
  cv.className = "bars";
  cv.addEventListener("pointermove", (ev) => {
    const r = cv.getBoundingClientRect();
    const i = Math.floor(((ev.clientY - r.top) / r.height) * show);
    const data = entry.data;
    if (!data || i < 0 || i >= show) return;
    hooks.tell(`${entry.layer} unit ${i}: ${formatValue(data[i])}${entry.deadUnits?.has(i) ? ` — ${deadText(entry.deadType)}` : ""}`,
      Boolean(entry.deadUnits?.has(i)), cv);
  });
  cv.addEventListener("pointerleave", hooks.hide);
  cv.addEventListener("click", (ev) => {
    const r = cv.getBoundingClientRect();
    const i = Math.max(0, Math.min(show - 1, Math.floor(((ev.clientY - r.top) / r.height) * show)));
    hooks.open(entry.layer, i);
  });
  cv.tabIndex = 0;
  cv.setAttribute("role", "button");
  cv.setAttribute("aria-label", `${entry.layer}: ${n} values as bars; open the detail of unit 0`);
  onEnter(cv, () => hooks.open(entry.layer, 0, true));
  entry.body.appendChild(cv);
  if (n > show) {
    const more = document.createElement("div");
    more.className = "col-more";
    more.textContent = `first ${show} of ${n}`;
    entry.body.appendChild(more);
  }
  entry.canvas = cv;
  entry.show = show;
  entry.barH = barH;
}

// A long vector (a flatten of maps) as a narrow strip of colour, top to bottom.
function buildStrip(entry, hooks) {
  entry.kind = "strip";
  const n = entry.shape[0];
  const cols = Math.max(1, Math.ceil(n / 280));
  const rows = Math.ceil(n / cols);
  const cv = document.createElement("canvas");
  cv.width = cols;
  cv.height = rows;
  cv.className = "strip";
  cv.style.width = `${STRIP_WIDTH}px`;
  cv.style.height = `${Math.min(MAP_COL_HEIGHT, rows)}px`;
  cv.setAttribute("role", "img");
  cv.setAttribute("aria-label", `${entry.layer}: ${n} values in one long column`);
  cv.addEventListener("pointerenter", () => {
    const r = range(entry.data);
    hooks.tell(`${entry.layer}: ${n} values, min ${formatValue(r.min)}, max ${formatValue(r.max)}`, false, cv);
  });
  cv.addEventListener("pointerleave", hooks.hide);
  entry.body.appendChild(cv);
  entry.canvas = cv;
  entry.image = cv.getContext("2d").createImageData(cols, rows);
  entry.width = STRIP_WIDTH + 30;
}

function buildSoftmax(entry, classNames, hooks) {
  entry.kind = "softmax";
  entry.width = softmaxWidth(classNames);
  const n = entry.shape[0];
  const list = document.createElement("ol");
  list.className = "probs";
  list.style.width = `${entry.width}px`;
  list.setAttribute("aria-label", "class probabilities");
  entry.rows = [];
  for (let i = 0; i < n; i++) {
    const name = String(classNames?.[i] ?? i);
    const li = el("li", {}, el("span", { class: "p-label", title: name }, name),
      el("span", { class: "p-bar" }, el("span", { class: "p-fill" })), el("span", { class: "p-value" }));
    li.tabIndex = 0;
    li.setAttribute("role", "button");
    const open = (byKey) => hooks.open(entry.layer, i, byKey === true);
    li.addEventListener("click", open);
    onEnter(li, open);
    list.appendChild(li);
    entry.rows.push(li);
  }
  entry.body.appendChild(list);
}

function paintGray(data, offset, h, w, img) {
  const d = img.data;
  for (let i = 0; i < h * w; i++) {
    const v = Math.round(Math.max(0, Math.min(1, data[offset + i])) * 255);
    d[i * 4] = v;
    d[i * 4 + 1] = v;
    d[i * 4 + 2] = v;
    d[i * 4 + 3] = 255;
  }
  return img;
}

// A red tick left of each dead unit's bar (a dense unit whose ReLU never fires).
export function drawDeadUnits(entry) {
  if (!entry.deadUnits?.size) return;
  const ctx = entry.canvas.getContext("2d");
  ctx.fillStyle = "#b2182b";
  for (const k of entry.deadUnits) {
    if (k < entry.show) ctx.fillRect(0, k * entry.barH, 4, Math.max(1, entry.barH - 1));
  }
}

/** Paint one column with its layer's output `t` ({shape, data}) of the forward `fwd`;
 * `perMap`: each map on its own colour scale (else one per layer). */
export function paintColumn(entry, t, fwd, perMap) {
  entry.data = t.data;
  if (entry.kind === "maps") {
    const [c, h, w] = entry.shape;
    if (entry.type === "input") {
      // Typed values beyond 0..1 are shown from their minimum (black) to maximum (white).
      const { lo, hi, scaled } = displayRange(t.data);
      const shown = scaled ? toUnit(t.data, lo, hi) : t.data;
      for (let ch = 0; ch < c; ch++) {
        entry.tiles[ch].getContext("2d").putImageData(paintGray(shown, ch * h * w, h, w, entry.images[ch]), 0, 0);
      }
      entry.scaleEl.textContent = scaled ? `${rangeEndText(lo)} black, ${rangeEndText(hi)} white` : "0 black, 1 white";
      return;
    }
    const layerMax = range(t.data).absMax;
    entry.scaleEl.textContent = perMap ? "scale: per map" : `scale: ±${formatValue(layerMax)}`;
    for (let ch = 0; ch < c; ch++) {
      const m = perMap ? range(t.data, ch * h * w, h * w).absMax : layerMax;
      paintMap(t.data, ch * h * w, h, w, m, entry.images[ch].data);
      entry.tiles[ch].getContext("2d").putImageData(entry.images[ch], 0, 0);
    }
  } else if (entry.kind === "strip") {
    const m = range(t.data).absMax;
    entry.scaleEl.textContent = `scale: ±${formatValue(m)}`;
    const img = entry.image;
    const cells = img.width * img.height;
    const padded = t.data.length === cells ? t.data : Float32Array.from({ length: cells }, (_, k) => (k < t.data.length ? t.data[k] : 0));
    paintMap(padded, 0, img.height, img.width, m, img.data);
    entry.canvas.getContext("2d").putImageData(img, 0, 0);
  } else if (entry.kind === "bars") {
    const cv = entry.canvas;
    const ctx = cv.getContext("2d");
    ctx.clearRect(0, 0, cv.width, cv.height);
    const m = range(t.data, 0, entry.show).absMax;
    entry.scaleEl.textContent = `scale: ±${formatValue(m)}`;
    const mid = cv.width / 2;
    ctx.fillStyle = "#c9ced6";
    ctx.fillRect(mid, 0, 1, cv.height);
    for (let k = 0; k < entry.show; k++) {
      const v = t.data[k];
      const len = m > 0 ? (v / m) * (mid - 2) : 0;
      ctx.fillStyle = v >= 0 ? "#b2182b" : "#2166ac";
      ctx.fillRect(v >= 0 ? mid : mid + len, k * entry.barH + (entry.barH > 3 ? 1 : 0), Math.abs(len), Math.max(1, entry.barH - (entry.barH > 3 ? 2 : 0)));
    }
  } else if (entry.kind === "softmax") {
    const probs = fwd.probabilities ?? Array.from(t.data);
    entry.rows.forEach((li, k) => {
      const p = probs[k];
      li.querySelector(".p-fill").style.width = `${(p * 100).toFixed(1)}%`;
      li.querySelector(".p-value").textContent = percentText(p);
      const win = k === fwd.prediction;
      li.classList.toggle("winner", win);
      li.setAttribute("aria-label", `${li.querySelector(".p-label").textContent}: ${percentText(p).replace("%", " percent")}${win ? ", predicted" : ""}; open the softmax detail`);
    });
    entry.scaleEl.textContent = `predicted: ${fwd.class_names?.[fwd.prediction] ?? fwd.prediction}`;
  }
}
