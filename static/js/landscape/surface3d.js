// The loss surface as a shaded 3-D mesh on a 2-D canvas (painter's algorithm: quads and path
// pieces sorted far to near), the optimiser's path on it, and the controls that turn it
// (azimuth and elevation sliders, or drag on the drawing). It draws the grid the server sent
// and nothing else: heights are the grid's losses (between nodes the mesh is the bilinear
// interpolation the contour colours by), colours come from the caller's colour map (the
// contour's bands), path points sit at their `surface_loss`. Geometry: surface3d-geometry.js.

import { el } from "../ui/dom.js";
import { fmt } from "../ui/colors.js";
import { sampleBilinear } from "./contour.js";
import { DEG, camera, heightScale, lambert, lightFor, paintOrder, pieces, quadNormal } from "./surface3d-geometry.js";

const Z_SCALE = 1.1; // height of the box relative to its half-width
const MARGIN = 38;
const TARGET_QUADS = 48; // mesh quads along a side (grid cells subdivided bilinearly)
const PATH_BIAS = 0.04; // path drawn just before the quads it lies on (line-of-sight units)

export function createSurface3d({ width: initialWidth, height: initialHeight, view = { azimuth: 35, elevation: 35 } }) {
  const state = { ...view };
  let width = initialWidth; // the canvas' pixels, which are its CSS pixels (resize() changes them)
  let height = initialHeight;
  let last = null;
  const canvas = el("canvas", { width: String(width), height: String(height), role: "img",
    class: "nn-surface3d", "data-role": "surface3d", title: "Drag to turn" });
  const slider = (label, min, max, value) => el("input", { type: "range", min: String(min), max: String(max),
    step: "1", value: String(value), "aria-label": label });
  const azimuth = slider("Azimuth of the 3-D view (degrees)", 0, 360, state.azimuth);
  const elevation = slider("Elevation of the 3-D view (degrees)", 5, 90, state.elevation);
  const controls = el("div", { class: "nn-controls nn-surface3d-controls", role: "group", "aria-label": "Turn the 3-D view" },
    el("label", {}, "turn ", azimuth), el("label", {}, "tilt ", elevation));
  const caption = el("p", { class: "nn-note nn-surface3d-caption", style: `max-width:${width}px` },
    "Height and colour are the server's loss, on the colour scale headed “loss”. Each point of the path sits at "
    + "its surface value: the loss at the point's place on this plane (its own loss, with the weights off the "
    + "plane, can differ); between points the line follows the mesh. Drag the drawing or use the sliders to turn it.");
  const element = el("div", { class: "nn-surface3d-block" }, canvas, controls, caption);

  let turned = false; // the first drawing picks the azimuth; after the user turns it, theirs
  function setView(v, byUser = true) {
    turned = turned || byUser;
    state.azimuth = ((v.azimuth % 360) + 360) % 360;
    state.elevation = Math.max(5, Math.min(90, v.elevation));
    azimuth.value = String(Math.round(state.azimuth));
    elevation.value = String(Math.round(state.elevation));
    if (last) render(last);
  }
  azimuth.addEventListener("input", () => setView({ ...state, azimuth: Number(azimuth.value) }));
  elevation.addEventListener("input", () => setView({ ...state, elevation: Number(elevation.value) }));
  let drag = null;
  canvas.addEventListener("pointerdown", (e) => {
    drag = { x: e.clientX, y: e.clientY, view: { ...state } };
    canvas.setPointerCapture?.(e.pointerId);
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!drag) return;
    setView({ azimuth: drag.view.azimuth - 0.5 * (e.clientX - drag.x), elevation: drag.view.elevation + 0.4 * (e.clientY - drag.y) });
  });
  const stop = () => { drag = null; };
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);

  /**
   * input: {xs, ys, values (row-major ny x nx), trajectory, edges (the contour's band
   * edges), log (heights on the geometric scale), rgbOf(v) -> [r, g, b], xLabel, yLabel}
   */
  function render(input) {
    last = input;
    const { xs, ys, values, trajectory = [], edges, log, rgbOf, xLabel, yLabel } = input;
    const nx = xs.length;
    const ny = ys.length;
    if (!turned) {
      const az = facingAzimuth(trajectory[0], xs, ys);
      turned = true; // once: the data-chosen view counts as the starting one
      if (az !== null) { setView({ ...state, azimuth: Math.round(az) }, false); return; }
    }
    const lo = edges[0];
    const hi = edges[edges.length - 1];
    const H = heightScale(lo, hi, log);
    const cam = camera(state, width, height, { zScale: Z_SCALE, margin: MARGIN });
    const light = lightFor(cam);
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, width, height);

    // the mesh's vertices: grid positions, heights, projections
    const sub = Math.max(1, Math.ceil(TARGET_QUADS / (Math.max(nx, ny) - 1)));
    const mx = sub * (nx - 1) + 1;
    const my = sub * (ny - 1) + 1;
    const vv = new Float64Array(mx * my);
    const world = new Array(mx * my);
    const proj = new Array(mx * my);
    for (let j = 0; j < my; j++) {
      for (let i = 0; i < mx; i++) {
        const k = j * mx + i;
        const v = sampleBilinear(values, nx, ny, i / sub, j / sub);
        vv[k] = v;
        world[k] = [-1 + (2 * i) / (mx - 1), -1 + (2 * j) / (my - 1), H(v) * Z_SCALE];
        proj[k] = cam.project(...world[k]);
      }
    }
    const items = [];
    for (let j = 0; j < my - 1; j++) {
      for (let i = 0; i < mx - 1; i++) {
        const c = [j * mx + i, j * mx + i + 1, (j + 1) * mx + i + 1, (j + 1) * mx + i];
        const depth = (proj[c[0]].depth + proj[c[1]].depth + proj[c[2]].depth + proj[c[3]].depth) / 4;
        items.push({ kind: "quad", depth, c, i, j });
      }
    }

    // the path: each point at (x, y, surface_loss), the steps between draped over the mesh
    const gxOf = (x) => ((x - xs[0]) / (xs[nx - 1] - xs[0])) * (nx - 1);
    const gyOf = (y) => ((y - ys[0]) / (ys[ny - 1] - ys[0])) * (ny - 1);
    const toWorld = (gx, gy, h) => [-1 + (2 * gx) / (nx - 1), -1 + (2 * gy) / (ny - 1), h * Z_SCALE];
    const pts = trajectory.filter((p) => Number.isFinite(p.surface_loss)).map((p, i, all) => {
      const gx = gxOf(p.x);
      const gy = gyOf(p.y);
      const h = H(p.surface_loss);
      return { p, gx, gy, h, off: h - H(sampleBilinear(values, nx, ny, gx, gy)), isNow: i === all.length - 1 };
    });
    for (let n = 0; n + 1 < pts.length; n++) {
      const a = pts[n];
      const b = pts[n + 1];
      const ts = pieces(a.gx, a.gy, b.gx, b.gy, 1 / sub);
      const at = (t) => {
        const gx = a.gx + (b.gx - a.gx) * t;
        const gy = a.gy + (b.gy - a.gy) * t;
        const h = H(sampleBilinear(values, nx, ny, gx, gy)) + (1 - t) * a.off + t * b.off;
        return cam.project(...toWorld(gx, gy, h));
      };
      let prev = at(0);
      for (let k = 1; k < ts.length; k++) {
        const next = at(ts[k]);
        items.push({ kind: "piece", depth: (prev.depth + next.depth) / 2 - PATH_BIAS, from: prev, to: next });
        prev = next;
      }
    }
    for (const q of pts) {
      const s = cam.project(...toWorld(q.gx, q.gy, q.h));
      items.push({ kind: "point", depth: s.depth - 2 * PATH_BIAS, s, q });
    }

    drawFloor(ctx, cam);
    for (const idx of paintOrder(items.map((it) => it.depth))) {
      const it = items[idx];
      if (it.kind === "quad") drawQuad(ctx, it, proj, world, vv, sub, mx, my, rgbOf, light);
      else if (it.kind === "piece") drawPiece(ctx, it);
      else drawPoint(ctx, it);
    }
    drawAxes(ctx, cam, { xs, ys, edges, H, xLabel, yLabel });

    canvas.dataset.pathPoints = String(pts.length);
    canvas.dataset.azimuth = String(Math.round(state.azimuth));
    canvas.dataset.elevation = String(Math.round(state.elevation));
    canvas.setAttribute("aria-label", `loss surface in 3-D, ${nx} by ${ny} grid, loss from ${fmt(lo)} to ${fmt(hi)}, `
      + `turned ${Math.round(state.azimuth)}° and tilted ${Math.round(state.elevation)}°; path of ${pts.length} points`);
  }

  // drawn again at a new size (the panel narrowed or widened), not scaled by CSS
  function resize(w, h) {
    if (w === width && h === height) return;
    width = w;
    height = h;
    canvas.width = width;
    canvas.height = height;
    caption.style.maxWidth = `${width}px`;
    if (last) render(last);
  }

  return { element, canvas, render, resize, setView, view: () => ({ ...state }) };
}

