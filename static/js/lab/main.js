// Entry point of the lab page: the tab bar and the three views. No logic of its own.
//
// URL state: `tab` (neuron | net221 | plane) belongs to this file; each view owns its own
// query keys (by-hand views: prefixes `n.` and `h.`; the 2-D data view: unprefixed keys)
// and must leave the others alone when it rewrites the URL (use lab/url.js).

import { mountNeuron } from "./byhand/neuron.js";
import { mountNet221 } from "./byhand/net221.js";
import { mountPlane } from "./plane/plane.js";
import { readParam, writeParams } from "./url.js";

const TABS = { neuron: mountNeuron, net221: mountNet221, plane: mountPlane };
const mounted = {};

function show(tab) {
  const name = TABS[tab] ? tab : "neuron";
  for (const key of Object.keys(TABS)) {
    const panel = document.getElementById(`lab-${key}`);
    const button = document.getElementById(`tab-${key}`);
    const active = key === name;
    panel.hidden = !active;
    button.setAttribute("aria-selected", String(active));
    button.tabIndex = active ? 0 : -1;
    if (active && !mounted[key]) mounted[key] = TABS[key](panel);
    if (mounted[key]?.setActive) mounted[key].setActive(active);
  }
  writeParams({ tab: name });
}

document.getElementById("lab-tabs").addEventListener("click", (event) => {
  const button = event.target.closest("[data-tab]");
  if (button) show(button.dataset.tab);
});

window.nnplayLab = { mounted };
show(readParam("tab"));
