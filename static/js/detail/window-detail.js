// The sliding-window container shared by the conv and pool details: controls, the input with
// its padding, the kernel (conv), the output map filling in scan order, and the arithmetic of
// the current cell as the engine reported it (window-arithmetic.js). The clock is the animator; the geometry is
// geometry.js; the drawing is grid.js. Every number shown is either indexed out of the
// forward reply or read from the server's cell reply.

import { windowGeometry, windowCells, scanCell, scanIndex, cellSizeFor } from "./geometry.js";
import { createAnimator } from "../ui/animator.js";
import { createGridRenderer } from "../ui/grid.js";
import { absMax, fmt, createDivergingLegend } from "../ui/colors.js";
import { layerContext, channel as channelOf, at, fetchCell, createCellLoader } from "./data.js";
import { el, button, clear } from "../ui/dom.js";
import { keepTyped } from "../lib/keep-typed.js";
import { describeWindow, renderArithmetic, sameCell } from "./window-arithmetic.js";

const SPEEDS = [1, 2, 4, 8, 16, 32, 64, 200];

/**
 * @param {HTMLElement} container
 * @param {object} store
 * @param {"conv"|"pool"} mode
 */
export function createWindowDetail(container, store, mode) {
  const root = el("section", { class: `nn-detail nn-window-detail nn-${mode}-detail`, "data-view": `${mode}-detail` });
  container.append(root);

  let ctx = null; // layer context
  let geom = null;
  let outChannel = 0;
  let inChannel = 0; // the input channel drawn (conv: any; pool: = outChannel)
  let animator = null;
  let reply = null; // engine arithmetic of the current cell
  let replyError = null;
  let kernelReply = null; // conv: the kernel and bias come from the first cell reply
  let loader = null;
  let key = "";

  const title = el("h3", { class: "nn-detail-title" });
  const blurb = el("p", { class: "nn-detail-blurb" });

  // controls
  const startBtn = button("|◀◀", "Back to the first cell", () => animator && animator.seek(0));
  const backBtn = button("◀", "Step back one cell", () => animator && animator.step(-1));
  const playBtn = button("▶ Play", "Play the sliding window", () => animator && animator.toggle(), "nn-play");
  const stepBtn = button("▶", "Step forward one cell", () => animator && animator.step(1));
  const endBtn = button("▶▶|", "Jump to the last cell", () => animator && animator.seek(geom.count - 1));
  const speedSel = el("select", { "aria-label": "Animation speed in cells per second", class: "nn-speed" });
  for (const s of SPEEDS) speedSel.append(el("option", { value: String(s) }, `${s} cells/s`));
  speedSel.value = "8";
  speedSel.addEventListener("change", () => animator && animator.setSpeed(Number(speedSel.value)));
  const rowInput = el("input", { type: "number", min: "0", "aria-label": "Output row", class: "nn-cell-row" });
  const colInput = el("input", { type: "number", min: "0", "aria-label": "Output column", class: "nn-cell-col" });
  // a box the learner is in, or typed a cell into and has not gone to, keeps its text while the
  // window moves on (keep-typed.js): the cell typed, not the one the animation reached, is gone to
  const rowBox = keepTyped(rowInput);
  const colBox = keepTyped(colInput);
  const goBtn = button("Go", "Jump to this output cell", () => {
    rowBox.taken();
    colBox.taken();
    if (!animator) return;
    const r = Math.max(0, Math.min(geom.outH - 1, Number(rowInput.value) || 0));
    const c = Math.max(0, Math.min(geom.outW - 1, Number(colInput.value) || 0));
    animator.seek(scanIndex(geom, r, c));
  });
  for (const input of [rowInput, colInput]) {
    input.addEventListener("keydown", (e) => { if (e.key === "Enter") goBtn.click(); });
  }
  const position = el("span", { class: "nn-position", "aria-live": "polite" });
  const inSel = el("select", { "aria-label": "Input channel shown", class: "nn-in-channel" });
  inSel.addEventListener("change", () => { inChannel = Number(inSel.value); render(); });
  const inSelWrap = el("label", { class: "nn-in-channel-wrap" }, "input channel ", inSel);
  const controls = el("div", { class: "nn-controls", role: "group", "aria-label": "Sliding window controls" },
    startBtn, backBtn, playBtn, stepBtn, endBtn,
    el("label", {}, "speed ", speedSel),
    el("span", { class: "nn-goto" }, "cell row ", rowInput, " col ", colInput, goBtn),
    inSelWrap, position);

  // stage
  const inCanvas = el("canvas", { class: "nn-input-grid", role: "img" });
  const kCanvas = el("canvas", { class: "nn-kernel-grid", role: "img" });
  const outCanvas = el("canvas", { class: "nn-output-grid", role: "img", tabindex: "0" });
  const inCap = el("figcaption");
  const kCap = el("figcaption");
  const outCap = el("figcaption");
  const inLegend = el("div", { class: "nn-legend-slot" });
  const kLegend = el("div", { class: "nn-legend-slot" });
  const outLegend = el("div", { class: "nn-legend-slot" });
  const kFigure = el("figure", { class: "nn-fig nn-fig-kernel" }, kCap, kCanvas, kLegend);
  const arith = el("div", { class: "nn-arith", "aria-live": "polite", "data-role": "arithmetic" });
  // input beside kernel, output beside the arithmetic: wraps in that order on narrow screens
  const stage = el("div", { class: "nn-stage" },
    el("figure", { class: "nn-fig nn-fig-input" }, inCap, inCanvas, inLegend),
    kFigure,
    el("figure", { class: "nn-fig nn-fig-output" }, outCap, outCanvas, outLegend),
    arith);
  root.append(title, blurb, controls, stage);

  const inGrid = createGridRenderer(inCanvas);
  const kGrid = createGridRenderer(kCanvas);
  const outGrid = createGridRenderer(outCanvas);

  for (const type of ["mousemove", "click"]) {
    outCanvas.addEventListener(type, (e) => {
      const cell = outGrid.cellFromEvent(e);
      if (cell && animator) animator.seek(scanIndex(geom, cell.row, cell.col));
    });
  }
  outCanvas.addEventListener("keydown", (e) => {
    if (!animator) return;
    const { row, col } = scanCell(geom, animator.index);
    const moves = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
    if (moves[e.key]) {
      const r = Math.max(0, Math.min(geom.outH - 1, row + moves[e.key][0]));
      const c = Math.max(0, Math.min(geom.outW - 1, col + moves[e.key][1]));
      animator.seek(scanIndex(geom, r, c));
      e.preventDefault();
    } else if (e.key === " ") {
      animator.toggle();
      e.preventDefault();
    }
  });

  function setup() {
    const detail = store.get("detail") || {};
    const sessionId = store.get("sessionId");
    const forward = store.get("lastForward");
    const newKey = `${detail.layer}|${detail.channel}|${sessionId}`;
    ctx = layerContext(store, detail.layer);
    if (!ctx || !ctx.input || !ctx.output || !ctx.spec) {
      showMessage(`No forward data for ${detail.layer || "this layer"} yet: draw or pick an input first.`);
      return;
    }
    const layerSpec = ctx.spec;
    const [C, H, W] = ctx.input.shape;
    const kernel = mode === "conv" ? layerSpec.kernel : layerSpec.size;
    const stride = layerSpec.stride || (mode === "pool" ? layerSpec.size : 1);
    const padding = mode === "conv" ? layerSpec.padding : 0;
    geom = windowGeometry({ inH: H, inW: W, kernel, stride, padding });
    outChannel = Math.max(0, Math.min(ctx.output.shape[0] - 1, Number(detail.channel) || 0));
    if (newKey !== key) {
      key = newKey;
      inChannel = mode === "pool" ? outChannel : 0;
      const index = animator ? Math.min(animator.index, geom.count - 1) : 0;
      if (animator) animator.destroy();
      animator = createAnimator({ count: geom.count, speed: Number(speedSel.value), index });
      animator.subscribe(onTick);
      kernelReply = null;
    }
    if (loader) loader.destroy();
    loader = createCellLoader(
      (params) => fetchCell(sessionId, params),
      (r, params) => {
        replyError = null;
        if (mode === "conv" && (!kernelReply || kernelReply.forwardRef !== forward)) {
          kernelReply = { kernel: r.kernel, bias: r.bias, origin: r.origin, forwardRef: forward };
        }
        if (animator && sameCell(params, scanCell(geom, animator.index))) reply = r;
        render();
      },
      (err) => { replyError = err.message; render(); });
    reply = null;
    inSel.replaceChildren(...Array.from({ length: C }, (_, c) => el("option", { value: String(c) }, String(c))));
    inSel.value = String(inChannel);
    inSelWrap.hidden = mode === "pool" || C === 1;
    rowInput.max = String(geom.outH - 1);
    colInput.max = String(geom.outW - 1);
    const words = describeWindow(mode, ctx.name, outChannel, layerSpec.mode, C, geom, stride);
    title.textContent = words.title;
    blurb.textContent = words.blurb;
    kFigure.hidden = mode !== "conv";
    onTick(animator.state());
  }

  function onTick(state) {
    if (!geom) return;
    const { row, col } = scanCell(geom, state.index);
    playBtn.textContent = state.playing ? "❚❚ Pause" : "▶ Play";
    playBtn.setAttribute("aria-label", state.playing ? "Pause the sliding window" : "Play the sliding window");
    playBtn.setAttribute("aria-pressed", String(state.playing));
    position.textContent = `cell (${row}, ${col}) · ${state.index + 1} of ${geom.count}`;
    root.dataset.row = String(row);
    root.dataset.col = String(col);
    // where geometry.js puts this cell's window, in input coordinates (tests compare it
    // with the engine's own `origin`)
    const o = windowCells(geom, row, col)[0];
    root.dataset.origin = `${o.iy},${o.ix}`;
    root.dataset.playing = String(state.playing);
    // while playing, screen readers are not told about every cell; when paused, they are
    position.setAttribute("aria-live", state.playing ? "off" : "polite");
    arith.setAttribute("aria-live", state.playing ? "off" : "polite");
    rowBox.show(row);
    colBox.show(col);
    const params = { layer: ctx.name, channel: outChannel, row, col };
    const cached = loader.cached(params);
    reply = cached || (reply && sameCell(reply, { row, col }) ? reply : null);
    loader.request(params);
    render();
  }

  function render() {
    if (!geom || !ctx || !animator) return;
    const { row, col } = scanCell(geom, animator.index);
    const cells = windowCells(geom, row, col);
    const budget = mapBudget(root);
    const size = cellSizeFor(Math.max(geom.paddedH, geom.paddedW), budget);

    // input (padded) with the window outlined
    const inMap = channelOf(ctx.input, inChannel);
    const inLimit = absMax(inMap.data);
    const [, H, W] = ctx.input.shape;
    inGrid.draw({
      rows: geom.paddedH, cols: geom.paddedW, cellSize: size, gap: size > 8 ? 1 : 0,
      value: (py, px) => inMap.data[(py - geom.pad) * W + (px - geom.pad)],
      isPadding: (py, px) => py < geom.pad || px < geom.pad || py >= geom.pad + H || px >= geom.pad + W,
      limit: inLimit, numbers: size >= 36, digits: 2,
      highlights: [{ row: cells[0].py, col: cells[0].px, rows: geom.kernel, cols: geom.kernel, color: "#111", width: 3 },
        ...(mode === "pool" && reply && reply.winner ? [{ row: cells[0].py + reply.winner[0], col: cells[0].px + reply.winner[1], color: "#f2b701", width: 2 }] : [])],
    });
    inCanvas.setAttribute("aria-label", `input channel ${inChannel}, ${H} by ${W}${geom.pad ? `, padding ${geom.pad}` : ""}; window at rows ${cells[0].py - geom.pad} to ${cells.at(-1).py - geom.pad}, columns ${cells[0].px - geom.pad} to ${cells.at(-1).px - geom.pad}`);
    inCap.textContent = `input${ctx.input.shape[0] > 1 ? ` channel ${inChannel}` : ""} (${H}×${W}${geom.pad ? `, padding ${geom.pad} hatched` : ""})`;
    setLegend(inLegend, inLimit, "input value");

    // kernel (conv): numbers and colours, from the engine's cell reply
    if (mode === "conv") {
      const k = geom.kernel;
      if (kernelReply && kernelReply.kernel) {
        const kern = kernelReply.kernel;
        const base = inChannel * k * k;
        const kLimit = absMax(kern.data);
        kGrid.draw({
          rows: k, cols: k, cellSize: Math.max(34, Math.min(56, Math.floor(200 / k))), gap: 2,
          value: (r, c) => kern.data[base + r * k + c], limit: kLimit, numbers: true, digits: 2,
        });
        kCap.textContent = `kernel of filter ${outChannel}${ctx.input.shape[0] > 1 ? `, input channel ${inChannel}` : ""} · bias ${fmt(kernelReply.bias)}`;
        kCanvas.setAttribute("aria-label", `kernel weights ${Array.from(kern.data.subarray(base, base + k * k), (v) => fmt(v, 3)).join(", ")}`);
        setLegend(kLegend, kLimit, "weight");
      } else {
        kCap.textContent = "kernel (loading from the engine…)";
      }
    }

    // output: filled up to the current cell, in scan order
    const outMap = channelOf(ctx.output, outChannel);
    const outLimit = absMax(outMap.data);
    const oSize = cellSizeFor(Math.max(geom.outH, geom.outW), budget);
    const current = animator.index;
    outGrid.draw({
      rows: geom.outH, cols: geom.outW, cellSize: oSize, gap: oSize > 8 ? 1 : 0,
      value: (r, c) => (r * geom.outW + c <= current ? outMap.data[r * geom.outW + c] : null),
      limit: outLimit, numbers: oSize >= 36, digits: 2,
      highlights: [{ row, col, color: "#111", width: 3 }],
    });
    outCap.textContent = `output ${ctx.name}[${outChannel}] (${geom.outH}×${geom.outW}) · hover or tap to jump`;
    outCanvas.setAttribute("aria-label", `output map ${ctx.name} channel ${outChannel}, ${geom.outH} by ${geom.outW}; current cell row ${row} column ${col}, value ${fmt(outMap.data[row * geom.outW + col])}. Arrow keys move the cell, space plays or pauses.`);
    setLegend(outLegend, outLimit, "output value");

    renderArithmetic(arith, row, col, at(ctx.output, outChannel, row, col), reply, replyError,
      { mode, kernel: geom.kernel, inChannel, onChannel: pickChannel });
  }

  function pickChannel(c) {
    inChannel = c;
    inSel.value = String(c);
    render();
  }

  function showMessage(text) {
    clear(arith);
    title.textContent = "";
    blurb.textContent = text;
  }

  const onResize = () => render();
  window.addEventListener("resize", onResize);
  setup();

  return {
    update() {
      setup();
    },
    destroy() {
      window.removeEventListener("resize", onResize);
      if (animator) animator.destroy();
      if (loader) loader.destroy();
      root.remove();
    },
    /** for tests and the film: the animator driving this view */
    get animator() { return animator; },
  };
}

// Pixels for one map: two maps and the kernel share the width the panel has.
function mapBudget(root) {
  const avail = root.clientWidth || 1000;
  return Math.max(200, Math.min(380, Math.floor(avail / 2 - 60)));
}

// Rebuild a legend only when its range changes (not on every animation tick).
function setLegend(slot, limit, caption) {
  if (slot.dataset.limit === String(limit) && slot.firstChild) return;
  slot.dataset.limit = String(limit);
  slot.replaceChildren(createDivergingLegend(document, limit, caption));
}
