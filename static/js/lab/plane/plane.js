// Placeholder: the "2-D data" view of the lab. Replaced by the real view.

/** Draw the view into `panel` (a <section>); returns {setActive(active)}. */
export function mountPlane(panel) {
  const heading = document.createElement("h2");
  heading.textContent = "2-D data";
  panel.replaceChildren(heading);
  return { setActive() {} };
}
