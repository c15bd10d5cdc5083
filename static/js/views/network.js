// The network, seen: one column per layer, input to output. Maps as tiles (canvas, one per
// channel), vectors as bars, the softmax as labelled probability bars with the winner marked.
// SVG arrows join the columns. Indexes into store.lastForward only; computes no layer values.

import { formatValue, paintMap, range } from "../lib/colors.js";
import { tileGrid } from "../lib/geometry.js";
import { el } from "../ui/dom.js";
import { DEAD_TEXT, SILENT_TEXT } from "../controllers/dead.js";
import { staleNote } from "../lib/input-text.js";
import { displayRange, toUnit } from "../lib/gray.js";
import { is } from "../lib/layer-types.js";

const MAP_COL_HEIGHT = 300;
const GAP = 3;
const ARROW = 10;
const BARS_WIDTH = 52;
const SOFTMAX_WIDTH = 120; // with one- or two-character class names; longer names widen it

/** Width of the probabilities column: room for the longest class name, up to 200 px. */
function softmaxWidth(classNames) {
  const longest = Math.max(0, ...(classNames ?? []).map((n) => String(n).length));
  return Math.min(200, Math.max(SOFTMAX_WIDTH, 100 + 7 * longest));
}
const STRIP_WIDTH = 14;
const INPUT_WIDTH = 60;

function shapeText(shape) {
  return shape.join("×");
}

function isMap(shape) {
  return shape.length === 3;
}

