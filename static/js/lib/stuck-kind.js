// The server's judgement of an epoch as the pages head it: a history entry's / epoch_end's
// `stuck` is null or {kind: "worse" | "chance", message} (docs/protocol.md; engine/chance.py).
// The pages read the kind, never the message's words. Pure; tests/js/stuck-kind.test.mjs.

/** The heading of each kind: too large a step (worse than guessing), or at chance level. */
export const HEADS = { worse: "Learning rate too large.", chance: "Training is stuck." };

/**
 * {kind, head, message} of a `stuck` value, or null for null (a healthy epoch) or anything
 * that is not of its shape. A kind this page does not know is headed as "chance" is: stuck.
 */
export function readStuck(stuck) {
  if (!stuck || typeof stuck !== "object" || typeof stuck.message !== "string" || !stuck.message) {
    return null;
  }
  const kind = stuck.kind === "worse" ? "worse" : "chance";
  return { kind, head: HEADS[kind], message: stuck.message };
}
