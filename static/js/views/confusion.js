// Confusion matrix of the validation split (rows: true class, columns: predicted), as a table of
// buttons; clicking a cell shows those samples when the server can list them.

export function createConfusion(container, store) {
  container.innerHTML = `<div class="confusion"></div><div class="confusion-cell" aria-live="polite"></div>`;
  const box = container.querySelector(".confusion");
  const cellInfo = container.querySelector(".confusion-cell");

  function update() {
    const c = store.get("confusion");
    if (!c) {
      box.innerHTML = "";
      cellInfo.textContent = "";
      return;
    }
    const names = c.class_names;
    let max = 1;
    for (const row of c.matrix) for (const v of row) max = Math.max(max, v);
    const head = names.map((n) => `<th scope="col">${n}</th>`).join("");
    const rows = c.matrix
      .map((row, t) => {
        const total = row.reduce((a, b) => a + b, 0);
        const cells = row
          .map((v, p) => {
            const a = v / max;
            const bg = t === p ? `rgba(33,102,172,${(0.1 + 0.9 * a).toFixed(2)})` : v ? `rgba(178,24,43,${(0.15 + 0.85 * a).toFixed(2)})` : "transparent";
            const fg = a > 0.5 ? "#fff" : "#1d2430";
            return `<td><button type="button" data-t="${t}" data-p="${p}" style="background:${bg};color:${fg}" aria-label="true ${names[t]}, predicted ${names[p]}: ${v} of ${total}">${v || ""}</button></td>`;
          })
          .join("");
        return `<tr><th scope="row">${names[t]}</th>${cells}</tr>`;
      })
      .join("");
    box.innerHTML = `<p class="confusion-title" id="confusion-title">Confusion matrix (${c.split ?? "val"}): rows true class, columns predicted</p><table aria-labelledby="confusion-title"><thead><tr><th></th>${head}</tr></thead><tbody>${rows}</tbody></table>`;
  }

  box.addEventListener("click", (ev) => {
    const b = ev.target.closest("button[data-t]");
    if (!b) return;
    const c = store.get("confusion");
    const t = Number(b.dataset.t);
    const p = Number(b.dataset.p);
    const n = c.matrix[t][p];
    cellInfo.textContent = `${n} validation sample${n === 1 ? "" : "s"} of class ${c.class_names[t]} predicted as ${c.class_names[p]}.`;
    store.set("request", { type: "confusionCell", trueClass: t, predicted: p, at: performance.now() });
  });

  const off = store.subscribe(["confusion"], update);
  update();
  return { update, destroy: () => { off(); container.innerHTML = ""; } };
}
