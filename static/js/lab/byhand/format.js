// How the by-hand views print the engine's numbers. Pure: no DOM; tests/js/lab-byhand.test.mjs.
// Display only: these functions round for the eye, they never compute a value that is shown.

const MINUS = "\u2212";

/** `value` with `digits` significant digits (all of its integer digits), trailing zeros
 *  dropped, a real minus sign; exponent form below 1e-4 and from 1e6 on. fmt(0.02146953) = "0.02147", fmt(-3) = "−3". */
export function fmt(value, digits = 4) {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  if (!Number.isFinite(value)) return value > 0 ? "∞" : `${MINUS}∞`;
  if (value === 0) return "0";
  const abs = Math.abs(value);
  let text;
  if (abs < 1e-4 || abs >= 1e6) {
    const [mantissa, exp] = abs.toExponential(digits - 1).split("e");
    text = `${trimZeros(mantissa)}e${exp.replace("+", "").replace("-", MINUS)}`;
  } else {
    const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(abs)));
    text = trimZeros(abs.toFixed(decimals));
  }
  return value < 0 ? `${MINUS}${text}` : text;
}

function trimZeros(text) {
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}

/** A typed number as the user typed it, in a product: "(−2)", "(0.5)". */
export function paren(value) {
  return `(${fmt(value, 6)})`;
}

/** A number the page shows back from the text a user may type, or null if it is not one. */
export function parseNumber(text) {
  const t = String(text).trim().replaceAll(MINUS, "-");
  if (t === "" || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

/** A number as an input field shows it: six significant digits, plain ASCII ("-1.5e-7"). */
export function inputText(value) {
  return String(Number(Number(value).toPrecision(6)));
}
