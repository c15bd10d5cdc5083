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

const tabBar = document.getElementById("lab-tabs");
tabBar.addEventListener("click", (event) => {
  const button = event.target.closest("[data-tab]");
  if (button) show(button.dataset.tab);
});
// Keyboard (the WAI-ARIA tabs pattern): only the open tab is in the Tab order; the arrow keys,
// Home and End move to another tab and open it.
tabBar.addEventListener("keydown", (event) => {
  const button = event.target.closest("[data-tab]");
  const names = Object.keys(TABS);
  const i = button ? names.indexOf(button.dataset.tab) : -1;
  const moves = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: names.length - 1 };
  if (i < 0 || !(event.key in moves)) return;
  event.preventDefault();
  const name = names[(moves[event.key] + names.length) % names.length];
  show(name);
  document.getElementById(`tab-${name}`).focus();
});

window.nnplayLab = { mounted };
show(readParam("tab"));
