import { test } from "node:test";
import assert from "node:assert/strict";
import { keepFocusInPlace } from "../../static/js/ui/keep-in-place.js";

// A document of one focusable element whose top (in the window) the change moves by `shift`.
function fakeDoc({ focused = true, shift = 0 } = {}) {
  const scrolls = [];
  let top = 500;
  const el = { isConnected: true, getBoundingClientRect: () => ({ top }) };
  const body = {};
  const doc = {
    body,
    activeElement: focused ? el : body,
    defaultView: { scrollBy: (x, y) => { scrolls.push([x, y]); top -= y; } },
  };
  return { doc, scrolls, move: () => { top += shift; }, top: () => top };
}

test("content shown above the focused element scrolls it back to where it was", () => {
  const f = fakeDoc({ shift: 198 });
  keepFocusInPlace(f.move, f.doc);
  assert.deepEqual(f.scrolls, [[0, 198]]);
  assert.equal(f.top(), 500);
});

test("content shown below it, or nothing focused: no scroll", () => {
  const below = fakeDoc({ shift: 0 });
  keepFocusInPlace(below.move, below.doc);
  assert.deepEqual(below.scrolls, []);
  const none = fakeDoc({ focused: false, shift: 198 });
  let ran = false;
  keepFocusInPlace(() => { ran = true; }, none.doc);
  assert.ok(ran);
  assert.deepEqual(none.scrolls, []);
});
