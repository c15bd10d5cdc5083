// Changing the 2-D data view's set-up: one place that turns "these layers / features / data /
// output" into the right request (PUT spec with its settings patch, or PUT settings alone),
// pausing a running train first (the server refuses changes while one runs: 409).

import { OUTPUTS, buildSpec, outputKind, readSpec, taskOf } from "./setup.js";

/** Ask the session controller for something; resolves when it is done. */
export function request(store, req) {
  return new Promise((resolve, reject) => store.set("request", { ...req, resolve, reject, at: performance.now() }));
}

/** Stop a running train and wait until it has stopped. */
export function pause(store) {
  if (!store.get("training")) return Promise.resolve();
  return new Promise((resolve) => {
    const off = store.subscribe(["training"], () => {
      if (!store.get("training")) {
        off();
        resolve();
      }
    });
    store.set("request", { type: "stop", at: performance.now() });
  });
}

/** The set-up as the server has it: {features: [...], hidden, output key, set, task}. */
export function currentSetup(store) {
  const spec = readSpec(store.get("spec"));
  const settings = store.get("settings") ?? {};
  const planar = settings.planar ?? {};
  return {
    features: planar.features ?? ["x1", "x2"],
    hidden: spec ? spec.hidden.map((h) => ({ units: h.units, activation: h.activation })) : [],
    output: spec ? outputKind(spec.output, settings.loss) ?? "linear_mse" : "sigmoid_bce",
    set: planar.set ?? "circle",
    task: taskOf(planar.set),
  };
}

/**
 * Apply a change: any of `hidden`, `features`, `output` (an OUTPUTS key), `planar` (a patch of
 * settings.planar) and `settings` (a patch of the other settings). A change of the task (a
 * regression set for a classification one) picks the task's usual output. The weights start
 * over when the network or the data change (the server's rules).
 */
export async function applyChange(store, change) {
  const now = currentSetup(store);
  const planar = { ...(change.planar ?? {}) };
  const set = planar.set ?? now.set;
  let output = change.output ?? now.output;
  const task = taskOf(set);
  if (task === "regression" && OUTPUTS[output].task !== "any") output = "linear_mse";
  if (task === "classification" && task !== now.task && !change.output) output = "sigmoid_bce";
  const features = change.features ?? now.features;
  if (change.features) planar.features = features;
  const hidden = change.hidden ?? now.hidden;
  const settings = { ...(change.settings ?? {}) };
  if (Object.keys(planar).length) settings.planar = planar;
  const specChanges = change.hidden || change.features || output !== now.output;
  if (output !== now.output) settings.loss = OUTPUTS[output].loss;
  if (!specChanges && !Object.keys(settings).length) return undefined;
  const playing = store.get("playing");
  await pause(store);
  if (specChanges) {
    const spec = buildSpec({ features: features.length, hidden, output: OUTPUTS[output] });
    await request(store, { type: "applySpec", spec, settings: Object.keys(settings).length ? settings : undefined });
  } else await request(store, { type: "applySettings", settings });
  // a change made while playing goes on playing, as in TensorFlow Playground
  if (playing) store.set("request", { type: "play", at: performance.now() });
  return undefined;
}
