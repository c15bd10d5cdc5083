// Does the network's output fit the data? The architecture editor's check after describe: a
// softmax over K values needs K = the dataset's class count, else Apply would be refused by the
// server far from the editor. Returns an inline error for the layer that sets K, with fixes.

/**
 * @param spec the draft spec; @param described POST /api/describe's reply for it
 * @param classNames the session's class names
 * @returns null, or {message, layer_index, fixes: [{label, spec}]}
 */
export function outputMismatch(spec, described, classNames) {
  const classes = classNames?.length ?? 0;
  const layers = spec?.layers ?? [];
  const last = layers.length - 1;
  if (classes < 2 || last < 0 || layers[last].type !== "softmax" || !described?.layers?.[last]) return null;
  const out = described.layers[last].output_shape;
  if (out.length !== 1 || out[0] === classes) return null;
  let at = -1; // the layer that sets the width of the softmax: the last dense before it
  for (let i = last - 1; i >= 0; i--) {
    if (layers[i].type === "dense") {
      at = i;
      break;
    }
  }
  const strip = (ls) => ls.map(({ name, ...l }) => l);
  const name = described.layers[at]?.name ?? "the last layer";
  const fixes = [];
  const added = [...layers.slice(0, last), ...(at === last - 1 ? [{ type: "relu" }] : []), { type: "dense", units: classes }, layers[last]];
  fixes.push({ label: `Add ${at === last - 1 ? "a ReLU and " : ""}a dense layer of ${classes} units before the softmax`, spec: { ...spec, layers: strip(added) } });
  if (at >= 0) {
    const resized = layers.map((l, i) => (i === at ? { ...l, units: classes } : l));
    fixes.push({ label: `Make ${name} ${classes} units`, spec: { ...spec, layers: strip(resized) } });
  }
  return {
    message: `${name} gives the softmax ${out[0]} values, but the data has ${classes} classes: `
      + `the softmax needs one value per class (${classNames.slice(0, 4).join(", ")}${classes > 4 ? ", …" : ""}).`,
    layer_index: at >= 0 ? at : last,
    fixes,
  };
}
