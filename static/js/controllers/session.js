// The session: find or create it (URL first), keep the store in step with the server, run the
// WebSocket, carry out store.request from the views, write the URL. No drawing here.

import { ApiError, api, createSocket } from "../api.js";
import { DEFAULT_PRESET, DEFAULT_SETTINGS, PRESETS } from "../lib/presets.js";
import { firstSampleInput } from "../lib/splits.js";
import { IDLE, controls, trainEvent } from "../lib/train-machine.js";
import { createEpochClock } from "../lib/epoch-clock.js";
import { capLosses } from "../lib/rewind.js";
import { createRestRequests } from "./rest-requests.js";
import { createDrawScheduler } from "../lib/draw-scheduler.js";

// Streamed messages are applied together, at an animation frame and at most this often (ms):
// a step arrives every few ms while an epoch streams, and each application re-lays out the
// progress text and bar; 20 a second looks as live and costs a third of 60.
export const STREAM_INTERVAL = 50;

/**
 * Options (all optional): `forward` (controllers/forward.js), `autoTrain` (a first visit trains
 * one epoch), and for other pages on the same protocol (the lab): `defaults` ({spec,
 * settings} used when the link has no architecture), `writeQuery(query)` (writes the store's
 * query into the URL; default: replaces the whole query), `onMessage(m)` (sees every WebSocket
 * message as it arrives, binary frames included), `trainOptions()` (extra fields for every
 * `train` command, e.g. `{grid: 48}`), `playEpochs` (epochs one Play command trains; default
 * lib/train-machine.js's PLAY_EPOCHS).
 */
