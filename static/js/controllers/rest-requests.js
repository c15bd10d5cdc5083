// The session controller's requests that change the session through REST (docs/frontend.md,
// "Requests"): apply a spec or settings, set parameters, switch to a new or imported session,
// train on the person's own data, read the state again. controllers/session.js carries out
// the ones of its socket (train, play, stop, rewind, send) and passes these here.

import { api } from "../api.js";
import { firstSampleInput } from "../lib/splits.js";

/**
 * Handlers by request type, `handler(req, id)` (id: the session's), given what they need of
 * the controller: its store and forward controller, applyState(state), create(spec,
 * settings), writeUrl(), openSocket(id) and feed(event) (the training controls).
 */
export function createRestRequests({ store, forward, applyState, create, writeUrl, openSocket, feed }) {
  return {
    async applySpec(req, id) {
      const state = await api.putSpec(id, req.spec, req.settings);
      applyState(state);
      store.set({ status: { level: "info", text: "New architecture applied: the weights start over." }, draftSpec: null });
      forward?.refresh();
    },
    async applySettings(req, id) {
      const state = await api.putSettings(id, req.settings);
      applyState(state);
      store.set("status", { level: "info", text: state.weights_reset ? "Settings applied: the weights start over." : "Settings applied: training continues from the current weights." });
      forward?.refresh();
    },
    async newSession(req) {
      const { training_problem: _p, ...settings } = req.settings ?? {};
      await create(req.spec, settings);
      store.set({ draftSpec: null, samples: null, input: firstSampleInput(store.get("session")?.dataset) });
      writeUrl();
      openSocket(store.get("sessionId"));
      store.set("status", { level: "info", text: "A new session with this network and its dataset." });
    },
    async importModel(req) {
      const state = await api.importModel(req.file);
      applyState(state);
      writeUrl();
      openSocket(state.id);
      store.set("status", { level: "info", text: `Imported ${req.file.name} into a new session.` });
      forward?.refresh();
    },
    async setParams(req, id) {
      const body = {};
      if (req.W) body.W = req.W;
      if (req.b) body.b = req.b;
      applyState(await api.putParams(id, req.layer, body));
      store.set("status", { level: "info", text: `${req.layer}: your values are set; the training history starts over from them.` });
      forward?.refresh();
    },
    async trainOwn(req, id) {
      // Switch to the own dataset, give the last dense layer one unit per class, train.
      let state = store.get("settings")?.dataset === "own" ? await api.getSession(id) : await api.putSettings(id, { dataset: "own" });
      const classes = state.class_names.length;
      const layers = state.spec.layers;
      const last = layers.map((l) => l.type).lastIndexOf("dense");
      const resized = last >= 0 && layers[last].units !== classes;
      if (resized) {
        const spec = { ...state.spec, layers: layers.map((l, i) => (i === last ? { ...l, units: classes } : l)) };
        state = await api.putSpec(id, spec);
        store.set("status", { level: "info", text: `${layers[last].name} now has ${classes} units, one per class (${state.class_names.join(", ")}); the weights start over.` });
      }
      applyState(state);
      // A changed network in use replaces whatever the editor was drafting, as Apply does.
      if (resized) store.set("draftSpec", null);
      if (state.training_problem) throw new Error(state.training_problem);
      forward?.refresh();
      feed({ type: "train", unit: "epochs", count: req.epochs ?? 1 });
    },
    async refreshState(_req, id) {
      applyState(await api.getSession(id));
      forward?.refresh(); // the class names (own samples) may have changed: the softmax's labels
    },
  };
}
