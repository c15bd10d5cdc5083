// The architecture editor's fields (editor.js is their container): a layer's keys as inputs by
// their kind in the layer table, the type menu, and reading a typed value back.

import { el } from "../ui/dom.js";
import { fieldsOf, layerTypes, valueOf } from "../lib/layer-types.js";

// Every type, its keys, defaults and limits come from the layer table (GET /api/layers).
const numberField = (k, attrs, value) =>
  el("label", {}, `${k} `, el("input", { "data-k": k, type: "number", ...attrs, value }));

// Each key of a layer as DOM (never an HTML string: the values come from the spec), by its
// kind in the layer table.
const FIELD = {
  int: (f, value) => numberField(f.key, { min: f.min, max: f.max, step: 1 }, value),
  number: (f, value) => numberField(f.key, { min: f.min, max: f.max, step: f.step ?? "any" }, value),
  choice: (f, value) => el("label", {}, `${f.key} `, el("select", { "data-k": f.key },
    ...f.choices.map((c) => el("option", { selected: value === c }, c)))),
  bool: (f, value) => el("label", { class: "check" },
    el("input", { "data-k": f.key, type: "checkbox", checked: Boolean(value) }), ` ${f.key}`),
  padding: (f, value) => el("label", {}, `${f.key} `,
    el("input", { "data-k": f.key, "data-kind": "padding", list: "padding-values", value, size: 5 })),
};

/** A layer's keys as labelled inputs (`data-k` = the key), with its values. */
export const fieldInputs = (layer) => fieldsOf(layer.type).map((f) => FIELD[f.kind](f, valueOf(layer, f.key)));
/** An <option> per layer type, `selected` chosen. */
export const typeOptions = (selected) => layerTypes().map((t) => el("option", { value: t.type, selected: t.type === selected }, t.label));

/** The value an input of fieldInputs holds, as the spec takes it. */
export function readValue(input) {
  if (input.type === "checkbox") return input.checked;
  if (input.tagName === "SELECT") return input.value;
  if (input.dataset.kind === "padding") {
    const v = input.value.trim();
    return /^\d+$/.test(v) ? Number(v) : v;
  }
  return input.value === "" ? "" : Number(input.value);
}
