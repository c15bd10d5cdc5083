// The lab's "2-D data and its decision boundary" view (tab 3 of /lab): wiring only. The session
// is an ordinary one (docs/protocol.md, "The lab: 2-D data") run by the playground's own
// session controller and store (one WebSocket for the page); what this view adds is listening
// for grids and weights on that socket and the views below. Documented in docs/frontend.md.

import { api } from "../../api.js";
import { createSessionController } from "../../controllers/session.js";
import { SCHEMA, createStore } from "../../store.js";
import { PLANAR_PARAMS, SETTING_PARAMS } from "../../lib/urlstate.js";
import { writeParams } from "../url.js";
import { sendCommand } from "../../lib/send.js";
import { buildSpec, readSpec } from "./setup.js";
import { createGridCollector, createWeightCollector } from "./wire.js";
import { el, ensureStylesheet } from "../../ui/dom.js";
import { createPlaneControls } from "./controls.js";
import { createNetworkView } from "./network-view.js";
import { createOutputView } from "./output-view.js";
import { createLossView } from "./loss-view.js";
import { createGradView } from "./grad-view.js";
import { createCompare } from "./compare.js";
import { createStuckNote } from "./stuck-view.js";
import { withoutRefused, withoutUnreadable } from "./link.js";

/** Grid size (cells a side) asked for: every neuron's map and the output. */
export const GRID_SIZE = 48;
// epochs one Play command trains: the server's most per command, so Play runs until paused
export const PLAY_COMMAND_EPOCHS = 10_000;
const PROBE_RATE = 20; // weight updates a second while training (the lines)

/** The view's own store keys, beside the playground's schema. */
export const PLANE_SCHEMA = {
  ...SCHEMA,
  planar: { initial: null }, // GET .../planar: the points, their extent, the task
  grid: { initial: null }, // the newest complete grid (wire.js createGridCollector)
  weights: { initial: null }, // {dense1: {W, shape, b}, ...} at the newest trace/probe
  gradSizes: { initial: null }, // the last progress message's grad_sizes
  focus: { initial: null }, // {layer, unit} of the hovered neuron, or null
  pointer: { initial: null }, // {x1, x2}: the plane point under the pointer on the output map, or null
  editPoints: { initial: null }, // the user's points while a drag is under way (not yet sent)
  pendingEdit: { initial: null }, // {t0, seq, dense, value}: a typed weight waiting for its grid
  evaluation: { initial: null }, // {train, val} evaluate replies at the current weights
  planeUi: { initial: { showTest: true, discrete: false, tool: "add1" } },
};

// The server's lab defaults (server/schemas/settings.py LAB_SETTINGS), on the circle.
export const DEFAULT_SETTINGS = {
  dataset: "planar",
  planar: { set: "circle", noise: 0, train_ratio: 0.6, count: 500, features: ["x1", "x2"], points: null },
  optimizer: "adam",
  lr: 0.02,
  momentum: 0.9,
  batch_size: 8,
  weight_decay: 0,
  l1: 0,
  loss: "bce",
  seed: 0,
};
export const DEFAULT_SPEC = buildSpec({ features: 2, hidden: [{ units: 4, activation: "tanh" }, { units: 2, activation: "tanh" }], classes: 2 });

// Every query key the store's state can write (lib/urlstate.js); the by-hand views' keys and
// `tab` are left alone.
const STORE_KEYS = ["s", "in", "arch", ...Object.values(SETTING_PARAMS), ...Object.values(PLANAR_PARAMS), "l1"];

function writeQuery(query) {
  const found = new URLSearchParams(query);
  const values = {};
  for (const key of STORE_KEYS) values[key] = found.get(key);
  writeParams(values);
}