// An azimuth that looks at the path's start from the far side of the centre, a third of a
// right angle off, so that a path climbing out of a valley faces the viewer.
function facingAzimuth(start, xs, ys) {
  if (!start) return null;
  const x = -1 + (2 * (start.x - xs[0])) / (xs[xs.length - 1] - xs[0]);
  const y = -1 + (2 * (start.y - ys[0])) / (ys[ys.length - 1] - ys[0]);
  if (!(Math.hypot(x, y) > 1e-6)) return null;
  return Math.atan2(x, y) / DEG + 30;
}

function drawQuad(ctx, it, proj, world, vv, sub, mx, my, rgbOf, light) {
  const [a, b, c, d] = it.c;
  const [r, g, bl] = rgbOf((vv[a] + vv[b] + vv[c] + vv[d]) / 4);
  const f = lambert(quadNormal(world[a], world[b], world[c], world[d]), light);
  const fill = `rgb(${Math.round(r * f)},${Math.round(g * f)},${Math.round(bl * f)})`;
  ctx.beginPath();
  ctx.moveTo(proj[a].sx, proj[a].sy);
  ctx.lineTo(proj[b].sx, proj[b].sy);
  ctx.lineTo(proj[c].sx, proj[c].sy);
  ctx.lineTo(proj[d].sx, proj[d].sy);
  ctx.closePath();
  ctx.fillStyle = fill;
  ctx.fill();
  // the same colour round the edge hides the hairline seams between neighbouring quads
  ctx.strokeStyle = fill;
  ctx.lineWidth = 0.7;
  ctx.stroke();
  // the server's grid lines (every sub-th mesh line), so that the mesh reads as a surface
  ctx.strokeStyle = "rgba(20,20,30,0.28)";
  ctx.lineWidth = 0.6;
  ctx.beginPath();
  if (it.j % sub === 0) { ctx.moveTo(proj[a].sx, proj[a].sy); ctx.lineTo(proj[b].sx, proj[b].sy); }
  if (it.i % sub === 0) { ctx.moveTo(proj[a].sx, proj[a].sy); ctx.lineTo(proj[d].sx, proj[d].sy); }
  if (it.j === my - 2) { ctx.moveTo(proj[d].sx, proj[d].sy); ctx.lineTo(proj[c].sx, proj[c].sy); }
  if (it.i === mx - 2) { ctx.moveTo(proj[b].sx, proj[b].sy); ctx.lineTo(proj[c].sx, proj[c].sy); }
  ctx.stroke();
}

