// A neuron's value read off a grid (wire.js gridValueAt), as text with as many decimals as the
// grid carries: a grid comes as uint8 codes per layer (docs/protocol.md, "The lab: 2-D data"), so
// a value is within half a code step (max - min) / 255 of the network's, and the last printed
// decimal is the first whose unit is no finer than that step: every digit shown is right to
// one unit in the last place. Pure: no DOM. Tested in tests/js/lab-plane-grid-digits.test.mjs.

/** The value step of grid layer `layer` ({min, max} of its decoded data): one uint8 code. */
export function gridStep(layer) {
  return (layer.max - layer.min) / 255;
}

/** Decimals to print for a value known to within `step`: floor(-log10(step)), 0..4 (4 for an
 *  exact value, step 0: a layer constant over the plane). */
export function decimalsFor(step) {
  if (!(step > 0)) return 4;
  return Math.min(4, Math.max(0, Math.floor(-Math.log10(step) + 1e-9)));
}

/** `v` with decimalsFor(step) decimals, short for a small label: "-.53", "0.0042" -> ".0042",
 *  1234 -> "1e+3". */
export function gridValueText(v, step) {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1000) return v.toExponential(0);
  const text = v.toFixed(decimalsFor(step)).replace(/^(-?)0\./, "$1.");
  return /^-[.0]*$/.test(text) ? text.slice(1) : text; // no "-.00"
}
