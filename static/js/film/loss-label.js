// Which label a traced training step's loss is for: a dataset sample's own true
// label; for a drawing or an upload (no label of its own) the one the person chooses, store
// key `traceLabel`, nothing chosen until they do. Never the network's own guess: a step toward
// the prediction would reinforce it, right or wrong.

import { el } from "../ui/dom.js";

/** {label, source}: source "sample" (the forwarded sample's true label), "chosen", or "none". */
export function lossLabel(forward, chosen) {
  if (forward && Number.isInteger(forward.true_label)) return { label: forward.true_label, source: "sample" };
  if (Number.isInteger(chosen)) return { label: chosen, source: "chosen" };
  return { label: null, source: "none" };
}

/** "3", or the class's name when it has one. */
export function labelText(names, i) {
  return i === null || i === undefined ? "?" : String(names?.[i] ?? i);
}

/** How a trace message's label is described: "label 3 (the sample's true label)". */
export function lossLabelPhrase(names, label, source) {
  const name = `label ${labelText(names, label)}`;
  if (source === "sample") return `${name} (the sample's true label)`;
  if (source === "chosen") return `${name} (the label you chose)`;
  return name;
}

/**
 * The row that says which label the loss is for, with a chooser for a drawing or an upload.
 * Returns {node, current(), ask()}: current() is lossLabel() now; ask() focuses the chooser.
 */
export function createLossLabel(store) {
  const select = el("select", { class: "nn-loss-label-pick", "aria-label": "Label the loss is for" });
  const chooser = el("label", {}, "The loss is for label ", select);
  const fixed = el("span", { class: "nn-loss-label-fixed" });
  const prompt = el("span", { class: "nn-prompt", role: "status" });
  const node = el("p", { class: "nn-loss-label" }, chooser, fixed, prompt);
  select.addEventListener("change", () => store.set("traceLabel", select.value === "" ? null : Number(select.value)));

  function names() {
    return (store.get("lastForward") || {}).class_names || store.get("classNames") || [];
  }

  function current() {
    return lossLabel(store.get("lastForward"), store.get("traceLabel"));
  }

  function sync() {
    const now = current();
    const list = names();
    const key = list.join("\u0001");
    if (select.dataset.key !== key) {
      select.dataset.key = key;
      select.replaceChildren(el("option", { value: "" }, "choose…"),
        ...list.map((n, i) => el("option", { value: String(i) }, String(n))));
    }
    chooser.hidden = now.source === "sample";
    fixed.hidden = now.source !== "sample";
    fixed.textContent = now.source === "sample" ? `The loss is for this sample's true label: ${labelText(list, now.label)}.` : "";
    select.value = now.source === "chosen" ? String(now.label) : "";
    node.dataset.source = now.source;
    prompt.textContent = now.source === "none"
      ? " Your drawing has no label of its own: choose the one it is meant to be, and the step trains toward it."
      : "";
  }

  const off = store.subscribe(["lastForward", "traceLabel", "classNames"], sync);
  sync();
  return {
    node,
    current,
    ask() {
      sync();
      select.focus();
    },
    destroy: off,
  };
}
