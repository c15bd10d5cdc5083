import { test } from "node:test";
import assert from "node:assert/strict";
import { capLosses, keeps, rewindEpochs, rewindNote } from "../../static/js/lib/rewind.js";

test("the last ten epochs, every 10th of the last 100, every 100th and 0 are kept", () => {
  const kept = [];
  for (let e = 0; e <= 250; e += 1) if (keeps(e, 250)) kept.push(e);
  assert.deepEqual(kept, [0, 100, 160, 170, 180, 190, 200, 210, 220, 230, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250]);
});

test("an epoch once dropped is never kept again", () => {
  for (let e = 0; e < 300; e += 1) {
    let dropped = false;
    for (let latest = e; latest < 400; latest += 1) {
      if (!keeps(e, latest)) dropped = true;
      else assert.equal(dropped, false, `epoch ${e} came back at ${latest}`);
    }
  }
});

test("a stale server list is extended by the epochs finished since and thinned", () => {
  const server = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  assert.deepEqual(rewindEpochs(server, 12), [0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  assert.deepEqual(rewindEpochs(server, 10), server);
  assert.deepEqual(rewindEpochs(undefined, 2), [0, 1, 2]);
  assert.deepEqual(rewindEpochs([0, 1, 2, 3], 1), [0, 1]); // after a rewind to 1
});

test("the note appears only once epochs are thinned", () => {
  assert.equal(rewindNote([0, 1, 2], 2), "");
  assert.match(rewindNote(rewindEpochs([0], 15), 15), /every 10th/);
});

test("per-step losses are capped like the server's, counting those let go", () => {
  const values = Array.from({ length: 2001 }, (_, i) => i);
  const { losses, from } = capLosses(values, 0);
  assert.equal(from, 500);
  assert.equal(losses.length, 1501);
  assert.equal(losses[0], 500);
  const same = capLosses(losses, from);
  assert.equal(same.losses, losses);
});
