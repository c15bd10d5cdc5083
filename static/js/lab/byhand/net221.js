// Placeholder: the "A 2-2-1 network by hand" view of the lab. Replaced by the real view.

/** Draw the view into `panel` (a <section>); returns {setActive(active)}. */
export function mountNet221(panel) {
  const heading = document.createElement("h2");
  heading.textContent = "A 2-2-1 network by hand";
  panel.replaceChildren(heading);
  return { setActive() {} };
}
