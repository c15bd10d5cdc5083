// The session: find or create it (URL first), keep the store in step with the server, run the
// WebSocket, carry out store.request from the views, write the URL. No drawing here.

import { ApiError, api, createSocket } from "../api.js";
import { DEFAULT_PRESET, DEFAULT_SETTINGS, PRESETS } from "../lib/presets.js";
import { firstSampleInput } from "../lib/splits.js";
import { capLosses } from "../lib/rewind.js";

export function createSessionController(store, { forward, autoTrain = true } = {}) {
  let socket = null;
  let offSocket = null;
  let queued = []; // WebSocket messages waiting for the next animation frame
  let frame = 0;
  let commandStarted = 0;
  let playing = false;
  let lastRefresh = 0;

  // Keep the store's object when the server sent an equal one, so that views subscribed to
  // it do not rebuild for nothing (a state arrives after every command).
  function same(key, value) {
    const old = store.get(key);
    if (old === value) return old;
    if (old && value && typeof old === "object" && JSON.stringify(old) === JSON.stringify(value)) return old;
    return value;
  }

  function applyState(state) {
    const { history, batch_losses: batchLosses, confusion, layers, ...rest } = state;
    const losses = batchLosses ?? [];
    const oldLosses = store.get("batchLosses");
    const sameLosses = oldLosses.length === losses.length && oldLosses.every((v, i) => v === losses[i]);
    store.set({
      session: rest,
      sessionId: state.id,
      spec: same("spec", state.spec),
      settings: same("settings", state.settings),
      shapes: same("shapes", layers),
      classNames: same("classNames", state.class_names),
      history: same("history", history ?? []),
      batchLosses: sameLosses ? oldLosses : losses,
      batchLossesFrom: state.batch_losses_from ?? 0,
      epoch: state.epoch,
      confusion: same("confusion", confusion ?? null),
      diverged: same("diverged", state.diverged ?? null),
      training: Boolean(state.training),
    });
  }

  function writeUrl() {
    const q = store.toQuery();
    const url = `${location.pathname}?${q}`;
    if (`${location.pathname}${location.search}` !== url) history.replaceState(null, "", url);
  }

  // Apply streamed messages at most once per frame, so a fast stream never floods the page.
  function flush() {
    frame = 0;
    const msgs = queued;
    queued = [];
    let progress = null;
    let losses = null;
    const patch = {};
    for (const m of msgs) {
      if (m.type === "progress") {
        progress = m;
        patch.training = true;
        losses ??= store.get("batchLosses").slice();
        losses.push(m.loss);
      } else if (m.type === "epoch_end") {
        const h = (patch.history ?? store.get("history")).filter((e) => e.epoch !== m.epoch);
        const { type, confusion, seq, stuck, ...record } = m; // the epoch's record, as the server keeps it in history
        h.push(record);
        patch.history = h;
        patch.epoch = m.epoch;
        patch.stuck = m.stuck ?? null;
        if (m.confusion) patch.confusion = m.confusion;
        forward?.refresh();
      } else if (m.type === "diverged") {
        patch.diverged = m;
      } else if (m.type === "done") {
        if (m.cmd === "train" || m.cmd === "rewind") {
          if (m.state) {
            applyState(m.state);
            losses = null;
          }
          patch.training = false;
          patch.progress = null;
          patch.playing = false;
          playing = false;
          forward?.refresh();
        }
      } else if (m.type === "state") {
        applyState(m.state);
        losses = null;
      } else if (m.type === "error") {
        patch.status = { level: "error", text: m.message };
        if (m.field !== "session") patch.training = store.get("training");
      }
    }
    if (losses) {
      const capped = capLosses(losses, patch.batchLossesFrom ?? store.get("batchLossesFrom"));
      patch.batchLosses = capped.losses;
      patch.batchLossesFrom = capped.from;
    }
    if (progress) {
      const now = performance.now();
      patch.progress = { ...progress, started: commandStarted, now };
      // Let the maps follow the weights while training, about once a second.
      if (now - lastRefresh > 1000) {
        lastRefresh = now;
        forward?.refresh();
      }
    }
    store.set(patch);
    store.set("lastEvent", msgs[msgs.length - 1]);
  }

  function onMessage(m) {
    if (m.type === "tensor" || m.type === "trace") {
      store.set("lastEvent", m); // issue-7 views listen to traces; the page does not draw them
      return;
    }
    queued.push(m);
    if (!frame) frame = requestAnimationFrame(flush);
  }

  function openSocket(id) {
    offSocket?.();
    socket?.close();
    socket = createSocket(id, { onMessage, onState: (s) => store.set("connection", s) });
  }

  async function create(spec, settings) {
    const state = await api.createSession({ spec, settings: { ...settings, probe_rate: 0 } });
    applyState(state);
    return state;
  }

  async function start(search) {
    let fromUrl = {};
    try {
      fromUrl = store.fromQuery(search);
    } catch (err) {
      store.set("status", { level: "error", text: `Ignored part of the link: ${err.message}` });
    }
    let fresh = false;
    if (fromUrl.sessionId) {
      try {
        applyState(await api.getSession(fromUrl.sessionId));
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 404)) throw err;
        store.set("status", { level: "info", text: "That session has expired: a new one was made from the link's architecture and settings." });
        store.set("sessionId", null);
      }
    }
    if (!store.get("sessionId")) {
      const preset = PRESETS[DEFAULT_PRESET];
      const spec = fromUrl.spec ?? preset.spec;
      const settings = { ...DEFAULT_SETTINGS, ...(fromUrl.settings ?? {}) };
      await create(spec, settings);
      fresh = !fromUrl.spec && !fromUrl.settings;
    }
    writeUrl();
    openSocket(store.get("sessionId"));
    // Something to look at before the first stroke: the first validation example.
    if (!store.get("input")) store.set("input", firstSampleInput(store.get("session")?.dataset));
    // A first-time visitor gets one quick epoch of the default network trained right away,
    // so that the first stroke already meets a network that reads digits.
    if (fresh && autoTrain && store.get("epoch") === 0) train("epochs", 1);
  }

  function train(unit, count) {
    if (!socket) return;
    commandStarted = performance.now();
    store.set({ training: true, diverged: null, stuck: null, status: null, progress: { unit, batch: 0, batches: store.get("session")?.batches_per_epoch ?? 0, started: commandStarted, now: commandStarted } });
    socket.send({ cmd: "train", unit, count });
  }

  async function handle(req) {
    const id = store.get("sessionId");
    try {
      switch (req.type) {
        case "train":
          playing = false;
          train(req.unit, req.count);
          break;
        case "play":
          playing = true;
          store.set("playing", true);
          train("epochs", 100);
          break;
        case "stop":
          playing = false;
          store.set("playing", false);
          socket?.send({ cmd: "stop" });
          break;
        case "rewind":
          socket?.send({ cmd: "rewind", epoch: req.epoch });
          store.set("training", true);
          break;
        case "applySpec": {
          const state = await api.putSpec(id, req.spec);
          applyState(state);
          store.set({ status: { level: "info", text: "New architecture applied: the weights start over." }, draftSpec: null });
          forward?.refresh();
          break;
        }
        case "applySettings": {
          const state = await api.putSettings(id, req.settings);
          applyState(state);
          store.set("status", { level: "info", text: state.weights_reset ? "Settings applied: the weights start over." : "Settings applied: training continues from the current weights." });
          forward?.refresh();
          break;
        }
        case "newSession": {
          const { training_problem: _p, ...settings } = req.settings ?? {};
          await create(req.spec, settings);
          store.set({ draftSpec: null, samples: null, input: firstSampleInput(store.get("session")?.dataset) });
          writeUrl();
          openSocket(store.get("sessionId"));
          store.set("status", { level: "info", text: "A new session with this network and its dataset." });
          break;
        }
        case "importModel": {
          const state = await api.importModel(req.file);
          applyState(state);
          writeUrl();
          openSocket(state.id);
          store.set("status", { level: "info", text: `Imported ${req.file.name} into a new session.` });
          forward?.refresh();
          break;
        }
        case "setParams": {
          const body = {};
          if (req.W) body.W = req.W;
          if (req.b) body.b = req.b;
          applyState(await api.putParams(id, req.layer, body));
          store.set("status", { level: "info", text: `${req.layer}: your values are set; the training history starts over from them.` });
          forward?.refresh();
          break;
        }
        case "trainOwn": {
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
          train("epochs", req.epochs ?? 1);
          break;
        }
        case "refreshState":
          applyState(await api.getSession(id));
          break;
        default:
          throw new Error(`unknown request ${req.type}`);
      }
    } catch (err) {
      store.set("status", { level: "error", text: err.message });
      if (req.reject) req.reject(err);
      return;
    }
    req.resolve?.();
  }

  const offs = [
    store.subscribe(["request"], (_, s) => s.request && handle(s.request)),
    store.subscribe(["sessionId", "spec", "settings"], writeUrl),
  ];

  return {
    start,
    get playing() {
      return playing;
    },
    destroy() {
      offs.forEach((f) => f());
      socket?.close();
    },
  };
}
