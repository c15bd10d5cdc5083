// Your own data: label the drawing on the pad and add it, see samples per class, remove one,
// upload a zip of class folders, train on it (switches the dataset to "own").
// The third argument is the pad view, whose current pixels are what gets added.

import { api, pixelsField } from "../api.js";
import { el, viewHandle } from "../ui/dom.js";
import { grayCanvas } from "../lib/gray.js";

export function createOwnData(container, store, pad) {
  container.replaceChildren(
    el("details", { class: "own" },
      el("summary", {}, "Teach it your own classes"),
      el("form", { class: "own-add" },
        el("label", {}, "Label ",
          el("input", { name: "label", list: "own-classes", maxlength: "32", required: true, placeholder: "e.g. cat", "aria-label": "label for the drawing" })),
        el("datalist", { id: "own-classes" }),
        el("button", { type: "submit" }, "Add drawing"),
      ),
      el("p", { class: "hint" }, "Draw, type a class name (or pick one), add. Two or more classes, then train on them."),
      el("div", { class: "own-classes", "aria-live": "polite" }),
      el("div", { class: "own-grid", role: "list", "aria-label": "your samples" }),
      el("div", { class: "own-actions" },
        el("label", { class: "button" }, "Upload zip…",
          el("input", { type: "file", class: "own-zip sr-file", accept: ".zip,application/zip", "aria-label": "upload a zip with one folder per class" })),
        el("button", { type: "button", class: "own-train primary" }, "Train on my data"),
      ),
      el("p", { class: "own-msg", role: "status" }),
    ),
  );
  const q = (s) => container.querySelector(s);
  const msg = q(".own-msg");
  const form = q(".own-add");
  let listing = null;

  async function refresh() {
    const id = store.get("sessionId");
    if (!id) return;
    try {
      listing = await api.listSamples(id);
      store.set("ownData", listing);
    } catch (err) {
      msg.textContent = `Could not list your samples: ${err.message}`;
    }
  }
  // Samples added or removed: when the session trains on them, its state (what it cannot
  // train on yet, the split's sizes) is read again, so the training panel does not keep an
  // old "Cannot train yet" (e.g. "needs two classes" after a second class was added).
  async function changed() {
    await refresh();
    if (store.get("settings")?.dataset === "own") store.set("request", { type: "refreshState", at: performance.now() });
  }

  function render() {
    const d = store.get("ownData");
    const classes = d?.classes ?? {};
    const names = Object.keys(classes);
    q("#own-classes").replaceChildren(...names.map((n) => el("option", { value: n })));
    q(".own-classes").textContent = names.length ? names.map((n) => `${n}: ${classes[n]}`).join(" · ") : "No samples yet.";
    q(".own-train").disabled = names.length < 2;
    const grid = q(".own-grid");
    grid.replaceChildren();
    if (!d?.images) return;
    const n = d.images.shape[0];
    for (let i = 0; i < n; i++) {
      const s = d.samples[i];
      const item = document.createElement("div");
      item.className = "own-item";
      item.setAttribute("role", "listitem");
      const cv = grayCanvas(d.images, i);
      const label = document.createElement("span");
      label.textContent = s.label;
      const rm = document.createElement("button");
      rm.type = "button";
      rm.textContent = "✕";
      rm.setAttribute("aria-label", `remove sample ${s.id} (${s.label})`);
      rm.addEventListener("click", async () => {
        try {
          await api.removeSample(store.get("sessionId"), s.id);
          await changed();
        } catch (err) {
          msg.textContent = err.message;
        }
      });
      item.append(cv, label, rm);
      grid.appendChild(item);
    }
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const label = form.elements.label.value.trim();
    const p = pad.pixels();
    if (p.empty) {
      msg.textContent = "Draw something on the pad first.";
      return;
    }
    try {
      await api.addSample(store.get("sessionId"), { pixels: pixelsField(p.pixels), width: p.width, height: p.height, label });
      msg.textContent = `Added a "${label}".`;
      pad.clear();
      await changed();
    } catch (err) {
      msg.textContent = `Not added: ${err.message}`;
    }
  });
  q(".own-zip").addEventListener("change", async (ev) => {
    const file = ev.target.files[0];
    ev.target.value = "";
    if (!file) return;
    msg.textContent = `Reading ${file.name}…`;
    try {
      const r = await api.uploadZip(store.get("sessionId"), file);
      const problems = r.problems?.length ? ` ${r.problems.length} skipped: ${r.problems.slice(0, 3).map((p) => `${p.file} (${p.message})`).join(", ")}${r.problems.length > 3 ? "…" : ""}` : "";
      msg.textContent = `Added ${r.added} images.${problems}`;
      await changed();
    } catch (err) {
      msg.textContent = `Upload refused: ${err.message}`;
    }
  });
  q(".own-train").addEventListener("click", () => {
    store.set("request", { type: "trainOwn", epochs: 1, at: performance.now() });
  });

  const offs = [
    store.subscribe(["ownData"], render),
    store.subscribe(["sessionId"], refresh),
  ];
  container.querySelector("details").addEventListener("toggle", refresh, { once: true });
  render();
  return viewHandle(container, refresh, offs);
}
