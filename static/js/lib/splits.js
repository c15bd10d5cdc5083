// Which split of a session's dataset the page shows examples from: the validation split
// (examples the network does not train on) when it has any, else train, else test. A small
// own dataset (three drawings a class) rounds its validation share to none.

const ORDER = ["val", "train", "test"];

/** @param {{val?: number, train?: number, test?: number} | undefined} dataset sizes from the state */
export function showcaseSplit(dataset) {
  return ORDER.find((split) => (dataset?.[split] ?? 0) > 0) ?? null;
}

/** The input the page looks at before anything is drawn: the showcase split's first example. */
export function firstSampleInput(dataset) {
  const split = showcaseSplit(dataset);
  return split ? { kind: "sample", split, index: 0, t0: performance.now() } : null;
}