/** Draw the view into `panel` (a <section>); returns {setActive(active)}. */
export function mountPlane(panel) {
  const store = createStore(PLANE_SCHEMA);
  const root = el("div", { class: "plane", "data-state": "loading" });
  panel.replaceChildren(
    el("h2", {}, "2-D data and its decision boundary"),
    el("p", { class: "hint plane-intro" },
      "Every neuron is drawn as a map of its output over the plane; every weight as a line (width: its size; red positive, blue negative). "
      + "Hover for numbers (on a touch screen: pick the read tool, then tap the plane), click a line or a neuron to type a weight or bias, click the plane to add points."),
    root);

  let received = 0;
  const grids = createGridCollector((grid) => {
    received += 1;
    root.dataset.grids = String(received); // grids received (bench/lab_page_perf.py)
    store.set("grid", grid);
  });
  const weights = createWeightCollector((w) => store.set("weights", { ...(store.get("weights") ?? {}), ...w }));
  const controller = createSessionController(store, {
    autoTrain: false,
    defaults: { spec: DEFAULT_SPEC, settings: DEFAULT_SETTINGS },
    writeQuery,
    trainOptions: () => ({ grid: GRID_SIZE }),
    playEpochs: PLAY_COMMAND_EPOCHS,
    onMessage(m) {
      if (grids.accept(m)) return;
      if (weights.accept(m)) return;
      if (m.type === "progress" && m.grad_sizes) store.set("gradSizes", m.grad_sizes);
      if (m.type === "done" && m.cmd === "rewind") afterCommand();
      if (m.type === "done" && m.cmd === "train") {
        // Play goes on until paused (the controller's play is 100 epochs a command)
        if (m.reason === "completed" && store.get("playing")) resumePlay = true;
        else afterTrain(); // (playing on: the probes keep the lines current)
      }
    },
  });

  // -- asking the server -----------------------------------------------------------------
  const send = (cmd) => sendCommand(store, cmd);
  const denseNames = () => (readSpec(store.get("spec"))?.hidden.map((h) => h.dense) ?? []).concat(readSpec(store.get("spec"))?.output.dense ?? []);
  function probeSample() {
    const ds = store.get("session")?.dataset;
    return (ds?.train ?? 0) > 0 ? { split: "train", index: 0 } : { split: "val", index: 0 };
  }
  /**
   * A grid and the weights at the current weights (after any change that did not train);
   * resolves with the grid command's seq.
   */
  async function refreshPlane({ weights = true } = {}) {
    if (store.get("settings")?.dataset !== "planar") return null;
    const seq = await send({ cmd: "grid", size: GRID_SIZE });
    if (weights) await send({ cmd: "trace", sample: probeSample(), layers: denseNames(), kinds: ["W", "b"], dtype: "float32" });
    // the numbers once the grid is in: the evaluation must not hold up the boundary
    const off = store.subscribe(["grid"], () => {
      if (store.get("grid")?.seq !== seq) return;
      off();
      evaluate();
    });
    return seq;
  }
  async function setProbe() {
    if (store.get("settings")?.dataset !== "planar" || !store.get("spec")) return;
    await send({ cmd: "set_probe_rate", per_second: PROBE_RATE, sample: probeSample(), layers: denseNames(), kinds: ["W", "b"], dtype: "float32" });
  }
  let evalToken = 0;
  async function evaluate() {
    const id = store.get("sessionId");
    const token = ++evalToken;
    try {
      const [train, val] = await Promise.all([api.evaluate(id, "train"), api.evaluate(id, "val").catch(() => null)]);
      if (token === evalToken) store.set("evaluation", { train, val, step: store.get("session")?.step });
    } catch {
      /* shown elsewhere: the status line reports failed commands */
    }
  }
  async function loadPoints() {
    if (!store.get("session") || store.get("settings")?.dataset !== "planar") return;
    try {
      store.set("planar", await api.planar(store.get("sessionId")));
    } catch (err) {
      store.set("status", { level: "error", text: err.message });
    }
  }
  function afterCommand() {
    // the weights moved without a grid (a rewind): draw them again
    refreshPlane().catch(() => {});
  }
  function afterTrain() {
    // a train ends with its own closing grid; the lines and the numbers need the weights
    send({ cmd: "trace", sample: probeSample(), layers: denseNames(), kinds: ["W", "b"], dtype: "float32" }).catch(() => {});
    evaluate();
  }

  // -- what changes what -------------------------------------------------------------------
  let resumePlay = false;
  store.subscribe(["training"], () => {
    if (store.get("training") || !resumePlay) return;
    resumePlay = false;
    // after the controller has finished applying the `done` (it sets playing off last)
    queueMicrotask(() => store.set("request", { type: "play", at: performance.now() }));
  });
  let lastData = "";
  store.subscribe(["settings", "sessionId", "session"], () => {
    const s = store.get("settings");
    const key = JSON.stringify([store.get("sessionId"), s?.planar, s?.seed, Boolean(store.get("session"))]);
    if (key !== lastData) {
      lastData = key;
      loadPoints();
    }
  });
  let lastSpec = "";
  let lastStructure = "";
  store.subscribe(["spec", "settings", "sessionId", "connection"], () => {
    const key = JSON.stringify([store.get("sessionId"), store.get("spec"), store.get("settings"), store.get("connection")]);
    if (key === lastSpec || store.get("connection") !== "open") return;
    // another network: the old weights must not be drawn or edited in the new one's lines
    const structure = JSON.stringify([store.get("sessionId"), store.get("spec")]);
    if (structure !== lastStructure && lastStructure !== "") store.set("weights", null);
    lastStructure = structure;
    lastSpec = key;
    setProbe().then(refreshPlane).catch(() => {});
  });

  // -- layout -----------------------------------------------------------------------------
  const bar = el("div", { class: "plane-bar" });
  const dataCol = el("div", { class: "plane-data", role: "region", "aria-label": "Data" });
  const netCol = el("div", { class: "plane-net", role: "region", "aria-label": "The network" });
  const outCol = el("div", { class: "plane-out", role: "region", "aria-label": "Output" });
  const statsCol = el("div", { class: "plane-stats", role: "region", "aria-label": "Loss and gradients" });
  const extras = el("div", { class: "plane-extras" });
  const status = el("p", { class: "plane-status", role: "status", "aria-live": "polite" });
  root.append(bar, status, el("div", { class: "plane-grid" }, dataCol, netCol, outCol, statsCol), extras);
  store.subscribe(["diverged"], () => {
    const d = store.get("diverged");
    if (d) store.set("status", { level: "error", text: `${d.message} Lower the learning rate, or rewind.` });
  });
  store.subscribe(["status"], () => {
    const s = store.get("status");
    status.textContent = s ? s.text : "";
    status.dataset.level = s ? s.level : "";
  });

  const views = [];
  const ready = startFrom(controller, store, location.search).then(() => {
    views.push(
      createPlaneControls({ bar, data: dataCol }, store),
      createStuckNote(bar, store),
      createNetworkView(netCol, store, { refreshPlane }),
      createOutputView(outCol, store),
      createLossView(statsCol.appendChild(el("div", { class: "plane-loss" })), store),
      createGradView(statsCol.appendChild(el("div", { class: "plane-grads" })), store),
      createCompare(extras, store),
    );
    mountLandscape(extras, store);
    root.dataset.state = "ready";
    const dataset = store.get("settings")?.dataset;
    if (dataset !== "planar") {
      store.set("status", { level: "error", text: `This link's session trains on ${dataset} images, not on 2-D points: open /lab?tab=plane without it for a 2-D session.` });
    }
  }, (err) => {
    root.dataset.state = "error";
    store.set("status", { level: "error", text: `Could not start a session: ${err.message}` });
  });

  window.nnplayLab = { ...(window.nnplayLab ?? {}), plane: { store, ready, refreshPlane, send } };
  return { setActive() {}, store };
}

