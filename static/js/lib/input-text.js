// Words for what the network was last shown (store.lastForward.input), for notes such as the
// one shown when the pad is cleared and the network still shows its last input.

const SPLITS = { train: "training", val: "validation", test: "test" };

/** "validation sample #3", "your last drawing", "the uploaded image photo.png", or "its last input". */
export function inputText(input) {
  if (!input) return "its last input";
  if (input.kind === "sample") return `${SPLITS[input.split] ?? input.split} sample #${input.index}`;
  if (input.kind === "pixels") return "your last drawing";
  if (input.kind === "file") return input.file?.name ? `the uploaded image ${input.file.name}` : "the uploaded image";
  return "its last input";
}

/** The note for an empty pad while the network still shows `forward`'s input, or "" when there is none. */
export function staleNote(input, forward) {
  if (input?.kind !== "empty" || !forward) return "";
  return `The pad is empty: the network still shows ${inputText(forward.input)}. Draw, upload or pick a sample to change it.`;
}
