import { test } from "node:test";
import assert from "node:assert/strict";

import { tenth } from "../../static/js/lib/lr-tenth.js";
import { nextStatus, statusText, stuckNote } from "../../static/js/lab/plane/stuck.js";

const WORSE = "after epoch 3 the network does worse than guessing: its training loss over the epoch, 2.254, is 3.3 times the chance level (ln 2 = 0.693, the loss of always answering the class shares). The learning rate (lr=10) is too large: each step throws the weights past the minimum. Lower it (try 1) and rewind to an epoch before the loss rose.";
const CHANCE = "after epoch 2 the network is at chance level: validation loss 0.693 (ln 2 = 0.693, the loss of always answering the class shares), accuracy 50.0% (always answering the most common class: 50.0%).";
// a history entry as the server sends it: stuck null or {kind, message}
const entry = (epoch, message, kind = message === CHANCE ? "chance" : "worse") => ({
  epoch, train_loss: 1, stuck: message ? { kind, message } : null,
});

test("the note follows the newest history entry only", () => {
  assert.equal(stuckNote([]), null);
  assert.equal(stuckNote(null), null);
  assert.equal(stuckNote([entry(1, WORSE), entry(2, null)]), null); // a healthy epoch followed
  const worse = stuckNote([entry(1, null), entry(3, WORSE)]);
  assert.deepEqual(worse, { kind: "worse", head: "Learning rate too large.", text: `A${WORSE.slice(1)}`, epoch: 3 });
  assert.equal(stuckNote([entry(2, CHANCE)]).kind, "chance");
  assert.equal(stuckNote([entry(2, CHANCE)]).head, "Training is stuck.");
});

test("the note goes by the kind, never by the message's words", () => {
  // words of one kind under the other kind's name: the kind decides
  const odd = stuckNote([entry(3, WORSE, "chance")]);
  assert.equal(odd.kind, "chance");
  assert.equal(odd.head, "Training is stuck.");
  assert.equal(stuckNote([entry(2, CHANCE, "worse")]).head, "Learning rate too large.");
  // a string (a server from before the kind) or an empty message is no note
  assert.equal(stuckNote([{ epoch: 3, stuck: WORSE }]), null);
  assert.equal(stuckNote([{ epoch: 3, stuck: { kind: "worse", message: "" } }]), null);
});

test("the status line: set, kept while playing, cleared only when it is ours", () => {
  const note = stuckNote([entry(3, WORSE)]);
  const first = nextStatus(note, { status: null, ours: null, playing: false });
  assert.deepEqual(first, { level: "note", text: statusText(note), kind: "worse" });
  assert.ok(first.text.startsWith("Learning rate too large. After epoch 3 the network does worse than guessing"));
  // the same note again: nothing to announce
  assert.equal(nextStatus(note, { status: first, ours: first, playing: false }), undefined);
  // the next epoch's note while Play runs: not announced every epoch; on pausing it is
  const later = stuckNote([entry(4, WORSE.replace("epoch 3", "epoch 4"))]);
  assert.equal(nextStatus(later, { status: first, ours: first, playing: true }), undefined);
  assert.ok(nextStatus(later, { status: first, ours: first, playing: false }).text.includes("epoch 4"));
  // a note of another kind is said at once, even while playing
  const chance = stuckNote([entry(5, CHANCE)]);
  assert.equal(nextStatus(chance, { status: first, ours: first, playing: true }).kind, "chance");
  // an error in the status line is not overwritten, nor cleared
  const error = { level: "error", text: "lr: must be > 0" };
  assert.equal(nextStatus(note, { status: error, ours: first, playing: false }), undefined);
  assert.equal(nextStatus(null, { status: error, ours: first, playing: false }), undefined);
  // the note gone (rewind, reset, a healthy epoch): our line is cleared
  assert.equal(nextStatus(null, { status: first, ours: first, playing: false }), null);
  assert.equal(nextStatus(null, { status: null, ours: first, playing: false }), undefined);
});

test("a tenth of the learning rate without float noise", () => {
  assert.equal(tenth(10), 1);
  assert.equal(tenth(0.3), 0.03);
  assert.equal(tenth(0.7), 0.07); // 0.7 / 10 is 0.06999999999999999
  assert.equal(tenth(0.07), 0.007); // 0.007000000000000001
  assert.equal(tenth(0.003), 0.0003);
  assert.equal(tenth(3), 0.3);
});
