// The output of the 2-D data view: the network's output over the plane as a large heat map (the
// decision boundary where the colour turns white, or the regression surface), the train and
// test points on it, hover for the numbers, the point tools (add a point of a class, drag
// one, delete one; from the keyboard: point-keys.js) and the read tool (a tap, a click or the
// keys' cursor shows the hover's tip there: touch screens have no hover). While a neuron is
// hovered in the diagram, its map is shown here instead.

import { api } from "../../api.js";
import { el } from "../../ui/dom.js";
import { applyChange, currentSetup } from "./actions.js";
import { pointsOnScreen } from "./controls.js";
import { absMaxOf, colourRange, cssColour, paintGrid } from "./heatmap.js";
import { addPoint, clampToDomain, movePoint, nearestPoint, planeTransform, removePoint, roundTo } from "./points.js";
import { gridValueAt } from "./wire.js";
import { CLASS_COLOURS, activationOf, dataPoints, drawLegend, drawPoints, fmt, pointText } from "./out-pieces.js";
import { CURSOR_STEPS, createPointKeys } from "./point-keys.js";
import { createPointsConfirm } from "./points-confirm.js";

export function createOutputView(container, store) {
  const map = el("canvas", { width: "1", height: "1", class: "out-map", role: "img", "aria-label": "the network's output over the plane" });
  const overlay = el("canvas", { class: "out-points", "data-role": "plane" });
  const tip = el("div", { class: "out-tip", hidden: true, "data-role": "out-tip" });
  const mark = el("div", { class: "out-read-mark", hidden: true, "data-role": "read-mark" });
  const wrap = el("div", { class: "out-wrap" }, map, overlay, mark, tip);
  const caption = el("p", { class: "out-caption", "data-role": "caption" });
  const legend = el("div", { class: "out-legend" });
  const showTest = el("input", { type: "checkbox", checked: true, "data-role": "show-test" });
  const discrete = el("input", { type: "checkbox", "data-role": "discrete" });
  const readout = el("p", { class: "out-readout", "aria-live": "polite", "data-role": "readout" });
  const keysLine = el("div", { class: "out-keys" }); // point-keys.js's live line
  container.append(el("h3", {}, "Output"), caption, wrap, keysLine, legend,
    el("div", { class: "plane-row" }, el("label", {}, showTest, " show test points"), el("label", {}, discrete, " only the decision")),
    readout);
  const confirmPoints = createPointsConfirm(wrap, store);

  let size = 300;
  let image = null;
  let frame = 0;
  let drag = null; // {index, points, moved}
  let hoverPoint = null;
  let forwardToken = 0;

  function extent() {
    return store.get("grid")?.extent ?? store.get("planar")?.extent ?? { x1: [-6, 6], x2: [-6, 6] };
  }
  function domain() {
    const e = extent();
    return { x: e.x1, y: e.x2 };
  }
  const transform = () => planeTransform(domain(), size);

  function resize() {
    const w = Math.floor(Math.min(container.clientWidth || 320, 440));
    if (w <= 0 || w === size) return;
    size = w;
    wrap.style.width = `${size}px`;
    wrap.style.height = `${size}px`;
    schedule();
  }

  function schedule() {
    if (!frame) frame = requestAnimationFrame(paint);
  }

  /** What the big map shows: {layer, unit, lo, hi, what} */
  function shown(grid) {
    const setup = currentSetup(store);
    const focus = store.get("focus");
    if (focus) {
      const layer = grid.layers.find((l) => l.name === focus.layer);
      if (layer) {
        const act = layer.role === "input" ? "linear" : activationOf(store.get("spec"), layer);
        const offset = focus.unit * grid.size * grid.size;
        const range = colourRange(act, absMaxOf(layer.data, offset, grid.size ** 2));
        return { layer, unit: focus.unit, lo: range[0], hi: range[1], what: `${focus.label} (move away to see the output)` };
      }
    }
    const layer = grid.layers.find((l) => l.role === "output") ?? grid.layers.at(-1);
    const unit = layer.units > 1 ? 1 : 0; // softmax: the probability of class 1
    if (setup.task === "classification") {
      return { layer, unit, lo: 0, hi: 1, what: `The network's output: ${layer.units > 1 ? "the probability of class 1" : "its estimate of class 1"}; the boundary is where it crosses 0.5 (white).` };
    }
    const targets = store.get("planar")?.splits?.train?.y?.data;
    const a = Math.max(absMaxOf(layer.data, unit * grid.size ** 2, grid.size ** 2), targets ? absMaxOf(targets) : 0);
    const [lo, hi] = colourRange("linear", a);
    return { layer, unit, lo, hi, what: "The network's output: the regression surface (blue low, white 0, red high)." };
  }

  let lastShown = null;
  function paint() {
    frame = 0;
    const t0 = performance.now();
    const grid = store.get("grid");
    if (grid) {
      const s = shown(grid);
      const S = grid.size;
      if (map.width !== S) {
        map.width = S;
        map.height = S;
        image = null;
      }
      image ??= map.getContext("2d").createImageData(S, S);
      paintGrid(s.layer.data, s.unit * S * S, S * S, s.lo, s.hi, image.data, { discrete: discrete.checked && !store.get("focus") });
      map.getContext("2d").putImageData(image, 0, 0);
      caption.textContent = s.what;
      if (!lastShown || lastShown.lo !== s.lo || lastShown.hi !== s.hi) {
        drawLegend(legend, s, currentSetup(store).task === "classification" && !store.get("focus"));
      }
      lastShown = s;
      wrap.dataset.step = String(grid.step);
      wrap.dataset.gridId = String(grid.id);
      wrap.dataset.showing = store.get("focus") ? "neuron" : "output";
      performance.mark("plane-paint", { detail: { step: grid.step, id: grid.id } });
      const pending = store.get("pendingEdit");
      if (pending && grid.seq === pending.seq) {
        store.set("pendingEdit", null);
        // measured when the painted boundary reaches the screen: the next animation frame
        requestAnimationFrame(() => {
          performance.measure("weight-to-boundary", { start: pending.t0, end: performance.now() });
          wrap.dataset.edits = String(Number(wrap.dataset.edits || 0) + 1);
        });
      }
    }
    // the points sit on their own canvas: redrawn only when they or their colours change
    const key = [store.get("planar"), store.get("editPoints"), showTest.checked, size,
      currentSetup(store).task === "regression" ? `${lastShown?.lo},${lastShown?.hi}` : ""];
    if (!pointsKey || key.some((v, i) => v !== pointsKey[i])) {
      pointsKey = key;
      const regression = currentSetup(store).task === "regression";
      const colourOf = (label) => {
        if (!regression) return CLASS_COLOURS[label >= 0.5 ? 1 : 0];
        const range = lastShown ?? { lo: -1, hi: 1 };
        return cssColour(label, range.lo, range.hi);
      };
      const editing = store.get("editPoints");
      const pts = editing ? editing.map((q) => ({ x: q[0], y: q[1], label: q[2], split: "train" })) : dataPoints(store.get("planar"));
      drawPoints(overlay, pts, { size, t: transform(), showTest: showTest.checked, colourOf, extent: extent(),
        axes: store.get("planar")?.axes ?? ["x1", "x2"] });
    }
    performance.measure("plane-output-work", { start: t0, end: performance.now() }); // bench/lab_page_perf.py
  }
  let pointsKey = null;

  // -- hover: the output under the pointer, the point under it ----------------------------------
  function local(e) {
    const r = overlay.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * size, ((e.clientY - r.top) / r.height) * size];
  }

  overlay.addEventListener("pointermove", (e) => {
    const [px, py] = local(e);
    if (drag) {
      const [x, y] = clampToDomain(domain(), ...transform().toPlane(px, py));
      drag.points = movePoint(drag.points, drag.index, roundTo(x), roundTo(y));
      drag.moved = true;
      store.set("editPoints", drag.points);
      schedule();
      return;
    }
    // a mouse hovers; a finger or pen reads only with the read tool, pressed (pointerdown)
    if (e.pointerType === "mouse" || reading?.pressed) readAt(px, py, { source: e.pointerType, pressed: reading?.pressed });
  });
  overlay.addEventListener("pointerleave", (e) => {
    if (reading?.pressed || (reading && reading.source !== "mouse")) return; // a tap's reading stays
    unread();
  });

  // -- reading the plane: the hover's tip, and the read tool's (a tap, a click, the keys) -------
  let reading = null; // {px, py, source: "mouse" | "touch" | "pen" | "keys", pressed, point}
  /**
   * The tip at canvas pixel (px, py): the data point there in words with the server's forward
   * of it (hover and the read tool alike), else the plane point's coordinates and the shown
   * map's value there, interpolated from the grid (wire.js gridValueAt); every neuron's value
   * there goes on the diagram (store.pointer). Returns the tip's text. `refresh`: the same spot
   * again at a new grid (a data point's number is then left to the readout's own refresh).
   */
  function readAt(px, py, { source = "mouse", pressed = false, refresh = false } = {}) {
    const grid = store.get("grid");
    const [x, y] = transform().toPlane(px, py);
    const pts = dataPoints(store.get("planar")).filter((p) => p.split === "train" || showTest.checked);
    const i = nearestPoint(pts.map((p) => [p.x, p.y]), transform(), px, py, 7);
    reading = { px, py, source, pressed, point: i >= 0 };
    if (grid) store.set("pointer", { x1: x, x2: y }); // (network-view.js)
    if (i >= 0 && refresh) {
      // a data point under the tip: the server's forward of it again, at the new weights
      hoverPoint = pts[i];
      refreshPoint(hoverPoint);
      return tip.textContent;
    }
    let text = `${axisName(0)} ${fmt(x)}, ${axisName(1)} ${fmt(y)}`;
    if (grid) {
      const s = shown(grid);
      text += `: ${store.get("focus") ? "neuron" : "output"} ≈ ${fmt(gridValueAt(s.layer, s.unit, grid.extent, grid.size, x, y))} (grid)`;
    }
    if (i >= 0) {
      const p = pts[i];
      text = pointText(p, null, currentSetup(store).task === "regression");
      hoverPoint = p;
      forwardPoint(p);
    } else hoverPoint = null;
    tip.hidden = false;
    tip.textContent = text;
    delete tip.dataset.output;
    placeTip(px, py, source);
    // where a finger read (it hides the spot); the keys' cursor and the mouse's arrow show theirs
    mark.hidden = source === "mouse" || source === "keys";
    mark.style.left = `${(px / size) * 100}%`;
    mark.style.top = `${(py / size) * 100}%`;
    return text;
  }
  /** The tip beside (px, py), inside the plane: above a finger, which hides what is under it. */
  function placeTip(px, py, source) {
    const w = tip.offsetWidth || 180;
    const h = tip.offsetHeight || 24;
    const above = source === "mouse" || source === "keys" ? 30 : 64;
    tip.style.left = `${Math.max(0, Math.min(size - w, px + 12))}px`;
    tip.style.top = `${py - above >= 0 ? py - above : Math.min(size - h, py + 28)}px`;
  }
  function unread() {
    tip.hidden = true;
    mark.hidden = true;
    hoverPoint = null;
    reading = null;
    store.set("pointer", null);
  }
  const reads = () => store.get("planeUi")?.tool === "read";
  // the tip's number follows the weights (Play with the tip up; a typed weight)
  const readOffs = [];
  readOffs.push(store.subscribe(["grid", "focus"], () => {
    if (reading && !tip.hidden) readAt(reading.px, reading.py, { source: reading.source, pressed: reading.pressed, refresh: true });
  }));
  readOffs.push(store.subscribe(["planeUi"], () => {
    if (!reads() && reading && reading.source !== "mouse") unread();
  }));

  // One forward of the point under the tip in flight at a time: grids come faster than replies
  // during Play; the newest point is asked for again when the reply before it is in.
  let pointInFlight = false;
  let pointAgain = false;
  function refreshPoint(p) {
    if (pointInFlight) {
      pointAgain = true;
      return;
    }
    pointInFlight = true;
    pointAgain = false;
    forwardPoint(p).finally(() => {
      pointInFlight = false;
      if (pointAgain && hoverPoint && !tip.hidden) refreshPoint(hoverPoint);
    });
  }

  const axisName = (k) => (store.get("planar")?.axes ?? ["x1", "x2"])[k];
  /** The server's forward of a data point: its output, shown with the point. */
  let readPoint = null; // the point the readout line is about
  async function forwardPoint(p, { hovered = true } = {}) {
    const token = ++forwardToken;
    const step = store.get("grid")?.step;
    try {
      const reply = await api.forwardSample(store.get("sessionId"), p.split, p.index);
      const shownInTip = hoverPoint && hoverPoint.split === p.split && hoverPoint.index === p.index && !tip.hidden;
      if (token !== forwardToken || (hovered && hoverPoint !== p)) return;
      const scores = reply.probabilities ?? reply.scores;
      const out = scores.length > 1 ? scores[1] : scores[0];
      const text = pointText(p, out, currentSetup(store).task === "regression");
      if (hovered || shownInTip) {
        tip.textContent = text;
        tip.dataset.output = String(out);
      }
      readout.textContent = `${text} (weights of step ${step ?? 0})`;
      readout.dataset.output = String(out);
      readout.dataset.split = p.split;
      readout.dataset.index = String(p.index);
      readout.dataset.step = String(step ?? "");
      readPoint = p;
    } catch {
      /* a point being replaced while hovered: nothing to say */
    }
  }
  // new weights (a typed value, a rewind, the end of a train): the readout's number again; while
  // training it only says which step its number is from
  let readGrid = null;
  readOffs.push(store.subscribe(["grid", "training", "planar"], () => {
    const grid = store.get("grid");
    if (!readPoint || store.get("training") || grid === readGrid) return;
    readGrid = grid;
    const p = dataPoints(store.get("planar")).find((q) => q.split === readPoint.split && q.index === readPoint.index);
    if (p && Math.abs(p.x - readPoint.x) < 1e-9 && Math.abs(p.y - readPoint.y) < 1e-9) forwardPoint(p, { hovered: false });
    else {
      readPoint = null;
      readout.textContent = "";
    }
  }));

  // -- editing points -----------------------------------------------------------------------------
  overlay.addEventListener("pointerdown", (e) => {
    keys.letGo(); // a point selected from the keyboard: the pointer takes over
    if (reads()) {
      // the read tool: the tip there, following a finger pressed on the plane; no point changes
      overlay.setPointerCapture(e.pointerId);
      readAt(...local(e), { source: e.pointerType, pressed: true });
      return;
    }
    tip.hidden = true; // it may name a point that is about to move or go
    hoverPoint = null;
    drag = toolAt(...local(e), { canDrag: true });
    if (drag) overlay.setPointerCapture(e.pointerId);
  });
  /** The points an edit starts from: the custom set's as the server has them, or a generated
   *  set's on screen (train, then test); null when points cannot be edited (regression). */
  function editable() {
    const setup = currentSetup(store);
    if (setup.task === "regression" || !store.get("settings")) return null;
    return setup.set === "custom" ? store.get("settings").planar.points ?? [] : pointsOnScreen(store);
  }
  const keys = createPointKeys(overlay, wrap, keysLine, {
    size: () => size,
    toPlane: (px, py) => transform().toPlane(px, py),
    toPx: (x, y) => transform().toPx(x, y),
    axes: () => store.get("planar")?.axes ?? ["x1", "x2"],
    domain,
    reads,
    read: (px, py) => readAt(px, py, { source: "keys" }),
    unread: () => { if (reading?.source === "keys") unread(); },
    act: (px, py, remove) => toolAt(px, py, { remove }),
    pointAt: (px, py) => {
      const points = editable();
      if (!points) return null;
      // within reach of the cursor's steps: every point is nearer than this to one of them
      const reach = Math.max(7, (size / CURSOR_STEPS) * 0.75);
      return store.get("planeUi").tool === "delete" ? -1 : nearestPoint(points, transform(), px, py, reach);
    },
    pointOf: (i) => editable()?.[i] ?? null,
    count: () => editable()?.length ?? 0,
    moveTo: (i, x, y) => {
      const points = editable();
      return points?.[i] ? commit(movePoint(points, i, x, y), "Move this point?") : Promise.resolve("that point is gone.");
    },
    remove: (i) => {
      const points = editable();
      if (points?.[i]) commit(removePoint(points, i), "Delete this point?");
    },
  });
  /** The chosen tool at canvas pixel (px, py): delete the point there (also with `remove`) or add
   *  one; with `canDrag`, a point there is returned as a drag instead of a point added on it. */
  function toolAt(px, py, { canDrag = false, remove = false } = {}) {
    const points = editable();
    if (!points) return null;
    const tool = remove ? "delete" : store.get("planeUi").tool;
    const hit = nearestPoint(points, transform(), px, py, 7);
    if (tool === "delete") {
      if (hit >= 0) commit(removePoint(points, hit), "Delete this point?");
    } else if (hit >= 0 && canDrag) return { index: hit, points, moved: false };
    else {
      const [x, y] = clampToDomain(domain(), ...transform().toPlane(px, py));
      commit(addPoint(points, [roundTo(x), roundTo(y), tool === "add0" ? 0 : 1]), "Add this point?");
    }
    return null;
  }
  overlay.addEventListener("pointerup", (e) => {
    if (reading?.pressed) {
      reading.pressed = false;
      if (e.pointerType === "mouse") return; // the mouse goes on hovering
    }
    if (!drag) return;
    const d = drag;
    drag = null;
    if (d.moved) commit(d.points, "Move this point?");
  });
  overlay.addEventListener("pointercancel", () => {
    if (reading?.pressed) reading.pressed = false;
    drag = null;
    store.set("editPoints", null);
  });

  /** Send the points whole (PUT settings): resolves with null once applied, or with why not
   *  (the status line says it too); refused, the server's points stay and are drawn. */
  async function commit(points, what) {
    if (!points.length) {
      store.set("status", { level: "error", text: "Keep at least one point." });
      store.set("editPoints", null);
      return "Keep at least one point.";
    }
    store.set("editPoints", points);
    schedule();
    if (!(await confirmPoints.ask(what))) {
      // kept: the points as the server has them are drawn again
      if (store.get("editPoints") === points) store.set("editPoints", null);
      return "the training was kept";
    }
    let error = null;
    try {
      await applyChange(store, { planar: { set: "custom", points } });
    } catch (err) {
      error = err?.message ?? String(err);
    }
    store.set("editPoints", null);
    return error;
  }

  for (const box of [showTest, discrete]) box.addEventListener("change", () => schedule());

  const offs = [
    store.subscribe(["grid", "focus", "planar", "editPoints"], () => {
      // the grid a typed weight waits for is painted at once, not at the next frame
      const pending = store.get("pendingEdit");
      if (pending && pending.seq !== null && store.get("grid")?.seq === pending.seq) {
        if (frame) cancelAnimationFrame(frame);
        paint();
      } else schedule();
    }),
  ];
  const ro = new ResizeObserver(resize);
  ro.observe(container);
  resize();
  schedule();
  return {
    destroy() {
      offs.forEach((f) => f());
      readOffs.forEach((f) => f());
      confirmPoints.destroy();
      ro.disconnect();
    },
  };
}