export function createSessionController(store, options = {}) {
  const { forward, autoTrain = true, defaults = null, writeQuery = null, onMessage: tap = null, trainOptions = null, playEpochs } = options;
  let socket = null;
  let queued = []; // WebSocket messages waiting for the next animation frame
  let commandStarted = 0;
  const clock = createEpochClock(); // time left counts from this command's and epoch's first step
  let lastRefresh = 0;
  let machine = IDLE; // the training controls (lib/train-machine.js), driven by the replies
  let serverTraining = false; // the last state said a train runs (maybe another page's)
  const replies = new Map(); // seq -> onReply(m) of a view's `send`; true from it ends the wait

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
    });
    serverTraining = Boolean(state.training);
    showControls();
  }

  function showControls() {
    const c = controls(machine);
    store.set({ training: c.training || serverTraining, playing: c.playing });
  }

  /** Feed the controls' state machine; send what it says; show the result. */
  function feed(event) {
    const r = trainEvent(machine, event);
    machine = r.state;
    for (const cmd of r.send) {
      if (!socket) {
        machine = IDLE;
        break;
      }
      if (cmd.cmd === "train") {
        commandStarted = performance.now();
        clock.reset();
        store.set({ trainedOn: null, diverged: null, stuck: null, status: null, progress: { unit: cmd.unit, batch: 0, batches: store.get("session")?.batches_per_epoch ?? 0, started: commandStarted, now: commandStarted } });
      }
      // another page on this protocol (the lab) adds its own fields to every train, e.g. grid
      const seq = socket.send(cmd.cmd === "train" ? { ...cmd, ...(trainOptions?.() ?? {}) } : cmd);
      if (cmd.cmd !== "stop") machine = trainEvent(machine, { type: "sent", seq }).state;
    }
    showControls();
  }

  function writeUrl() {
    const q = store.toQuery();
    if (writeQuery) {
      writeQuery(q);
      return;
    }
    const url = `${location.pathname}?${q}`;
    if (`${location.pathname}${location.search}` !== url) history.replaceState(null, "", url);
  }

  // Apply streamed messages at most once per frame, so a fast stream never floods the page.
  function flush() {
    const msgs = queued;
    queued = [];
    let progress = null;
    let losses = null;
    const patch = {};
    for (const m of msgs) {
      if (m.type === "progress") {
        progress = m;
        patch.trainedOn = Number.isInteger(m.trained_on) ? { split: "train", index: m.trained_on } : null;
        losses ??= store.get("batchLosses").slice();
        losses.push(m.loss);
      } else if (m.type === "epoch_end") {
        const h = (patch.history ?? store.get("history")).filter((e) => e.epoch !== m.epoch);
        // the epoch's record, as the server keeps it in history (stuck included: Training.history_json)
        const { type, confusion, seq, ...record } = m;
        h.push(record);
        patch.history = h;
        patch.epoch = m.epoch;
        patch.stuck = m.stuck ?? null;
        if (m.confusion) patch.confusion = m.confusion;
        clock.reset(); // the next epoch's time left counts from its own first step
        forward?.refresh();
      } else if (m.type === "diverged") {
        patch.diverged = m;
      } else if (m.type === "done") {
        if (m.cmd === "train" || m.cmd === "rewind") {
          if (m.state) {
            applyState(m.state);
            losses = null;
          }
          progress = null;
          // after a rewind the page shows an earlier state: notes about the later one go
          if (m.cmd === "rewind") patch.status = null;
          feed({ type: "done", seq: m.seq }); // may start a play that was waiting for it
          if (!controls(machine).training) patch.progress = null;
          forward?.refresh();
        }
      } else if (m.type === "state") {
        applyState(m.state);
        losses = null;
      } else if (m.type === "notice") {
        // the server says what happened to the session (e.g. moved to another machine
        // mid-train); the train goes on, its done still to come
        patch.status = { level: "info", text: String(m.message) };
      } else if (m.type === "error") {
        patch.status = { level: "error", text: m.message };
        if (!String(m.message).startsWith("probe:")) feed({ type: "refused", seq: m.seq });
      }
    }
    if (losses) {
      const capped = capLosses(losses, patch.batchLossesFrom ?? store.get("batchLossesFrom"));
      patch.batchLosses = capped.losses;
      patch.batchLossesFrom = capped.from;
    }
    if (progress) {
      const now = performance.now();
      patch.progress = { ...progress, ...clock.see(progress, now), now };
      // Let the maps follow the weights while training, about once a second.
      if (now - lastRefresh > 1000) {
        lastRefresh = now;
        forward?.refresh();
      }
    }
    store.set(patch);
  }

  const flusher = createDrawScheduler(flush, { minInterval: STREAM_INTERVAL });

  function onMessage(m) {
    tap?.(m);
    const reply = replies.get(m.seq);
    if (reply) {
      // a reply to a view's own command (a `send` request with `onReply`): the view's alone
      if (reply(m)) replies.delete(m.seq);
      return;
    }
    if (m.type === "tensor" || m.type === "trace" || m.type === "grid") return; // not the page's to draw
    queued.push(m);
    flusher.request();
  }

  function openSocket(id) {
    socket?.close();
    replies.clear(); // a new socket counts its seqs afresh
    machine = IDLE; // replies to the old socket's commands will not come
    showControls();
    socket = createSocket(id, { onMessage, onState: (s) => {
      if (s === "closed") feed({ type: "reset" }); // a dropped socket stops its train on the server
      store.set("connection", s);
    } });
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
      const spec = fromUrl.spec ?? defaults?.spec ?? PRESETS[DEFAULT_PRESET].spec;
      const settings = { ...(defaults?.settings ?? DEFAULT_SETTINGS), ...(fromUrl.settings ?? {}) };
      await create(spec, settings);
      fresh = !fromUrl.spec && !fromUrl.settings;
    }
    writeUrl();
    openSocket(store.get("sessionId"));
    // Something to look at before the first stroke: the first validation example.
    if (!store.get("input")) store.set("input", firstSampleInput(store.get("session")?.dataset));
    // A first-time visitor gets one quick epoch of the default network trained right away,
    // so that the first stroke already meets a network that reads digits.
    if (fresh && autoTrain && store.get("epoch") === 0) feed({ type: "train", unit: "epochs", count: 1 });
  }

  async function handle(req) {
    const id = store.get("sessionId");
    try {
      switch (req.type) {
        case "train":
          feed({ type: "train", unit: req.unit, count: req.count });
          break;
        case "play":
          feed({ type: "play", epochs: playEpochs });
          break;
        case "stop":
          feed({ type: "pause" });
          break;
        case "toggle":
          feed({ type: "toggle", epochs: playEpochs });
          break;
        case "rewind":
          feed({ type: "rewind", epoch: req.epoch });
          break;
        case "send": {
          // a WebSocket command of the protocol (grid, trace, set_probe_rate, ...): resolves with
          // its seq; `onReply(m)`, when given, gets every message with that seq instead of the
          // page (until it returns true), as if the view had a socket of its own
          if (!socket) throw new Error("not connected");
          const seq = socket.send(req.cmd);
          if (req.onReply) replies.set(seq, req.onReply);
          req.resolve?.(seq);
          return;
        }
        default:
          if (!Object.hasOwn(rest, req.type)) throw new Error(`unknown request ${req.type}`);
          await rest[req.type](req, id);
      }
    } catch (err) {
      store.set("status", { level: "error", text: err.message });
      if (req.reject) req.reject(err);
      return;
    }
    req.resolve?.();
  }

  const rest = createRestRequests({ store, forward, applyState, create, writeUrl, openSocket, feed });
  const offs = [
    store.subscribe(["request"], (_, s) => s.request && handle(s.request)),
    store.subscribe(["sessionId", "spec", "settings"], writeUrl),
  ];

  return {
    start,
    get playing() {
      return controls(machine).playing;
    },
    destroy() {
      offs.forEach((f) => f());
      socket?.close();
    },
  };
}
