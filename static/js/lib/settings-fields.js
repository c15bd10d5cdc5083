// Which boxes of the training settings form a refused PUT settings is about: the server names
// the field (`settings.lr`, `settings.split`, `settings.split.train`, ...; docs/protocol.md),
// the form's boxes are named after the settings' keys (split as split_train/_val/_test).

const FORM_NAMES = ["dataset", "seed", "split_train", "split_val", "split_test", "loss", "optimizer",
  "lr", "momentum", "batch_size", "weight_decay"];

/** The form's box names a server error's `field` points at ([] when none of them). */
export function formFieldsFor(field) {
  if (typeof field !== "string") return [];
  const path = field.replace(/^settings\.?/, "").split(".");
  if (path[0] === "split") {
    const parts = ["train", "val", "test"];
    return parts.includes(path[1]) ? [`split_${path[1]}`] : parts.map((p) => `split_${p}`);
  }
  return FORM_NAMES.includes(path[0]) ? [path[0]] : [];
}
