// Entry point: builds the store, the controllers and the views, and wires them. No logic.

import { layerTypesError } from "./lib/layer-types.js";
import { createSessionController } from "./controllers/session.js";
import { createForwardController } from "./controllers/forward.js";
import { createDeadController } from "./controllers/dead.js";
import { createShortcuts } from "./controllers/shortcuts.js";
import { createStore } from "./store.js";
import { createBanner } from "./views/banner.js";
import { createCharts } from "./views/charts.js";
import { createConfusion } from "./views/confusion.js";
import { createEditor } from "./views/editor.js";
import { createFilters } from "./views/filters.js";
import { createHelp } from "./views/help.js";
import { createLegend } from "./views/legend.js";
import { createNetwork } from "./views/network.js";
import { createOwnData } from "./views/owndata.js";
import { createPad } from "./views/pad.js";
import { createSamples } from "./views/samples.js";
import { createSeen } from "./views/seen.js";
import { createTopbar } from "./views/topbar.js";
import { createTraining } from "./views/training.js";
import { createValues } from "./views/values.js";
import { keepFocusInPlace } from "./ui/keep-in-place.js";

const $ = (id) => document.getElementById(id);
const app = $("app");

// The layer types (GET /api/layers) are loaded by lib/layer-types.js on import, before any
// module here reads a spec (the URL, the editor and the detail panel all ask it).
if (layerTypesError()) {
  app.dataset.state = "error";
  $("banner").textContent = `Could not load the layer types: ${layerTypesError().message}`;
  throw layerTypesError();
}
const store = createStore();
window.nnplay = { store }; // for the browser tests and for curious users in the console

const forward = createForwardController(store);
const session = createSessionController(store, {
  forward,
  autoTrain: new URLSearchParams(location.search).get("autotrain") !== "0",
});
createDeadController(store);
const pad = createPad($("pad"), store);
createValues($("values"), store);
createSeen($("seen"), store);
createSamples($("samples"), store);
createOwnData($("own-data"), store, pad);
createNetwork($("network"), store);
createLegend($("legend"), store);
createEditor($("editor"), store);
createFilters($("filters"), store);
createTraining($("training"), store);
createCharts($("charts"), store);
createConfusion($("confusion"), store);
createBanner($("banner"), store);
const help = createHelp($("help"), store);
createTopbar($("topbar"), store).onHelp(() => help.toggle());
createShortcuts(store, pad, help);

// The detail panel (layer details, training-step film, loss surface) fills
// #detail-panel when its module is there; until then a tile click only records store.detail.
// Shown before it is filled: a detail picked while the module loaded scrolls into view as it opens.
// Otherwise the panel, shown above the training column on a phone, leaves the element the person
// is using where it was on the screen.
import("./detail/panel.js")
  .then((m) => {
    const show = () => {
      $("detail-panel").hidden = false;
      m.createDetailPanel($("detail-panel"), store);
    };
    if (store.get("detail")) show();
    else keepFocusInPlace(show);
  })
  .catch((err) => console.warn("detail panel not available:", err.message));

session
  .start(location.search)
  .then(() => {
    app.dataset.state = "ready";
  })
  .catch((err) => {
    app.dataset.state = "error";
    store.set("status", { level: "error", text: `Could not start a session: ${err.message}` });
  });
