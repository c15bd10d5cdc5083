// The comparisons' runs (landscape/lr-compare.js, lab/plane/compare.js): each trains a
// short-lived session of its own over a socket of its own, closed when its command is done.
// `open` and `remove` default to api.js's createSocket and deleteSession (tests pass fakes).

import { api, createSocket } from "../api.js";

/** Make every run with `make(def, i)` (async: it creates the run's session). When one fails:
 *  says so in `ui.status`, enables `ui.button` again, sets `ui.root` idle and returns null. */
export async function startRuns(defs, make, ui) {
  try {
    return await Promise.all(defs.map(make));
  } catch (err) {
    ui.status.textContent = `Could not start: ${err.message}`;
    ui.button.disabled = false;
    ui.root.dataset.state = "idle";
    return null;
  }
}

/**
 * Send `cmd` on a new socket to run `r`'s session (`r.id`; the socket is `r.socket` while it
 * is open). Every message carrying the command's seq goes to `onReply(m)`, any other to
 * `onOther(m)`; resolves once the command is done or refused (`done`, `error`), its socket closed.
 */
export function trainRun(r, cmd, onReply, { onOther = () => {}, open = createSocket } = {}) {
  return new Promise((resolve) => {
    let seq = null;
    r.socket = open(r.id, {
      onMessage(m) {
        if (seq === null || m.seq !== seq) {
          onOther(m);
          return;
        }
        onReply(m);
        if (m.type === "done" || m.type === "error") {
          r.socket.close();
          r.socket = null;
          resolve();
        }
      },
    });
    seq = r.socket.send(cmd);
  });
}

/** Close every run's socket and delete its session (a failed delete is left to expire). */
export function endRuns(runs, remove = (id) => api.deleteSession(id)) {
  for (const r of runs) {
    r.socket?.close();
    if (r.id) remove(r.id).catch(() => {});
  }
}