/** A straight line between two screen points ({sx, sy}) in `colour`, `width` px wide. */
function segment(ctx, a, b, colour, width) {
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.beginPath();
  ctx.moveTo(a.sx, a.sy);
  ctx.lineTo(b.sx, b.sy);
  ctx.stroke();
}

// one piece of the path: red on a white halo
function drawPiece(ctx, { from, to }) {
  ctx.lineCap = "round";
  segment(ctx, from, to, "#fff", 4);
  segment(ctx, from, to, "#d62728", 2);
  ctx.lineCap = "butt";
}

// the same marks as the contour's path (landscape.js): square start, dots per epoch, small
// dots for checkpoints, the ringed dot for now
function drawPoint(ctx, { s, q }) {
  const pos = q.p.position ?? q.p.epoch;
  ctx.lineWidth = q.isNow ? 3 : 1.5;
  ctx.fillStyle = q.isNow ? "#fff" : "#d62728";
  ctx.strokeStyle = q.isNow ? "#d62728" : "#fff";
  ctx.beginPath();
  if (pos === 0) ctx.rect(s.sx - 4, s.sy - 4, 8, 8);
  else ctx.arc(s.sx, s.sy, q.isNow ? 6 : Number.isInteger(pos) ? 4 : 2.5, 0, 2 * Math.PI);
  ctx.fill();
  ctx.stroke();
}

