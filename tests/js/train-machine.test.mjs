// The training controls' state machine (static/js/lib/train-machine.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { IDLE, PLAY_EPOCHS, controls, trainEvent } from "../../static/js/lib/train-machine.js";

/** Feed events in order, assigning seqs 1, 2, ... to the train/rewind commands sent. */
function run(events) {
  let state = IDLE;
  let next = 1;
  const sent = [];
  for (const e of events) {
    const r = trainEvent(state, e);
    state = r.state;
    for (const cmd of r.send) {
      sent.push(cmd);
      if (cmd.cmd !== "stop") state = trainEvent(state, { type: "sent", seq: next++ }).state;
    }
  }
  return { state, sent };
}

test("+1 epoch then play at once: play waits for the epoch, then one pause stops it", () => {
  let { state, sent } = run([{ type: "train", unit: "epochs", count: 1 }, { type: "toggle" }]);
  assert.deepEqual(sent, [{ cmd: "train", unit: "epochs", count: 1 }]); // never two trains at once
  assert.equal(controls(state).playing, true); // the button reads Pause at once
  ({ state } = run([{ type: "train", unit: "epochs", count: 1 }, { type: "toggle" }, { type: "done", seq: 1 }]));
  assert.equal(state.mode, "playing");
  assert.equal(state.seq, 2);
  const after = run([{ type: "train", unit: "epochs", count: 1 }, { type: "toggle" }, { type: "done", seq: 1 },
    { type: "toggle" }]);
  assert.deepEqual(after.sent.at(-1), { cmd: "stop" });
  assert.equal(controls(after.state).playing, false);
  assert.equal(after.state.mode, "stopping");
  const end = trainEvent(after.state, { type: "done", seq: 2 }).state;
  assert.deepEqual(end, IDLE);
  assert.deepEqual(controls(end), { training: false, playing: false, stopping: false });
});

test("play sends one long train; a done of another command does not end it", () => {
  const { state, sent } = run([{ type: "play" }, { type: "done", seq: 99 }]);
  assert.deepEqual(sent, [{ cmd: "train", unit: "epochs", count: PLAY_EPOCHS }]);
  assert.equal(state.mode, "playing");
  assert.deepEqual(trainEvent(state, { type: "done", seq: 1 }).state, IDLE);
});

test("step buttons and rewind do nothing while a command runs", () => {
  for (const busy of [[{ type: "play" }], [{ type: "train", unit: "batches", count: 1 }], [{ type: "rewind", epoch: 0 }]]) {
    const { sent } = run([...busy, { type: "train", unit: "samples", count: 1 }, { type: "rewind", epoch: 1 }]);
    assert.equal(sent.length, 1);
  }
});

test("pause while a play is queued stops the running command and forgets the play", () => {
  const { state, sent } = run([{ type: "train", unit: "epochs", count: 1 }, { type: "play" }, { type: "pause" }]);
  assert.deepEqual(sent.at(-1), { cmd: "stop" });
  assert.equal(controls(state).playing, false);
  assert.deepEqual(trainEvent(state, { type: "done", seq: 1 }).state, IDLE);
});

test("play pressed while stopping starts after the stopped train's done", () => {
  const { state } = run([{ type: "play" }, { type: "pause" }, { type: "play" }]);
  assert.equal(state.mode, "stopping");
  assert.equal(controls(state).playing, true);
  const r = trainEvent(state, { type: "done", seq: 1 });
  assert.equal(r.state.mode, "playing");
  assert.deepEqual(r.send, [{ cmd: "train", unit: "epochs", count: PLAY_EPOCHS }]);
});

test("a refused command, or a socket reset, returns to idle; a queued play is dropped on refusal", () => {
  const { state } = run([{ type: "train", unit: "epochs", count: 1 }, { type: "play" }]);
  assert.deepEqual(trainEvent(state, { type: "refused", seq: 1 }).state, IDLE);
  assert.deepEqual(trainEvent(state, { type: "reset" }).state, IDLE);
  assert.deepEqual(trainEvent(state, { type: "refused", seq: 7 }).state, state);
});

test("a page may ask for longer play commands, also when the play waits for a running command", () => {
  const idle = trainEvent(IDLE, { type: "play", epochs: 5000 });
  assert.deepEqual(idle.send, [{ cmd: "train", unit: "epochs", count: 5000 }]);
  const toggled = trainEvent(IDLE, { type: "toggle", epochs: 5000 });
  assert.deepEqual(toggled.send, [{ cmd: "train", unit: "epochs", count: 5000 }]);
  let state = trainEvent(IDLE, { type: "train", unit: "epochs", count: 1 }).state;
  state = trainEvent(state, { type: "sent", seq: 1 }).state;
  state = trainEvent(state, { type: "play", epochs: 5000 }).state;
  assert.equal(controls(state).playing, true);
  const r = trainEvent(state, { type: "done", seq: 1 });
  assert.deepEqual(r.send, [{ cmd: "train", unit: "epochs", count: 5000 }]);
});
