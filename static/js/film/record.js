// Record one training step: a `trace` command on the page's socket, its tensor frames and
// `trace` message gathered into one trace (frames.js createTraceCollector).

import { sendCommand } from "../lib/send.js";
import { createTraceCollector } from "./frames.js";

/**
 * Trace one step on the last forwarded input (`command`: label, layers, kinds, ...; the
 * server computes and undoes it, the model is not changed). Resolves to {...trace message,
 * tensors}; rejects with the server's message when it refuses.
 */
export function recordTrace(store, command) {
  return new Promise((resolve, reject) => {
    let collector = null;
    const onReply = (msg) => {
      collector ??= createTraceCollector(msg.seq);
      if (msg.type === "error") {
        reject(new Error(msg.message));
        return true;
      }
      const done = collector.take(msg);
      if (done) resolve(done);
      return Boolean(done);
    };
    sendCommand(store, { cmd: "trace", sample: "last", dtype: "float32", ...command }, onReply).catch(reject);
  });
}
