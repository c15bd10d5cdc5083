// Content shown late above where the person is (the detail panel, whose module can arrive
// seconds after the page on a slow machine) would push what they are using down the page, out
// of sight on a phone. Keep the focused element where it was on the screen.
// The browser's own scroll anchoring does not: it anchors to the top of the viewport, and a
// panel shown inside the viewport moves everything under it.

/**
 * Run `change` (which may add or show content anywhere), then scroll by however far the
 * focused element moved, so it is at the same place in the window as before.
 * @param {() => void} change
 * @param {Document} doc
 */
export function keepFocusInPlace(change, doc = document) {
  const focused = doc.activeElement && doc.activeElement !== doc.body ? doc.activeElement : null;
  const before = focused?.getBoundingClientRect().top;
  change();
  if (!focused?.isConnected) return;
  const moved = focused.getBoundingClientRect().top - before;
  if (moved) doc.defaultView.scrollBy(0, moved);
}
