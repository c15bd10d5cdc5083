// The by-hand charts' grid on a canvas (curve.js, losschart.js): one style, one y-grid.

import { fmt } from "./format.js";

/** The charts' style: 11 px grey labels, 1 px light grid lines. */
export function gridStyle(ctx) {
  ctx.font = "11px system-ui, sans-serif";
  ctx.fillStyle = "#5b6474";
  ctx.strokeStyle = "#e3e6ec";
  ctx.lineWidth = 1;
}

/** For each tick t of `values`: a horizontal grid line at y(t) from x = `left` to `right`,
 *  labelled fmt(t, 3) just left of `left`. */
export function yGrid(ctx, y, values, left, right) {
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const t of values) {
    ctx.beginPath();
    ctx.moveTo(left, y(t));
    ctx.lineTo(right, y(t));
    ctx.stroke();
    ctx.fillText(fmt(t, 3), left - 4, y(t));
  }
}
