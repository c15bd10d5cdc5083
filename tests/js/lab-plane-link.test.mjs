import assert from "node:assert/strict";
import { test } from "node:test";
import { linkKeysOf, withoutRefused, withoutUnreadable } from "../../static/js/lab/plane/link.js";
import { installLayerTypes } from "./layer-fixture.mjs";

installLayerTypes();

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

test("a value the page cannot read is left out alone, the link's other keys kept", () => {
  const out = withoutUnreadable("?tab=plane&set=xor&lr=abc&noise=0.1&pts=1,2&arch=dense2-sigmoid");
  assert.deepEqual(out.dropped.map((d) => d.split(" ")[0]), ["lr=abc", "pts=1,2"]);
  assert.match(out.dropped[0], /cannot read lr="abc"/);
  const left = new URLSearchParams(out.search);
  assert.deepEqual([...left.keys()], ["tab", "set", "noise", "arch"]);
  assert.equal(left.get("set"), "xor");
  assert.equal(left.get("noise"), "0.1");
  // the input shape is read with the architecture; a broken one goes alone
  assert.deepEqual(withoutUnreadable("?in=2x1&arch=dense1-sigmoid").dropped.map((d) => d.split(" ")[0]), ["in=2x1"]);
  assert.deepEqual(withoutUnreadable("?in=2x1x1&arch=dense1-bogus!").dropped.map((d) => d.split(" ")[0]), ["arch=dense1-bogus!"]);
  // a link read whole: nothing left out
  assert.deepEqual(withoutUnreadable("?tab=plane&set=xor&lr=0.1&feat=x1,x2").dropped, []);
});
