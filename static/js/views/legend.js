// The shared colour legend and the per-layer / per-map normalisation switch.

import { legendGradient } from "../lib/colors.js";

export function createLegend(container, store) {
  container.innerHTML = `
    <div class="legend" role="group" aria-label="Colour scale">
      <span class="legend-end">negative</span>
      <span class="legend-bar" role="img"
        aria-label="diverging colour scale: blue is negative, white is zero, red is positive"></span>
      <span class="legend-end">positive</span>
      <span class="legend-ticks" aria-hidden="true"><span>−max</span><span>0</span><span>+max</span></span>
      <fieldset class="seg legend-norm">
        <legend>Scale each</legend>
        <label><input type="radio" name="norm" value="layer"> layer</label>
        <label><input type="radio" name="norm" value="map"> map</label>
      </fieldset>
    </div>`;
  container.querySelector(".legend-bar").style.background = legendGradient(); // CSSOM: CSP allows it
  const radios = container.querySelectorAll("input[name=norm]");
  radios.forEach((r) => r.addEventListener("change", () => store.set("normalization", r.value)));
  function update() {
    radios.forEach((r) => (r.checked = r.value === store.get("normalization")));
  }
  const off = store.subscribe(["normalization"], update);
  update();
  return { update, destroy: () => { off(); container.replaceChildren(); } };
}
