import assert from "node:assert/strict";
import { test } from "node:test";
import { linkKeysOf, withoutRefused } from "../../static/js/lab/plane/link.js";

test("a refused field names the link's key it came from", () => {
  assert.deepEqual(linkKeysOf("settings.lr"), ["lr"]);
  assert.deepEqual(linkKeysOf("settings.batch_size"), ["bs"]);
  assert.deepEqual(linkKeysOf("settings.planar.noise"), ["noise"]);
  assert.deepEqual(linkKeysOf("settings.planar.train_ratio"), ["ratio"]);
  assert.deepEqual(linkKeysOf("spec.layers.1.units"), ["arch", "in"]);
  assert.deepEqual(linkKeysOf("settings.toString"), []);
  assert.deepEqual(linkKeysOf("body"), []);
  assert.deepEqual(linkKeysOf(null), []);
});

test("the link without the refused key keeps every other key", () => {
  const out = withoutRefused("?tab=plane&set=xor&lr=1e308&noise=0.1", "settings.lr");
  assert.deepEqual(out.dropped, ["lr=1e308"]);
  const left = new URLSearchParams(out.search);
  assert.equal(left.get("tab"), "plane");
  assert.equal(left.get("set"), "xor");
  assert.equal(left.get("noise"), "0.1");
  assert.equal(left.has("lr"), false);
  // the key is not in the link (the refusal came from elsewhere): nothing to leave out
  assert.equal(withoutRefused("?tab=plane&set=xor", "settings.lr"), null);
  assert.equal(withoutRefused("?tab=plane&lr=1", "body"), null);
  // the custom set whose points were all refused (and left out): the set goes too
  const custom = withoutRefused("?set=custom&pts=1e308,2,1", "settings.planar.points.0");
  assert.deepEqual(custom.dropped, ["pts=1e308,2,1"]);
  const again = withoutRefused(custom.search, "settings.planar.points");
  assert.deepEqual(again.dropped, ["set=custom"]);
  assert.equal(withoutRefused("?set=xor", "settings.planar.points"), null);
});
