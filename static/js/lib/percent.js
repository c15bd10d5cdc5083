// A probability as the page prints it, one decimal, everywhere the same: the softmax bars and
// "prediction … sure" (a whole percent made 0.997 read "100% sure" beside a 99.7% bar).

/** 0.997 -> "99.7%". */
export function percentText(p) {
  return `${(p * 100).toFixed(1)}%`;
}
