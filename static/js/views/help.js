// The help dialog: what to do first and the keyboard shortcuts.

export const SHORTCUTS = [
  ["Space", "play / pause training"],
  ["s", "train one batch"],
  ["n", "train one sample"],
  ["e", "train one epoch"],
  ["c", "clear the drawing"],
  ["Ctrl+Z", "undo the last stroke"],
  ["m", "scale colours per map / per layer"],
  ["Arrows", "on the focused pad: move the drawing cursor (Shift: finer)"],
  ["Space / Enter", "on the focused pad: put the pen down or lift it"],
  ["?", "show or hide this help"],
  ["Esc", "close this help or the detail view"],
];

export function createHelp(container, store) {
  container.innerHTML = `
    <div class="help-box" role="dialog" aria-modal="true" aria-labelledby="help-title">
      <h2 id="help-title">How to use nnplay</h2>
      <ol>
        <li><strong>Draw a digit</strong> on the pad (mouse, finger, pen, or the arrow keys). Every stroke runs the network: each column shows one layer's output, the bars on the right are the class probabilities.</li>
        <li><strong>Train</strong> with the buttons on the right: one sample, one batch, one epoch, or play. Watch the loss fall and the accuracy rise.</li>
        <li><strong>Click a feature map</strong> to see the arithmetic behind it.</li>
        <li><strong>Change the architecture</strong> in the editor below the network, or teach it <strong>your own classes</strong> under the pad.</li>
      </ol>
      <h3>Keyboard</h3>
      <dl class="keys">${SHORTCUTS.map(([k, v]) => `<dt><kbd>${k}</kbd></dt><dd>${v}</dd>`).join("")}</dl>
      <p>Colours: blue is negative, white is zero, red is positive. The link in the address bar brings this model back.</p>
      <button type="button" class="help-close">Close</button>
    </div>`;
  const close = () => {
    container.hidden = true;
  };
  container.querySelector(".help-close").addEventListener("click", close);
  container.addEventListener("click", (ev) => {
    if (ev.target === container) close();
  });
  return {
    update() {},
    toggle() {
      container.hidden = !container.hidden;
      if (!container.hidden) container.querySelector(".help-close").focus();
    },
    destroy: () => container.replaceChildren(),
  };
}
