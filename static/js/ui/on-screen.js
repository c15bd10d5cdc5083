// Whether an element is on screen (any part of it in the viewport, or within `margin` of it),
// for lib/draw-scheduler.js: views draw only while seen. Writes `data-on-screen` ("true" or
// "false") on the element each time the browser reports a change, so a test can wait for it.
// Before printing every watched element counts as on screen.

/**
 * Calls onChange(visible) whenever `element` enters or leaves the viewport (and once soon
 * after the call), and onChange(true, true) just before the page is printed (draw now, not at
 * a later frame). Without IntersectionObserver the element counts as always on screen.
 * @returns {() => void} stops watching
 */
export function watchOnScreen(element, onChange, { margin = "64px" } = {}) {
  if (typeof IntersectionObserver !== "function") {
    onChange(true);
    return () => {};
  }
  let seen = true;
  const io = new IntersectionObserver((entries) => {
    const entry = entries[entries.length - 1];
    // A hidden element (display: none) has an empty box: off screen.
    seen = entry.isIntersecting && entry.boundingClientRect.width + entry.boundingClientRect.height > 0;
    element.dataset.onScreen = String(seen);
    onChange(seen);
  }, { rootMargin: margin });
  io.observe(element);
  // A printed page shows everything: draw what waits, then go back to what the window shows.
  const toPrint = () => onChange(true, true);
  const printed = () => onChange(seen);
  addEventListener("beforeprint", toPrint);
  addEventListener("afterprint", printed);
  return () => {
    io.disconnect();
    removeEventListener("beforeprint", toPrint);
    removeEventListener("afterprint", printed);
  };
}
