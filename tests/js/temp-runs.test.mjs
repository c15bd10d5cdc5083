import assert from "node:assert/strict";
import { test } from "node:test";
import { endRuns, startRuns, trainRun } from "../../static/js/lib/temp-runs.js";

function fakeUi() {
  return { status: { textContent: "" }, button: { disabled: true }, root: { dataset: { state: "running" } } };
}

test("startRuns makes every run in order, or says why none started and goes back to idle", async () => {
  const ui = fakeUi();
  const runs = await startRuns(["a", "b"], async (d, i) => ({ d, i }), ui);
  assert.deepEqual(runs, [{ d: "a", i: 0 }, { d: "b", i: 1 }]);
  assert.equal(ui.root.dataset.state, "running");
  const failed = await startRuns(["a", "b"], async (d) => {
    if (d === "b") throw new Error("too many sessions");
    return d;
  }, ui);
  assert.equal(failed, null);
  assert.equal(ui.status.textContent, "Could not start: too many sessions");
  assert.equal(ui.button.disabled, false);
  assert.equal(ui.root.dataset.state, "idle");
});

function fakeOpen(log) {
  return (id, { onMessage }) => {
    const socket = {
      id, onMessage, closed: false, sent: [],
      send(cmd) { socket.sent.push(cmd); return 7; },
      close() { socket.closed = true; },
    };
    log.push(socket);
    return socket;
  };
}

test("trainRun sends the command, routes its replies, and ends on done with the socket closed", async () => {
  const log = [];
  const r = { id: "s1" };
  const replies = [];
  const others = [];
  let ended = false;
  const done = trainRun(r, { cmd: "train", count: 2 }, (m) => replies.push(m.type), {
    onOther: (m) => others.push(m.type), open: fakeOpen(log),
  }).then(() => (ended = true));
  const socket = log[0];
  assert.equal(socket.id, "s1");
  assert.deepEqual(socket.sent, [{ cmd: "train", count: 2 }]);
  assert.equal(r.socket, socket);
  socket.onMessage({ seq: 3, type: "done" }); // another command's: not this run's end
  socket.onMessage({ type: "grid" });
  socket.onMessage({ seq: 7, type: "epoch_end" });
  await Promise.resolve();
  assert.equal(ended, false);
  socket.onMessage({ seq: 7, type: "done" });
  await done;
  assert.deepEqual(replies, ["epoch_end", "done"]);
  assert.deepEqual(others, ["done", "grid"]);
  assert.equal(socket.closed, true);
  assert.equal(r.socket, null);
});

test("trainRun also ends when the command is refused", async () => {
  const log = [];
  const r = { id: "s2" };
  const done = trainRun(r, { cmd: "train" }, () => {}, { open: fakeOpen(log) });
  log[0].onMessage({ seq: 7, type: "error", message: "busy" });
  await done;
  assert.equal(log[0].closed, true);
});

test("endRuns closes open sockets and deletes every created session", async () => {
  const closed = [];
  const removed = [];
  endRuns([
    { id: "a", socket: { close: () => closed.push("a") } },
    { id: "b", socket: null },
    { socket: null },
  ], async (id) => { removed.push(id); if (id === "b") throw new Error("gone"); });
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(closed, ["a"]);
  assert.deepEqual(removed, ["a", "b"]);
});
