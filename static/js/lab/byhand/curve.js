// The activation curve on a canvas: f (solid) and f′ (dashed) as the engine sampled them,
// axes with round ticks, and a marker at the neuron's z. Draws only what it is given.

import { gridStyle, yGrid } from "./axes.js";
import { fitCanvas } from "./dom.js";
import { fmt } from "./format.js";
import { extent, linear, ticks } from "./plot.js";

const F_COLOUR = "#2166ac";
const DF_COLOUR = "#d6604d";

/** Draw `reply` (the POST /api/lab/neuron reply) into `canvas`. */
export function drawCurve(canvas, reply) {
  const { ctx, width, height } = fitCanvas(canvas);
  ctx.clearRect(0, 0, width, height);
  if (!reply || width < 40 || height < 40) return;
  const pad = { left: 40, right: 12, top: 12, bottom: 26 };
  const zs = reply.curve_z;
  const [y0, y1] = extent([reply.curve_f, reply.curve_df, [0]]);
  const x = linear(zs[0], zs[zs.length - 1], pad.left, width - pad.right);
  const y = linear(y0, y1, height - pad.bottom, pad.top);

  gridStyle(ctx);
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const t of ticks(zs[0], zs[zs.length - 1], Math.max(3, Math.floor(width / 70)))) {
    ctx.beginPath();
    ctx.moveTo(x(t), pad.top);
    ctx.lineTo(x(t), height - pad.bottom);
    ctx.stroke();
    ctx.fillText(fmt(t, 3), x(t), height - pad.bottom + 4);
  }
  yGrid(ctx, y, ticks(y0, y1, Math.max(3, Math.floor(height / 45))), pad.left, width - pad.right);
  ctx.strokeStyle = "#9aa3b2";
  ctx.beginPath();
  ctx.moveTo(pad.left, y(0));
  ctx.lineTo(width - pad.right, y(0));
  if (zs[0] <= 0 && zs[zs.length - 1] >= 0) {
    ctx.moveTo(x(0), pad.top);
    ctx.lineTo(x(0), height - pad.bottom);
  }
  ctx.stroke();

  const line = (values, colour, dash) => {
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2;
    ctx.setLineDash(dash);
    ctx.beginPath();
    values.forEach((v, i) => (i === 0 ? ctx.moveTo(x(zs[i]), y(v)) : ctx.lineTo(x(zs[i]), y(v))));
    ctx.stroke();
    ctx.setLineDash([]);
  };
  line(reply.curve_df, DF_COLOUR, [6, 4]);
  line(reply.curve_f, F_COLOUR, []);

  const marker = (value, colour) => {
    ctx.fillStyle = colour;
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(x(reply.z), y(value), 5, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  };
  ctx.strokeStyle = "#1d2430";
  ctx.lineWidth = 1;
  ctx.setLineDash([2, 3]);
  ctx.beginPath();
  ctx.moveTo(x(reply.z), pad.top);
  ctx.lineTo(x(reply.z), height - pad.bottom);
  ctx.stroke();
  ctx.setLineDash([]);
  if (reply.derivative !== null) marker(reply.derivative, DF_COLOUR);
  marker(reply.output, F_COLOUR);
}
