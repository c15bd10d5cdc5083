// What a dead map or unit (store.dead, engine.trace.never_fired: its input at most 0 for every
// image of the batch) is called and how it is explained. A ReLU's is dead: 0 out, no gradient
// back. A leaky ReLU's is not: it passes slope × input forward and slope × the gradient back,
// so it learns on, slowly; it is named "on the leak", never "dead".

export const DEAD_TEXT = "dead: its ReLU never fires on the last training batch (its input is at most 0 for every image), "
  + "so it outputs 0, passes no gradient back, and the weights feeding it stop learning. "
  + "A learning rate too high often does this: rewind to an earlier epoch and lower it.";
export const LEAKY_TEXT = "on the leak: its leaky ReLU's input is at most 0 for every image of the last training batch, "
  + "so it passes forward only slope × input and back only slope × the gradient: the weights feeding it learn, "
  + "but slowly (unlike a ReLU's, a leaky ReLU's unit never stops learning altogether).";
export const SILENT_TEXT = "0 everywhere for this input: the ReLU is off here, but fires for other images (not dead).";

const leaky = (type) => type === "leaky_relu";

/** The hover/detail explanation for a dead unit of a layer of `type` (a ReLU or a leaky ReLU). */
export function deadText(type) {
  return leaky(type) ? LEAKY_TEXT : DEAD_TEXT;
}

/** The word for such units in a count ("3 of 8 maps dead" / "… on the leak"). */
export function deadWord(type) {
  return leaky(type) ? "on the leak" : "dead";
}