// The session from the link; a value the server refuses (a hand-edited `lr=1e308`) is left out
// and named in the status line, so that one bad number does not leave the view without a session.
async function startFrom(controller, store, search) {
  const readable = withoutUnreadable(search); // `lr=abc` alone, not the whole link
  const dropped = [...readable.dropped];
  search = readable.search;
  for (;;) {
    try {
      await controller.start(search);
      break;
    } catch (err) {
      const next = dropped.length < 10 ? withoutRefused(search, err.field) : null;
      if (!next) throw err;
      dropped.push(`${next.dropped.join(" ")} (${err.message})`);
      search = next.search;
    }
  }
  if (dropped.length) {
    store.set("status", { level: "error", text: `Ignored part of the link, the default used instead: ${dropped.join("; ")}` });
  }
}

// The loss surface (landscape/landscape.js, the playground's own panel), made when first opened
// and recomputed after each epoch only while the network is not training.
function mountLandscape(container, store) {
  const details = el("details", { class: "plane-landscape" }, el("summary", {}, "Loss surface"));
  container.append(details);
  let view = null;
  details.addEventListener("toggle", async () => {
    if (!details.open || view) return;
    ensureStylesheet(); // the panel's own rules (static/css/detail.css)
    const { createLandscape } = await import("../../landscape/landscape.js");
    // the surface's data are this view's held-out points, which it calls "test"
    view = createLandscape(details, store, { evalNoun: "test points" });
  });
  store.subscribe(["epoch", "training", "sessionId"], (changed) => {
    if (!view || store.get("training")) return;
    view.update(new Set(changed.has("sessionId") ? ["sessionId", "epoch"] : ["epoch"]));
  });
}
