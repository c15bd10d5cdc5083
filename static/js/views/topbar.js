// Top bar: export and import the model, help.

import { api } from "../api.js";

export function createTopbar(container, store) {
  container.innerHTML = `
    <a class="button export-npz" href="#" download aria-label="Export the model as an npz file">Export model</a>
    <a class="button export-py" href="#" download aria-label="Export a PyTorch script with these weights">PyTorch script</a>
    <label class="button">Import model…<input type="file" class="import-file" accept=".npz" hidden aria-label="Import a model file (.npz)"></label>
    <button type="button" class="help-open" aria-keyshortcuts="?">? Help</button>`;
  const npz = container.querySelector(".export-npz");
  const py = container.querySelector(".export-py");
  const file = container.querySelector(".import-file");
  file.hidden = false; // visually hidden, but reachable with Tab (the label shows focus)
  file.classList.add("sr-file");
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
