// The training controls as one state machine driven by the server's replies.
// Pure: trainEvent(state, event) -> {state, send}. The session controller feeds it the
// person's clicks and the WebSocket's replies, sends the commands it returns (then feeds
// "sent" with the seq each got), and shows what controls(state) says. Tested in
// tests/js/train-machine.test.mjs.
//
// mode: "idle" | "running" (a finite train or a rewind) | "playing" (train epoch after epoch)
//       | "stopping" (stop sent, the train's done not in yet)
// seq: the seq of the command that runs; only its done (or refusal) ends it.
// queued: "play" when play was pressed while something else ran: it starts when that ends.
// One command at a time: a second train is never sent while one runs.

export const IDLE = Object.freeze({ mode: "idle", seq: null, queued: null });
export const PLAY_EPOCHS = 100;

const keep = (state) => ({ state, send: [] });

export function trainEvent(state, event) {
  switch (event.type) {
    case "train": // {unit, count}: +1 sample / batch / epoch
      if (state.mode !== "idle") return keep(state);
      return { state: { mode: "running", seq: null, queued: null },
        send: [{ cmd: "train", unit: event.unit, count: event.count }] };
    case "rewind": // {epoch}
      if (state.mode !== "idle") return keep(state);
      return { state: { mode: "running", seq: null, queued: null }, send: [{ cmd: "rewind", epoch: event.epoch }] };
    case "toggle": // the play / pause button ({epochs} as for play)
      return trainEvent(state, { ...event, type: controls(state).playing ? "pause" : "play" });
    case "play": // {epochs}: how many one play command trains (default PLAY_EPOCHS)
      if (state.mode === "idle") {
        return { state: { mode: "playing", seq: null, queued: null },
          send: [{ cmd: "train", unit: "epochs", count: event.epochs ?? PLAY_EPOCHS }] };
      }
      if (state.mode === "playing") return keep(state);
      // starts when the running command is done
      return keep({ ...state, queued: "play", ...(event.epochs ? { epochs: event.epochs } : {}) });
    case "pause": // stop whatever runs, and forget a queued play
      if (state.mode === "idle") return keep(state);
      if (state.mode === "stopping") return keep({ ...state, queued: null });
      return { state: { mode: "stopping", seq: state.seq, queued: null }, send: [{ cmd: "stop" }] };
    case "sent": // {seq} of the train or rewind just sent
      return keep({ ...state, seq: event.seq });
    case "done": // {seq}: a train or rewind finished (completed, stopped or diverged)
    case "refused": // {seq}: an error ended it (not a probe's, which lets the train go on)
      if (state.mode === "idle" || event.seq !== state.seq) return keep(state);
      if (state.queued === "play" && event.type === "done") return trainEvent(IDLE, { type: "play", epochs: state.epochs });
      return keep(IDLE);
    case "reset": // the socket closed or a new one opened: no reply of the old one will come
      return keep(IDLE);
    default:
      throw new Error(`train machine: unknown event ${event.type}`);
  }
}

/** What the page shows: {training (a command runs: step buttons off), playing (button reads Pause), stopping}. */
export function controls(state) {
  return {
    training: state.mode !== "idle",
    playing: state.mode === "playing" || state.queued === "play",
    stopping: state.mode === "stopping",
  };
}
