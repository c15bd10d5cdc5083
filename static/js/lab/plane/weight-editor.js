// Typing weights in the 2-D data view: a small form over the diagram. A line gets one field (its
// weight); a neuron its bias and every incoming weight (so that every weight can be reached from
// the keyboard too: Tab to a neuron, Enter). Enter sends the layer's W and/or b with the typed
// values (PUT params, one request), then asks only for the new grid: the server now holds exactly
// those float32 values. `pendingEdit` lets the output view measure typed value -> boundary.

import { el } from "../../ui/dom.js";
import { pause, request } from "./actions.js";
import { matrixWithAll } from "./wire.js";

const MAX_ABS = 10000; // the server's bound on a typed parameter (docs/protocol.md, PUT params)

/**
 * createWeightEditor(stage, store, {refreshPlane, onClose}) -> {element, open(target), close(),
 * isOpen()}; target: {dense, title, fields: [{label, kind: "W"|"b", row, col}], x, y, bottom}
 * with (x, y) the point in the stage the form goes next to and `bottom` the stage's height.
 */
export function createWeightEditor(stage, store, { refreshPlane, onClose = () => {} }) {
  const form = el("form", { class: "net-edit", hidden: true, "data-role": "editor" });
  const title = el("strong", {});
  const rows = el("div", { class: "net-edit-rows" });
  form.append(title, rows, el("span", { class: "net-edit-buttons" },
    el("button", { type: "submit", class: "primary" }, "Set"), el("button", { type: "button", "data-act": "cancel" }, "Cancel")));
  let editing = null; // {dense, fields: [{kind, row, col, input}]}

  function open(target) {
    const w = store.get("weights")?.[target.dense];
    if (!w?.W || !w?.b) return false;
    const cols = w.shape[1];
    const fields = target.fields.map((f) => {
      const value = f.kind === "W" ? w.W[f.row * cols + f.col] : w.b[f.col];
      const input = el("input", { type: "number", step: "any", required: true, "aria-label": f.label,
        "data-kind": f.kind, "data-row": String(f.row), "data-col": String(f.col) });
      input.value = String(+value.toPrecision(6));
      return { ...f, input };
    });
    editing = { dense: target.dense, fields };
    rows.replaceChildren(...fields.map((f) => el("label", { class: "net-edit-row" }, el("span", {}, f.label), f.input)));
    title.textContent = target.title;
    form.hidden = false;
    const width = Math.min(330, stage.clientWidth);
    form.style.left = `${Math.max(0, Math.min(stage.clientWidth - width, target.x - width / 2))}px`;
    form.style.top = `${Math.max(0, Math.min(Math.max(0, target.bottom - form.offsetHeight), target.y + 8))}px`;
    form.style.width = `${width}px`;
    fields[0].input.focus();
    fields[0].input.select();
    return true;
  }

  function close() {
    form.hidden = true;
    editing = null;
    onClose();
  }

  form.addEventListener("click", (e) => {
    if (e.target.closest("[data-act=cancel]")) close();
  });
  form.addEventListener("keydown", (e) => {
    if (e.key === "Escape") close();
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    for (const f of editing.fields) {
      const v = Number(f.input.value);
      const bad = f.input.value.trim() === "" || !Number.isFinite(v) || Math.abs(v) > MAX_ABS;
      f.input.setCustomValidity(bad ? `a number between −${MAX_ABS} and ${MAX_ABS}` : "");
      if (bad) {
        f.input.reportValidity();
        return;
      }
    }
    const target = editing;
    close();
    await setValues(target.dense, target.fields.map((f) => ({ kind: f.kind, row: f.row, col: f.col, value: Number(f.input.value) })));
  });

  /** PUT the layer's W and/or b with the typed values; then the new grid (measured). */
  async function setValues(dense, fields) {
    const t0 = performance.now();
    const w = store.get("weights")?.[dense];
    if (!w) return; // the network changed meanwhile
    const body = { type: "setParams", layer: dense };
    const next = { ...w };
    const wChanges = fields.filter((f) => f.kind === "W").map((f) => [f.row, f.col, f.value]);
    if (wChanges.length) {
      body.W = matrixWithAll(w.W, w.shape, wChanges);
      next.W = Float32Array.from(body.W.flat());
    }
    const bChanges = fields.filter((f) => f.kind === "b");
    if (bChanges.length) {
      const b = Array.from(w.b);
      for (const f of bChanges) b[f.col] = f.value;
      body.b = b;
      next.b = Float32Array.from(b);
    }
    const playing = store.get("playing");
    try {
      await pause(store);
      await request(store, body);
    } catch {
      return; // the status line says why
    }
    store.set("weights", { ...store.get("weights"), [dense]: next });
    const seq = await refreshPlane({ weights: false });
    store.set("pendingEdit", { t0, seq, dense });
    if (playing) {
      // Play goes on from the typed values once their boundary is drawn
      const off = store.subscribe(["grid"], () => {
        if (store.get("grid")?.seq !== seq) return;
        off();
        store.set("request", { type: "play", at: performance.now() });
      });
    }
  }

  return { element: form, open, close, isOpen: () => !form.hidden };
}
