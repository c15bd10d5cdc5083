// Whether an element is on screen (any part of it in the viewport, or within `margin` of it),
// for lib/draw-scheduler.js: views draw only while seen. Writes `data-on-screen` ("true" or
// "false") on the element each time the browser reports a change, so a test can wait for it.

/**
 * Calls onChange(visible) whenever `element` enters or leaves the viewport (and once soon
 * after the call). Without IntersectionObserver the element counts as always on screen.
 * @returns {() => void} stops watching
 */
export function watchOnScreen(element, onChange, { margin = "64px" } = {}) {
  if (typeof IntersectionObserver !== "function") {
    onChange(true);
    return () => {};
  }
  const io = new IntersectionObserver((entries) => {
    const entry = entries[entries.length - 1];
    // A hidden element (display: none) has an empty box: off screen.
    const visible = entry.isIntersecting && entry.boundingClientRect.width + entry.boundingClientRect.height > 0;
    element.dataset.onScreen = String(visible);
    onChange(visible);
  }, { rootMargin: margin });
  io.observe(element);
  return () => io.disconnect();
}
