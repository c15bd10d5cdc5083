// The network, seen: one column per layer, input to output. Maps as tiles (canvas, one per
// channel), vectors as bars, the softmax as labelled probability bars with the winner marked.
// SVG arrows join the columns. Indexes into store.lastForward only; computes no layer values.

import { formatValue, range } from "../lib/colors.js";
import { el, svgEl } from "../ui/dom.js";
import { watchOnScreen } from "../ui/on-screen.js";
import { createDrawScheduler } from "../lib/draw-scheduler.js";
import { deadText, deadWord, SILENT_TEXT } from "../lib/dead-text.js";
import { staleNote } from "../lib/input-text.js";
import { is } from "../lib/layer-types.js";
import { BARS_WIDTH, INPUT_WIDTH, STRIP_WIDTH, buildColumn, drawDeadUnits, paintColumn, softmaxWidth } from "./net-columns.js";

const ARROW = 10;

function shapeText(shape) {
  return shape.join("×");
}

function isMap(shape) {
  return shape.length === 3;
}

export function createNetwork(container, store) {
  const head = el("div", { class: "net-head" }, el("h2", { class: "panel-title" }, "The network ",
    el("span", { class: "net-sub" }, "input → output, one column per layer. Click a map for its detail.")));
  const columnsEl = el("div", { class: "net-columns", role: "list", "aria-label": "layers, input first" });
  // After Clear the maps still show the last input: say so (the pad holds nothing).
  const stale = el("p", { class: "net-stale", role: "status", hidden: true });
  const tooltip = el("div", { class: "net-tooltip", role: "status", "aria-live": "polite" });
  container.replaceChildren(head, stale, el("div", { class: "net-scroll" }, columnsEl),
    el("p", { class: "net-more", "aria-hidden": "true" }, "more layers than fit: scroll sideways (the output stays at the right) →"),
    tooltip);
  const showStale = () => {
    stale.textContent = staleNote(store.get("input"), store.get("lastForward"));
    stale.hidden = !stale.textContent;
  };
  let structureKey = null;
  let columns = []; // per drawn column: {layer, kind, els...}
  const hooks = { // what a column (net-columns.js) asks of its container
    mapWidth: 100,
    open(layer, channel, byKey) {
      store.set("detail", { layer, channel, kind: "output" });
      // from the keyboard: to the detail, not on through every other tile and row first
      if (byKey) focusDetail(document.getElementById("detail-panel"));
    },
    showRange: (entry, ch, node) => showRange(entry, ch, node),
    tell(text, long, node) {
      tooltip.textContent = text;
      tooltip.classList.toggle("long", long);
      place(node);
    },
    hide: () => hideRange(),
  };

  function paramsFor(name) {
    const shapes = store.get("shapes");
    const row = shapes?.find((l) => l.name === name);
    return row ? row.param_count : null;
  }

  function arrow() {
    return el("div", { class: "net-arrow", "aria-hidden": "true" },
      svgEl("svg", { width: ARROW, height: "40", viewBox: "0 0 10 40" },
        svgEl("path", { d: "M0 20 H8 M4 16 L9 20 L4 24", fill: "none", stroke: "#7a8494", "stroke-width": "1.6" })));
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
    columnsEl.replaceChildren();
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
    hooks.mapWidth = Math.max(44, Math.min(240, Math.floor((avail - fixed - 8) / Math.max(1, maps)) - 4));
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
      buildColumn(entry, fwd.class_names, hooks);
      col.style.maxWidth = `${entry.width ?? hooks.mapWidth}px`;
      columns.push(entry);
    });
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
    const why = el.classList.contains("dead") ? ` — ${deadText(entry.deadType)}` : el.classList.contains("silent") ? ` — ${SILENT_TEXT}` : "";
    hooks.tell(`${entry.layer} channel ${ch}: min ${formatValue(r.min)}, max ${formatValue(r.max)}${why}`, why !== "", el);
  }
  function hideRange() {
    tooltip.classList.remove("shown");
  }

  function paint(fwd) {
    const perMap = store.get("normalization") === "map";
    const outputs = [fwd.preprocessed, ...fwd.layers.map((l) => l.output)];
    columns.forEach((entry, i) => paintColumn(entry, outputs[i], fwd, perMap));
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
      entry.deadType = d?.type;
      const prev = columns[i - 1];
      if (prev && prev.type === "dense" && prev.kind === "bars" && entry.kind === "bars") {
        prev.deadUnits = dead;
        prev.deadType = d?.type;
      }
      if (entry.kind === "maps" && entry.type !== "input") {
        const [, h, w] = entry.shape;
        const relu = is(entry.type, "rectifier"); // a ReLU-family map: all zero is "silent"
        entry.tiles.forEach((cv, ch) => {
          const isDead = dead.has(ch);
          const silent = relu && !isDead && range(entry.data, ch * h * w, h * w).absMax === 0;
          cv.classList.toggle("dead", isDead);
          cv.classList.toggle("silent", silent);
          cv.title = isDead ? `channel ${ch} ${deadText(d.type)}` : silent ? `channel ${ch}: ${SILENT_TEXT}` : "";
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
      note.textContent = `${dead.size} of ${entry.shape[0]} ${what} ${deadWord(d.type)}`;
      note.title = `${[...dead].map((c) => `${what === "maps" ? "channel" : "unit"} ${c}`).join(", ")}: ${deadText(d.type)}`;
    });
    for (const entry of columns) if (entry.kind === "bars" && entry.type === "dense") drawDeadUnits(entry);
  }

  // Paint the maps of the current forward. Only while the view is on screen: a reply that
  // arrives while it is scrolled away is painted when it comes back (ui/on-screen.js).
  function paintNow() {
    const fwd = store.get("lastForward");
    if (!fwd || structureKey === null) return;
    paint(fwd);
    if (!owed) return; // a repaint after a resize is not a new forward
    owed = false;
    container.dataset.forwardVersion = String((Number(container.dataset.forwardVersion) || 0) + 1);
  }
  let owed = false; // an update not yet painted (data-forward-version counts those paints)
  const painter = createDrawScheduler(paintNow);

  function update(changed = new Set(["lastForward"])) {
    const fwd = store.get("lastForward");
    if (!fwd) {
      columnsEl.replaceChildren(el("p", { class: "net-empty" }, "Draw a digit, or click a sample, to see every layer respond."));
      structureKey = null;
      return;
    }
    const key = JSON.stringify([fwd.preprocessed.shape, fwd.layers.map((l) => [l.name, l.type, l.shape]), fwd.class_names, store.get("shapes")?.map((l) => l.param_count)]);
    let rebuilt = false;
    if (key !== structureKey) {
      build(fwd);
      structureKey = key;
      markOverflow(); // reads layout: only when the columns were rebuilt, never per paint
      rebuilt = true;
    }
    const before = painter.draws;
    owed = true;
    // Fresh columns are blank: paint them even off screen (a page printed or captured whole
    // never shows empty maps); columns that show an older forward wait until seen.
    if (rebuilt && !painter.visible) paintNow();
    else painter.drawNow();
    if (painter.draws > before && changed.has("lastForward") && fwd.t0 !== undefined) {
      // Measured at the next frame, when the redrawn maps reach the screen.
      const drawn = performance.now();
      requestAnimationFrame(() => {
        const shown = performance.now();
        performance.measure("forward-frame", { start: drawn, end: shown });
        performance.measure("stroke-to-maps", { start: fwd.t0, end: shown });
      });
    }
  }

  function markOverflow() {
    const scroller = columnsEl.parentElement;
    container.classList.toggle("overflowing", scroller.scrollWidth > scroller.clientWidth + 2);
  }

  // The map columns share the strip's width: lay them out again when it changes (a window
  // resized, a phone turned), without counting it as a new forward.
  let builtWidth = null;
  const resizer = new ResizeObserver(() => {
    const width = Math.round(columnsEl.parentElement.clientWidth);
    const fwd = store.get("lastForward");
    if (width === builtWidth || !fwd || structureKey === null) return;
    build(fwd);
    markOverflow();
    paintNow(); // fresh columns are blank: paint them, on screen or not
  });
  resizer.observe(columnsEl.parentElement);
  const offScreen = watchOnScreen(container, (v, printing) => {
    painter.setVisible(v);
    if (printing) painter.flush();
  });

  const off = store.subscribe(["lastForward", "normalization", "shapes", "dead"], update);
  const offStale = store.subscribe(["input", "lastForward"], showStale);
  update();
  return {
    update,
    destroy() {
      resizer.disconnect();
      offScreen();
      painter.destroy();
      off();
      offStale();
      container.replaceChildren();
    },
  };
}

// The panel is hidden until its module is there (seconds on a slow machine), and a hidden
// element takes no focus: then it takes it once shown, unless the person has moved on meanwhile.
function focusDetail(panel) {
  if (!panel || !panel.hidden) {
    panel?.focus();
    return;
  }
  const from = document.activeElement;
  const shown = new MutationObserver(() => {
    if (panel.hidden) return;
    shown.disconnect();
    if (document.activeElement === from) panel.focus();
  });
  shown.observe(panel, { attributes: true, attributeFilter: ["hidden"] });
}