function drawFloor(ctx, cam) {
  const corners = [[-1, -1], [1, -1], [1, 1], [-1, 1]].map(([x, y]) => cam.project(x, y, 0));
  ctx.beginPath();
  corners.forEach((c, i) => (i ? ctx.lineTo(c.sx, c.sy) : ctx.moveTo(c.sx, c.sy)));
  ctx.closePath();
  ctx.fillStyle = "#f3f4f7";
  ctx.fill();
  ctx.strokeStyle = "#b8bec9";
  ctx.lineWidth = 1;
  ctx.stroke();
}

function drawAxes(ctx, cam, { xs, ys, edges, H, xLabel, yLabel }) {
  const centre = cam.project(0, 0, 0);
  ctx.font = "12px system-ui, sans-serif";
  ctx.fillStyle = "#333";
  ctx.textBaseline = "middle";
  // label a point pushed outwards from the floor's centre on the screen
  const label = (text, p, push = 16) => {
    const dx = p.sx - centre.sx;
    const dy = p.sy - centre.sy;
    const len = Math.hypot(dx, dy) || 1;
    const y = p.sy + (dy / len) * push;
    const align = Math.abs(dx / len) < 0.35 ? "center" : dx > 0 ? "left" : "right";
    // kept whole inside the canvas: the label's left edge between 2 and width - 2 - its width
    const w = ctx.measureText(text).width;
    const shift = align === "left" ? 0 : align === "right" ? w : w / 2;
    const left = Math.min(Math.max(2, p.sx + (dx / len) * push - shift), ctx.canvas.width - 2 - w);
    ctx.textAlign = "left";
    ctx.fillText(text, left, y);
  };
  // each direction labelled along the floor edge nearer the viewer
  const nearer = (pa, pb) => (cam.project(...pa).depth <= cam.project(...pb).depth ? pa : pb);
  const [, yEdge] = nearer([0, -1, 0], [0, 1, 0]);
  const [xEdge] = nearer([-1, 0, 0], [1, 0, 0]);
  // the ranges go with the names (values at the corners would collide with the loss axis)
  ctx.font = "bold 12px system-ui, sans-serif";
  label(`${xLabel} ${fmt(xs[0], 2)} … ${fmt(xs[xs.length - 1], 2)}`, cam.project(0, yEdge, 0), 16);
  label(`${yLabel} ${fmt(ys[0], 2)} … ${fmt(ys[ys.length - 1], 2)}`, cam.project(xEdge, 0, 0), 16);

  // the loss axis: upright at the floor corner leftmost on the screen (nothing of the mesh
  // lies left of it), ticks at every third band edge as in the colour legend
  const corner = [[-1, -1], [1, -1], [1, 1], [-1, 1]].reduce((best, c) =>
    (cam.project(c[0], c[1], 0).sx < cam.project(best[0], best[1], 0).sx ? c : best));
  const bottom = cam.project(corner[0], corner[1], 0);
  const top = cam.project(corner[0], corner[1], Z_SCALE);
  segment(ctx, bottom, top, "#555", 1);
  ctx.font = "12px system-ui, sans-serif";
  ctx.textAlign = "right";
  const bands = edges.length - 1;
  for (let b = 0; b <= bands; b += 3) {
    const p = cam.project(corner[0], corner[1], H(edges[b]) * Z_SCALE);
    segment(ctx, { sx: p.sx - 3, sy: p.sy }, p, "#555", 1);
    ctx.fillText(fmt(edges[b], 2), p.sx - 5, p.sy);
  }
  ctx.font = "bold 12px system-ui, sans-serif";
  ctx.textAlign = "center";
  ctx.fillText("loss", top.sx, top.sy - 12);
  ctx.textBaseline = "alphabetic";
}
