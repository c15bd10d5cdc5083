// A strip of dataset samples (validation split of the session's dataset, or train when it
// has none) with true labels. Clicking one makes it the input.

import { api } from "../api.js";
import { grayCanvas } from "../lib/gray.js";
import { showcaseSplit } from "../lib/splits.js";
import { el } from "../ui/dom.js";

export function createSamples(container, store) {
  const strip = el("div", { class: "samples-strip", role: "group", "aria-label": "dataset samples with their true labels" });
  container.replaceChildren(el("h3", { class: "sub-title" }, "Or pick a sample ",
    el("button", { type: "button", class: "link samples-more", "aria-label": "show other samples" }, "other samples")), strip);
  let offset = 0;
  let loadedFor = null;

  async function load() {
    const id = store.get("sessionId");
    const split = showcaseSplit(store.get("session")?.dataset);
    if (!id) return;
    if (!split) {
      store.set("samples", null);
      const empty = document.createElement("p");
      empty.className = "hint";
      empty.style.gridColumn = "1 / -1"; // across the strip's grid, not squeezed into one cell
      empty.textContent = "No samples yet: this dataset is empty.";
      strip.replaceChildren(empty);
      return;
    }
    try {
      const r = await api.sessionSamples(id, { split, count: 12, offset });
      store.set("samples", r);
    } catch (err) {
      strip.textContent = `No samples: ${err.message}`;
    }
  }
  container.querySelector(".samples-more").addEventListener("click", () => {
    const total = store.get("samples")?.total ?? 12;
    offset = (offset + 12) % Math.max(12, total);
    load();
  });

  function render() {
    const r = store.get("samples");
    strip.replaceChildren();
    if (!r) return;
    const n = r.images.shape[0];
    strip.classList.toggle("long-labels", r.class_names.some((name) => String(name).length > 5));
    for (let i = 0; i < n; i++) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "sample";
      const label = r.class_names[r.labels[i]];
      b.setAttribute("aria-label", `sample ${r.indices[i]}, true label ${label}`);
      const cv = grayCanvas(r.images, i);
      const span = document.createElement("span");
      span.textContent = label;
      b.append(cv, span);
      b.addEventListener("click", () => {
        strip.querySelectorAll(".sample").forEach((x) => x.classList.remove("chosen"));
        b.classList.add("chosen");
        store.set("input", { kind: "sample", split: r.split, index: r.indices[i], label, t0: performance.now() });
      });
      strip.appendChild(b);
    }
  }

  const off1 = store.subscribe(["samples"], render);
  const off2 = store.subscribe(["sessionId", "settings", "session"], (_, s) => {
    const ds = s.session?.dataset;
    const key = `${s.sessionId}|${s.settings?.dataset}|${JSON.stringify(s.settings?.split)}|${s.settings?.seed}|${showcaseSplit(ds)}|${ds?.[showcaseSplit(ds)]}`;
    if (key !== loadedFor) {
      loadedFor = key;
      offset = 0;
      load();
    }
  });
  return {
    update: load,
    destroy() {
      off1();
      off2();
      container.replaceChildren();
    },
  };
}
