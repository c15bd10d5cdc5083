// Top bar: export and import the model, help.

import { api } from "../api.js";
import { el } from "../ui/dom.js";

export function createTopbar(container, store) {
  container.replaceChildren(
    el("a", { class: "button export-npz", href: "#", download: true, "aria-label": "Export the model as an npz file" },
      "Export model"),
    el("a", { class: "button export-py", href: "#", download: true, "aria-label": "Export a PyTorch script with these weights" },
      "PyTorch script"),
    el("label", { class: "button" }, "Import model…",
      // visually hidden (sr-file), but reachable with Tab (the label shows focus)
      el("input", { type: "file", class: "import-file sr-file", accept: ".npz", "aria-label": "Import a model file (.npz)" })),
    el("button", { type: "button", class: "help-open", "aria-keyshortcuts": "?" }, "? Help"),
  );
  const npz = container.querySelector(".export-npz");
  const py = container.querySelector(".export-py");
  const file = container.querySelector(".import-file");
  file.addEventListener("change", () => {
    if (file.files[0]) store.set("request", { type: "importModel", file: file.files[0], at: performance.now() });
    file.value = "";
  });
  function update() {
    const id = store.get("sessionId");
    if (!id) return;
    npz.href = api.exportUrl(id);
    py.href = api.exportPyUrl(id);
  }
  const off = store.subscribe(["sessionId"], update);
  update();
  return {
    update,
    onHelp(fn) {
      container.querySelector(".help-open").addEventListener("click", fn);
    },
    destroy: () => { off(); container.replaceChildren(); },
  };
}
