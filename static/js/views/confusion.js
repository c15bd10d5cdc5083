// Confusion matrix of the validation split (of train when validation is empty) (rows: true class, columns: predicted), as a table of
// buttons. Clicking a cell lists up to 12 of its samples, as the server predicts them with the
// current weights (GET .../confusion/samples); clicking one makes it the input.

import { api } from "../api.js";
import { clear, el } from "../ui/dom.js";
import { grayCanvas } from "../lib/gray.js";

export function createConfusion(container, store) {
  const box = el("div", { class: "confusion" });
  const cellInfo = el("div", { class: "confusion-cell", "aria-live": "polite" });
  const found = el("div", { class: "confusion-samples samples-strip", role: "group", "aria-label": "samples of the chosen cell" });
  container.replaceChildren(box, cellInfo, found);
  let search = 0;

  function thumb(images, i, label, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "sample";
    const cv = grayCanvas(images, i);
    const span = document.createElement("span");
    span.textContent = label;
    b.append(cv, span);
    b.addEventListener("click", onClick);
    return b;
  }

  async function findSamples(t, p) {
    const mine = ++search;
    const c = store.get("confusion");
    const names = c.class_names;
    const split = c.split ?? "val";
    found.replaceChildren();
    cellInfo.textContent = `Looking for samples of class ${names[t]} predicted as ${names[p]}…`;
    try {
      const reply = await api.confusionSamples(store.get("sessionId"), { true: t, predicted: p, split, count: 12 });
      if (mine !== search) return;
      reply.indices.forEach((index, i) => {
        found.appendChild(thumb(reply.images, i, `#${index}`, () =>
          store.set("input", { kind: "sample", split, index, label: names[t], t0: performance.now() })));
      });
      const want = c.matrix[t][p];
      const now = reply.total === want ? "" : ` (${reply.total} with the current weights)`;
      const words = { train: "training", val: "validation", test: "test" }[split] ?? split;
      cellInfo.textContent = `${want} ${words} sample${want === 1 ? "" : "s"} of class ${names[t]} predicted as ${names[p]} at the end of the epoch${now}; ${reply.indices.length} shown. Click one to use it as input.`;
    } catch (err) {
      if (mine === search) cellInfo.textContent = `Could not list them: ${err.message}`;
    }
  }

  function update() {
    const c = store.get("confusion");
    // another matrix (a new epoch, a rewind): the samples of a cell of the old one go
    search += 1;
    found.replaceChildren();
    cellInfo.textContent = "";
    if (!c) {
      box.replaceChildren();
      cellInfo.textContent = "";
      return;
    }
    const names = c.class_names;
    box.classList.toggle("long-names", names.some((name) => String(name).length > 3));
    let max = 1;
    for (const row of c.matrix) for (const v of row) max = Math.max(max, v);
    const head = names.map((n) => el("th", { scope: "col" }, n));
    const rows = c.matrix.map((row, t) => {
      const total = row.reduce((a, b) => a + b, 0);
      const cells = row.map((v, p) => {
        const a = v / max;
        const bg = t === p ? `rgba(33,102,172,${(0.1 + 0.9 * a).toFixed(2)})` : v ? `rgba(178,24,43,${(0.15 + 0.85 * a).toFixed(2)})` : "transparent";
        const fg = a > 0.5 ? "#fff" : "#1d2430";
        const b = el("button", { type: "button", "data-t": t, "data-p": p, "aria-label": `true ${names[t]}, predicted ${names[p]}: ${v} of ${total}` }, v || "");
        b.style.background = bg;
        b.style.color = fg;
        return el("td", {}, b);
      });
      return el("tr", {}, el("th", { scope: "row" }, names[t]), ...cells);
    });
    clear(box);
    box.append(
      el("p", { class: "confusion-title", id: "confusion-title" }, `Confusion matrix (${c.split ?? "val"}): rows true class, columns predicted`),
      el("table", { "aria-labelledby": "confusion-title" }, el("thead", {}, el("tr", {}, el("th"), ...head)), el("tbody", {}, ...rows)),
    );
  }

  box.addEventListener("click", (ev) => {
    const b = ev.target.closest("button[data-t]");
    if (!b) return;
    const c = store.get("confusion");
    const t = Number(b.dataset.t);
    const p = Number(b.dataset.p);
    const n = c.matrix[t][p];
    cellInfo.textContent = `${n} ${c.split === "train" ? "training" : "validation"} sample${n === 1 ? "" : "s"} of class ${c.class_names[t]} predicted as ${c.class_names[p]}.`;
    box.querySelectorAll("button.chosen").forEach((x) => x.classList.remove("chosen"));
    b.classList.add("chosen");
    if (n > 0) findSamples(t, p);
    else found.replaceChildren();
  });

  const off = store.subscribe(["confusion"], update);
  update();
  return { update, destroy: () => { off(); container.replaceChildren(); } };
}
