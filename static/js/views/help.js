// The help dialog: what to do first and the keyboard shortcuts.

import { el } from "../ui/dom.js";

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
  container.replaceChildren(
    el("div", { class: "help-box", role: "dialog", "aria-modal": "true", "aria-labelledby": "help-title" },
      el("h2", { id: "help-title" }, "How to use nnplay"),
      el("ol", {},
        el("li", {}, el("strong", {}, "Draw a digit"), " on the pad (mouse, finger, pen, or the arrow keys). Every stroke runs the network: each column shows one layer's output, the bars of the last column are the class probabilities."),
        el("li", {}, el("strong", {}, "Train"), " with the buttons of the Training panel: one sample, one batch, one epoch, or play. Watch the loss fall and the accuracy rise."),
        el("li", {}, el("strong", {}, "Click a feature map"), " to see the arithmetic behind it."),
        el("li", {}, el("strong", {}, "Change the architecture"), " in the editor below the network, or teach it ",
          el("strong", {}, "your own classes"), " under the pad."),
      ),
      el("h3", {}, "Keyboard"),
      el("dl", { class: "keys" }, ...SHORTCUTS.flatMap(([k, v]) => [el("dt", {}, el("kbd", {}, k)), el("dd", {}, v)])),
      el("p", {}, "Colours: blue is negative, white is zero, red is positive. The link in the address bar brings this model back."),
      el("button", { type: "button", class: "help-close" }, "Close"),
    ),
  );
  // A modal dialog: Tab stays inside it, and closing it gives the focus back to where it was.
  let opener = null;
  const closeBtn = container.querySelector(".help-close");
  const close = () => {
    container.hidden = true;
    if (opener?.isConnected && typeof opener.focus === "function") opener.focus();
    opener = null;
  };
  const open = () => {
    opener = document.activeElement;
    container.hidden = false;
    closeBtn.focus();
  };
  closeBtn.addEventListener("click", close);
  container.addEventListener("click", (ev) => {
    if (ev.target === container) close();
  });
  container.addEventListener("keydown", (ev) => {
    if (ev.key !== "Tab") return;
    const stops = [...container.querySelectorAll("button, a[href], input, select, textarea")];
    const first = stops[0];
    const last = stops[stops.length - 1];
    if (ev.shiftKey ? document.activeElement === first : document.activeElement === last) {
      ev.preventDefault();
      (ev.shiftKey ? last : first).focus();
    }
  });
  return {
    update() {},
    toggle() {
      if (container.hidden) open();
      else close();
    },
    destroy: () => container.replaceChildren(),
  };
}