export function createNetwork(container, store) {
  container.innerHTML = `
    <div class="net-head">
      <h2 class="panel-title">The network <span class="net-sub">input → output, one column per layer. Click a map for its detail.</span></h2>
    </div>
    <div class="net-scroll"><div class="net-columns" role="list" aria-label="layers, input first"></div></div>
    <p class="net-more" aria-hidden="true">more layers than fit: scroll sideways (the output stays at the right) →</p>
    <div class="net-tooltip" role="status" aria-live="polite"></div>`;
  const columnsEl = container.querySelector(".net-columns");
  // After Clear the maps still show the last input: say so (the pad holds nothing).
  const stale = document.createElement("p");
  stale.className = "net-stale";
  stale.setAttribute("role", "status");
  stale.hidden = true;
  container.querySelector(".net-head").after(stale);
  const showStale = () => {
    stale.textContent = staleNote(store.get("input"), store.get("lastForward"));
    stale.hidden = !stale.textContent;
  };
  const tooltip = container.querySelector(".net-tooltip");
  let structureKey = null;
  let columns = []; // per drawn column: {layer, kind, els...}
  let mapWidth = 100;

  function paramsFor(name) {
    const shapes = store.get("shapes");
    const row = shapes?.find((l) => l.name === name);
    return row ? row.param_count : null;
  }

  function arrow() {
    const el = document.createElement("div");
    el.className = "net-arrow";
    el.setAttribute("aria-hidden", "true");
    el.innerHTML = `<svg width="${ARROW}" height="40" viewBox="0 0 10 40"><path d="M0 20 H8 M4 16 L9 20 L4 24" fill="none" stroke="#7a8494" stroke-width="1.6"/></svg>`;
    return el;
  }

  function header(name, type, shape) {
    const h = document.createElement("div");
    h.className = "col-head";
    const params = paramsFor(name);
    h.append(
      el("div", { class: "col-name" }, `${name} `, el("span", { class: "col-shape" }, shapeText(shape))),
      el("div", { class: "col-meta" }, `${type}${params ? ` · ${params.toLocaleString("en")} params` : ""}`),
      el("div", { class: "col-scale" }),
    );
    return h;
  }

  function build(fwd) {
    columnsEl.innerHTML = "";
    columns = [];
    const all = [{ name: "input", type: "input", shape: fwd.preprocessed.shape, output: fwd.preprocessed }, ...fwd.layers];
    // Share the width left by the fixed-width columns among the map columns.
    let fixed = ARROW * (all.length - 1);
    let maps = 0;
    for (const l of all) {
      if (l.type === "input") fixed += INPUT_WIDTH + 6;
      else if (isMap(l.shape)) maps += 1;
      else if (l.type === "softmax") fixed += softmaxWidth(fwd.class_names) + 6;
      else fixed += (l.shape[0] > 128 ? STRIP_WIDTH + 30 : BARS_WIDTH) + 6;
    }
    const avail = columnsEl.parentElement.getBoundingClientRect().width || 640;
    builtWidth = Math.round(columnsEl.parentElement.clientWidth);
    mapWidth = Math.max(44, Math.min(240, Math.floor((avail - fixed - 8) / Math.max(1, maps)) - 4));
    all.forEach((layer, i) => {
      if (i > 0) columnsEl.appendChild(arrow());
      const col = document.createElement("div");
      col.className = `net-col net-col-${layer.type}`;
      col.setAttribute("role", "listitem");
      col.dataset.layer = layer.name;
      col.dataset.type = layer.type;
      col.appendChild(header(`${layer.name}`, layer.type, layer.shape));
      const body = document.createElement("div");
      body.className = "col-body";
      col.appendChild(body);
      columnsEl.appendChild(col);
      const entry = { layer: layer.name, type: layer.type, shape: layer.shape, col, body, scaleEl: col.querySelector(".col-scale") };
      if (isMap(layer.shape)) buildMaps(entry);
      else if (layer.type === "softmax") buildSoftmax(entry, fwd.class_names);
      else if (layer.shape[0] > 128) buildStrip(entry);
      else buildBars(entry);
      col.style.maxWidth = `${entry.width ?? mapWidth}px`;
      columns.push(entry);
    });
  }

  function buildMaps(entry) {
    const [c, h, w] = entry.shape;
    const isInput = entry.type === "input";
    const grid = tileGrid(c, h, w, isInput ? INPUT_WIDTH : mapWidth, MAP_COL_HEIGHT, { gap: GAP, maxZoom: Math.max(isInput ? 2 : 4, 40 / Math.max(h, w)) });
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
        const open = () => store.set("detail", { layer: entry.layer, channel: ch, kind: "output" });
        cv.addEventListener("click", open);
        cv.addEventListener("keydown", (ev) => {
          if (ev.key === "Enter" || ev.key === " ") {
            ev.preventDefault();
            ev.stopPropagation();
            open();
          }
        });
      } else {
        cv.setAttribute("role", "img");
        cv.setAttribute("aria-label", "what the network sees");
      }
      cv.addEventListener("pointerenter", () => showRange(entry, ch, cv));
      cv.addEventListener("focus", () => showRange(entry, ch, cv));
      cv.addEventListener("pointerleave", hideRange);
      cv.addEventListener("blur", hideRange);
      entry.body.appendChild(cv);
      entry.tiles.push(cv);
      entry.images.push(cv.getContext("2d").createImageData(w, h));
    }
  }

  function buildBars(entry) {
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
      tooltip.textContent = `${entry.layer} unit ${i}: ${formatValue(data[i])}${entry.deadUnits?.has(i) ? ` — ${DEAD_TEXT}` : ""}`;
      tooltip.classList.toggle("long", Boolean(entry.deadUnits?.has(i)));
      place(cv);
    });
    cv.addEventListener("pointerleave", hideRange);
    cv.addEventListener("click", (ev) => {
      const r = cv.getBoundingClientRect();
      const i = Math.max(0, Math.min(show - 1, Math.floor(((ev.clientY - r.top) / r.height) * show)));
      store.set("detail", { layer: entry.layer, channel: i, kind: "output" });
    });
    cv.tabIndex = 0;
    cv.setAttribute("role", "button");
    cv.setAttribute("aria-label", `${entry.layer}: ${n} values as bars; open the detail of unit 0`);
    cv.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" || ev.key === " ") {
        ev.preventDefault();
        ev.stopPropagation();
        store.set("detail", { layer: entry.layer, channel: 0, kind: "output" });
      }
    });
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
  function buildStrip(entry) {
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
      tooltip.textContent = `${entry.layer}: ${n} values, min ${formatValue(r.min)}, max ${formatValue(r.max)}`;
      tooltip.classList.remove("long");
      place(cv);
    });
    cv.addEventListener("pointerleave", hideRange);
    entry.body.appendChild(cv);
    entry.canvas = cv;
    entry.image = cv.getContext("2d").createImageData(cols, rows);
    entry.width = STRIP_WIDTH + 30;
  }

  function buildSoftmax(entry, classNames) {
    entry.kind = "softmax";
    entry.width = softmaxWidth(classNames);
    const n = entry.shape[0];
    const list = document.createElement("ol");
    list.className = "probs";
    list.style.width = `${entry.width}px`;
    list.setAttribute("aria-label", "class probabilities");
    entry.rows = [];
    for (let i = 0; i < n; i++) {
      const li = document.createElement("li");
      li.innerHTML = `<span class="p-label"></span><span class="p-bar"><span class="p-fill"></span></span><span class="p-value"></span>`;
      const label = li.querySelector(".p-label");
      label.textContent = classNames?.[i] ?? String(i);
      label.title = label.textContent;
      li.tabIndex = 0;
      li.setAttribute("role", "button");
      const open = () => store.set("detail", { layer: entry.layer, channel: i, kind: "output" });
      li.addEventListener("click", open);
      li.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter" || ev.key === " ") {
          ev.preventDefault();
          ev.stopPropagation();
          open();
        }
      });
      list.appendChild(li);
      entry.rows.push(li);
    }
    entry.body.appendChild(list);
  }

  function place(el) {
    const r = el.getBoundingClientRect();
    const host = container.getBoundingClientRect();
    tooltip.style.left = `${r.left - host.left}px`;
    tooltip.style.top = `${r.bottom - host.top + 4}px`;
    tooltip.classList.add("shown");
  }

  function showRange(entry, ch, el) {
    if (!entry.data) return;
    const [, h, w] = entry.shape;
    const r = range(entry.data, ch * h * w, h * w);
    const why = el.classList.contains("dead") ? ` — ${DEAD_TEXT}` : el.classList.contains("silent") ? ` — ${SILENT_TEXT}` : "";
    tooltip.textContent = `${entry.layer} channel ${ch}: min ${formatValue(r.min)}, max ${formatValue(r.max)}${why}`;
    tooltip.classList.toggle("long", why !== "");
    place(el);
  }
  function hideRange() {
    tooltip.classList.remove("shown");
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

  function paint(fwd) {
    const perMap = store.get("normalization") === "map";
    const outputs = [fwd.preprocessed, ...fwd.layers.map((l) => l.output)];
    columns.forEach((entry, i) => {
      const t = outputs[i];
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
          entry.scaleEl.textContent = scaled ? `${formatValue(lo)} black, ${formatValue(hi)} white` : "0 black, 1 white";
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
          li.querySelector(".p-value").textContent = `${(p * 100).toFixed(1)}%`;
          const win = k === fwd.prediction;
          li.classList.toggle("winner", win);
          li.setAttribute("aria-label", `${li.querySelector(".p-label").textContent}: ${(p * 100).toFixed(1)} percent${win ? ", predicted" : ""}; open the softmax detail`);
        });
        entry.scaleEl.textContent = `predicted: ${fwd.class_names?.[fwd.prediction] ?? fwd.prediction}`;
      }
    });
    markDead();
  }

  // Dead ReLU maps and units (store.dead, from the server) and maps silent for this input.
  function markDead() {
    const info = new Map((store.get("dead")?.layers ?? []).map((l) => [l.name, l]));
    columns.forEach((entry, i) => {
      let note = entry.col.querySelector(".col-dead");
      const d = info.get(entry.layer);
      const shapeOk = d && d.shape.length === entry.shape.length && d.shape[0] === entry.shape[0];
      const dead = new Set(shapeOk ? d.dead : []);
      entry.deadUnits = dead;
      const prev = columns[i - 1];
      if (prev && prev.type === "dense" && prev.kind === "bars" && entry.kind === "bars") prev.deadUnits = dead;
      if (entry.kind === "maps" && entry.type !== "input") {
        const [, h, w] = entry.shape;
        const relu = is(entry.type, "rectifier"); // a ReLU-family map: all zero is "silent"
        entry.tiles.forEach((cv, ch) => {
          const isDead = dead.has(ch);
          const silent = relu && !isDead && range(entry.data, ch * h * w, h * w).absMax === 0;
          cv.classList.toggle("dead", isDead);
          cv.classList.toggle("silent", silent);
          cv.title = isDead ? `channel ${ch} ${DEAD_TEXT}` : silent ? `channel ${ch}: ${SILENT_TEXT}` : "";
        });
      }
      if (entry.kind === "bars") drawDeadUnits(entry);
      if (!dead.size) {
        note?.remove();
        return;
      }
      if (!note) {
        note = document.createElement("div");
        note.className = "col-dead";
        note.tabIndex = 0;
        entry.col.querySelector(".col-head").appendChild(note);
      }
      const what = entry.shape.length === 3 ? "maps" : "units";
      note.textContent = `${dead.size} of ${entry.shape[0]} ${what} dead`;
      note.title = `${[...dead].map((c) => `${what === "maps" ? "channel" : "unit"} ${c}`).join(", ")}: ${DEAD_TEXT}`;
    });
    for (const entry of columns) if (entry.kind === "bars" && entry.type === "dense") drawDeadUnits(entry);
  }

  // A red tick left of each dead unit's bar (a dense unit whose ReLU never fires).
  function drawDeadUnits(entry) {
    if (!entry.deadUnits?.size) return;
    const ctx = entry.canvas.getContext("2d");
    ctx.fillStyle = "#b2182b";
    for (const k of entry.deadUnits) {
      if (k < entry.show) ctx.fillRect(0, k * entry.barH, 4, Math.max(1, entry.barH - 1));
    }
  }

  function update(changed = new Set(["lastForward"])) {
    const fwd = store.get("lastForward");
    if (!fwd) {
      columnsEl.innerHTML = `<p class="net-empty">Draw a digit, or click a sample, to see every layer respond.</p>`;
      structureKey = null;
      return;
    }
    const key = JSON.stringify([fwd.preprocessed.shape, fwd.layers.map((l) => [l.name, l.type, l.shape]), fwd.class_names, store.get("shapes")?.map((l) => l.param_count)]);
    if (key !== structureKey) {
      build(fwd);
      structureKey = key;
    }
    paint(fwd);
    const scroller = columnsEl.parentElement;
    container.classList.toggle("overflowing", scroller.scrollWidth > scroller.clientWidth + 2);
    container.dataset.forwardVersion = String((Number(container.dataset.forwardVersion) || 0) + 1);
    if (changed.has("lastForward") && fwd.t0 !== undefined) {
      // Measured at the next frame, when the redrawn maps reach the screen.
      requestAnimationFrame(() => performance.measure("stroke-to-maps", { start: fwd.t0, end: performance.now() }));
    }
  }

  // The map columns share the strip's width: lay them out again when it changes (a window
  // resized, a phone turned), without counting it as a new forward.
  let builtWidth = null;
  const resizer = new ResizeObserver(() => {
    const width = Math.round(columnsEl.parentElement.clientWidth);
    const fwd = store.get("lastForward");
    if (width === builtWidth || !fwd || structureKey === null) return;
    build(fwd);
    paint(fwd);
    const scroller = columnsEl.parentElement;
    container.classList.toggle("overflowing", scroller.scrollWidth > scroller.clientWidth + 2);
  });
  resizer.observe(columnsEl.parentElement);

    const off = store.subscribe(["lastForward", "normalization", "shapes", "dead"], update);
  const offStale = store.subscribe(["input", "lastForward"], showStale);
  update();
  return {
    update,
    destroy() {
      resizer.disconnect();
      off();
      offStale();
      container.innerHTML = "";
    },
  };
}
