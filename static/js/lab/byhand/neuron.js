// Placeholder: the "One neuron" view of the lab. Replaced by the real view.

/** Draw the view into `panel` (a <section>); returns {setActive(active)}. */
export function mountNeuron(panel) {
  const heading = document.createElement("h2");
  heading.textContent = "One neuron";
  panel.replaceChildren(heading);
  return { setActive() {} };
}
