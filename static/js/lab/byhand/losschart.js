// The people table's loss after each training step, as the server reported it, on a canvas.

import { gridStyle, yGrid } from "./axes.js";
import { fitCanvas } from "./dom.js";
import { linear, ticks } from "./plot.js";

/** Draw `losses` (index 0: before the first step) into `canvas`. */
export function drawLosses(canvas, losses) {
  const { ctx, width, height } = fitCanvas(canvas);
  ctx.clearRect(0, 0, width, height);
  if (width < 40 || height < 40) return;
  const pad = { left: 46, right: 10, top: 10, bottom: 28 };
  const top = Math.max(0.01, ...losses);
  const steps = Math.max(1, losses.length - 1);
  const x = linear(0, steps, pad.left, width - pad.right);
  const y = linear(0, top * 1.05, height - pad.bottom, pad.top);
  gridStyle(ctx);
  yGrid(ctx, y, ticks(0, top * 1.05, 4), pad.left, width - pad.right);
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const t of ticks(0, steps, Math.max(2, Math.floor(width / 80)))) {
    if (!Number.isInteger(t)) continue;
    ctx.fillText(String(t), x(t), height - pad.bottom + 4);
  }
  ctx.fillText("SGD steps (one person each)", (pad.left + width - pad.right) / 2, height - 13);
  if (losses.length === 0) {
    ctx.fillStyle = "#5b6474";
    ctx.textBaseline = "middle";
    ctx.fillText("Train to see the table's loss after each step", (pad.left + width - pad.right) / 2, height / 2 - 10);
    return;
  }
  ctx.strokeStyle = "#2166ac";
  ctx.lineWidth = 2;
  ctx.beginPath();
  losses.forEach((v, i) => (i === 0 ? ctx.moveTo(x(i), y(v)) : ctx.lineTo(x(i), y(v))));
  ctx.stroke();
  ctx.fillStyle = "#2166ac";
  ctx.beginPath();
  ctx.arc(x(losses.length - 1), y(losses[losses.length - 1]), 3.5, 0, 2 * Math.PI);
  ctx.fill();
}
