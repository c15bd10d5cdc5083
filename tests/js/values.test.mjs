import { test } from "node:test";
import assert from "node:assert/strict";

import { parseCell, typedGridFits } from "../../static/js/lib/values.js";

test("a box reads any finite real number", () => {
  assert.equal(parseCell("2.5"), 2.5);
  assert.equal(parseCell(" -192 "), -192);
  assert.equal(parseCell("\u22120.2"), -0.2);
  assert.equal(parseCell("+.5"), 0.5);
  assert.equal(parseCell("1e3"), 1000);
  assert.equal(parseCell("0"), 0);
});

test("a box that is not a finite number reads as null", () => {
  for (const bad of ["", " ", "abc", "1,5", "NaN", "Infinity", "1e999", "--1", "1.2.3", "0x10"]) {
    assert.equal(parseCell(bad), null, bad);
  }
});

test("grids are for small inputs only", () => {
  assert.ok(typedGridFits({ channels: 1, height: 4, width: 4 }));
  assert.ok(typedGridFits({ channels: 3, height: 1, width: 1 }));
  assert.ok(typedGridFits({ channels: 1, height: 1, width: 2 }));
  assert.ok(typedGridFits({ channels: 1, height: 5, width: 5 }));
  assert.ok(!typedGridFits({ channels: 1, height: 28, width: 28 }));
  assert.ok(!typedGridFits({ channels: 3, height: 32, width: 32 }));
  assert.ok(!typedGridFits(null));
});

test("pasted numbers: any separators, nested brackets, a count that must fit", async () => {
  const { parseValues } = await import("../../static/js/lib/values.js");
  assert.deepEqual(parseValues("[[1, 2], [3.5, -4]]", 4), { values: [1, 2, 3.5, -4] });
  assert.deepEqual(parseValues("1 2\n3;4", 4), { values: [1, 2, 3, 4] });
  assert.match(parseValues("1 2 3", 4).error, /^3 numbers, but the network takes 4$/);
  assert.match(parseValues("1 x 3 4", 4).error, /number 2 \("x"\)/);
  assert.match(parseValues("1 2 3 1e999", 4).error, /number 4/);
});
