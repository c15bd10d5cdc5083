// The one store. A declared schema of keys; some are persisted and round-trip to the URL.
// Pure (no DOM): the URL is read and written by main.js through toQuery()/fromQuery().
// Tested in tests/js/store.test.mjs. Documented in docs/frontend.md.

import { decodeState, encodeState } from "./lib/urlstate.js";

/**
 * The schema: every key the page uses, its initial value, and whether it lives in the URL.
 * Views read and write only these keys (set() of an undeclared key throws).
 */
export const SCHEMA = {
  // persisted (in the URL)
  sessionId: { initial: null, persist: true },
  spec: { initial: null, persist: true }, // architecture spec (docs/architecture.md)
  settings: { initial: null, persist: true }, // training settings
  // not persisted
  shapes: { initial: null }, // [{name, type, input_shape, output_shape, param_count}] of spec
  draftSpec: { initial: null }, // the spec in the editor, not yet applied
  lastForward: { initial: null }, // decoded forward reply, see api.js decodeForward()
  input: { initial: null }, // {kind: "pixels"|"file"|"sample", ...} what was last forwarded
  history: { initial: [] }, // per finished epoch: {epoch, train_loss, train_acc, val_loss, val_acc}
  batchLosses: { initial: [] }, // per-step losses of steps batchLossesFrom + 1, + 2, ... (the last 2000)
  batchLossesFrom: { initial: 0 }, // steps before the first loss kept
  epoch: { initial: 0 }, // finished epochs
  confusion: { initial: null }, // {matrix: number[][], class_names} of the validation split
  progress: { initial: null }, // {unit, done, total, loss, acc, started, now} while training
  training: { initial: false }, // a train command is running
  playing: { initial: false }, // "play" is on (trains epoch after epoch until paused)
  trainedOn: { initial: null }, // {split: "train", index}: the one sample the last step trained on
  diverged: { initial: null }, // {message, step, ...} from a diverged event
  stuck: { initial: null }, // the last epoch_end's stuck: {kind: "worse"|"chance", message} or null
  classNames: { initial: [] },
  samples: { initial: null }, // dataset sample strip: {images: [{data, shape}], labels, class_names}
  ownData: { initial: null }, // own dataset summary: {classes: [{name, count}], samples: [...]}
  dead: { initial: null }, // GET .../dead: dead ReLU maps and units at the current weights
  normalization: { initial: "layer" }, // "layer" | "map": colour scale per layer or per map
  detail: { initial: null }, // {layer, channel, kind: "output"|"grad_output"}; see docs/frontend.md
  status: { initial: null }, // {text, level: "info"|"error"} one-line status for the page
  traceLabel: { initial: null }, // label a drawing's traced step trains toward (chosen; null until then)
  connection: { initial: "closed" }, // WebSocket state: "connecting"|"open"|"closed"
  session: { initial: null }, // last session state from the server (docs/protocol.md), minus arrays
  request: { initial: null }, // a view asks the controllers for something: {type, ...}; see frontend.md
};

export function createStore(schema = SCHEMA) {
  const state = {};
  for (const [key, def] of Object.entries(schema)) state[key] = def.initial;
  const listeners = new Set();

  function get(key) {
    if (key === undefined) return { ...state };
    if (!(key in schema)) throw new Error(`store: unknown key "${key}"`);
    return state[key];
  }

  /** set(key, value) or set({key: value, ...}); listeners get the set of changed keys. */
  function set(keyOrPatch, value) {
    const patch = typeof keyOrPatch === "string" ? { [keyOrPatch]: value } : keyOrPatch;
    const changed = new Set();
    for (const [key, v] of Object.entries(patch)) {
      if (!(key in schema)) throw new Error(`store: unknown key "${key}"`);
      if (state[key] !== v) {
        state[key] = v;
        changed.add(key);
      }
    }
    if (changed.size) for (const fn of [...listeners]) fn(changed, state);
    return changed;
  }

  /**
   * subscribe(fn) or subscribe(keys, fn): fn(changedKeys, state) after every change
   * (only changes touching `keys` when given). Returns an unsubscribe function.
   */
  function subscribe(keysOrFn, maybeFn) {
    let fn = maybeFn;
    if (typeof keysOrFn === "function") fn = keysOrFn;
    else {
      const keys = new Set(keysOrFn);
      const inner = maybeFn;
      fn = (changed, s) => {
        for (const k of changed) if (keys.has(k)) return inner(changed, s);
      };
    }
    listeners.add(fn);
    return () => listeners.delete(fn);
  }

  const persistedKeys = Object.keys(schema).filter((k) => schema[k].persist);

  /** The persisted keys as a readable query string (no "?"). */
  function toQuery() {
    return encodeState({ sessionId: state.sessionId, spec: state.spec, settings: state.settings });
  }

  /** Read a query string into the persisted keys; returns what it found. Throws on bad input. */
  function fromQuery(search) {
    const found = decodeState(search);
    const patch = {};
    if (found.sessionId) patch.sessionId = found.sessionId;
    if (found.spec) patch.spec = found.spec;
    if (found.settings) patch.settings = { ...(state.settings ?? {}), ...found.settings };
    set(patch);
    return found;
  }

  return { get, set, subscribe, toQuery, fromQuery, persistedKeys, schema };
}
