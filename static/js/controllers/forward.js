// Sends the current input to POST .../forward, at most one request in flight: while one is
// out, newer inputs only replace the pending one, which goes as soon as the reply is in.
// Writes store.lastForward = decoded reply + {input, t0} (t0: performance.now() of the input).

import { api } from "../api.js";

export const FAILED = "Could not run the network on this input:";

export function createForwardController(store) {
  let inFlight = false;
  let pending = null;
  let lastSent = null;

  async function send(input, refresh = false) {
    const id = store.get("sessionId");
    if (!id || !input || input.kind === "empty") return;
    inFlight = true;
    lastSent = input;
    const sent = performance.now();
    try {
      let reply;
      if (input.kind === "pixels") reply = await api.forward(id, input.pixels, input.width, input.height);
      else if (input.kind === "file") reply = await api.forwardFile(id, input.file);
      else if (input.kind === "values") reply = await api.forwardValues(id, input.values, input.shape);
      else if (input.kind === "sample") reply = await api.forwardSample(id, input.split, input.index);
      if (reply) {
        // Where a stroke's time goes (bench/page_perf.py): waiting for the request before it,
        // then the request itself (server, transfer, JSON and tensor decoding in forward-worker.js).
        const got = performance.now();
        if (!refresh && input.t0 !== undefined) performance.measure("forward-queued", { start: input.t0, end: sent });
        performance.measure("forward-request", { start: sent, end: got });
        // A refresh (same input, new weights) is not a stroke: no stroke-to-maps measure.
        store.set("lastForward", { ...reply, input, t0: refresh ? undefined : input.t0 });
        performance.measure("forward-views", { start: got, end: performance.now() });
      }
      if (input.kind === "file" || store.get("status")?.text?.startsWith(FAILED)) store.set("status", null);
    } catch (err) {
      store.set("status", { level: "error", text: `${FAILED} ${err.message}` });
    } finally {
      inFlight = false;
      if (pending) {
        const next = pending;
        pending = null;
        send(next.input, next.refresh);
      }
    }
  }

  function request(input, refresh = false) {
    if (inFlight) pending = { input, refresh };
    else send(input, refresh);
  }

  const off = store.subscribe(["input"], (_, s) => {
    // a new picture (a sample, an upload, a cleared pad) has no chosen label yet
    if (s.input?.kind !== "pixels" && s.traceLabel !== null) store.set("traceLabel", null);
    if (s.input && s.input.kind !== "empty") {
      if (s.input.t0 === undefined) s.input.t0 = performance.now();
      request(s.input);
    }
  });

  return {
    /** Run the last input again (after training changed the weights). */
    refresh() {
      if (pending) return; // the newest input is about to go anyway
      const current = store.get("input");
      // An empty pad keeps showing what was last shown (the network's answer to it changes).
      const input = current && current.kind !== "empty" ? current : lastSent;
      if (input && input.kind !== "empty") request(input, true);
    },
    destroy: off,
  };
}
