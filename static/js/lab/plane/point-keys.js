// Placing and deleting points from the keyboard on the 2-D data view's plane: the plane takes
// the focus (Tab), the arrow keys move a cursor over it (Shift: four steps at once), Enter or
// Space applies the chosen tool there (add a point of the class, or delete the point under
// it) and Delete deletes the point under it. The pointer does the same by clicking.
// moveCursor is pure; tests/js/lab-plane-point-keys.test.mjs.

import { el } from "../../ui/dom.js";
import { fmt } from "./out-pieces.js";
import { roundTo } from "./points.js";

export const CURSOR_STEPS = 24; // arrow-key steps across the plane

/** The cursor [from the left, from the top], fractions 0..1 of the plane, after `key` (Shift:
 *  `big`), or null for a key that does not move it. */
export function moveCursor([fx, fy], key, big = false) {
  const d = big ? 4 : 1;
  const moves = { ArrowLeft: [-d, 0], ArrowRight: [d, 0], ArrowUp: [0, -d], ArrowDown: [0, d] };
  if (!moves[key]) return null;
  const c = (v, dv) => Math.min(CURSOR_STEPS, Math.max(0, Math.round(v * CURSOR_STEPS) + dv)) / CURSOR_STEPS;
  return [c(fx, moves[key][0]), c(fy, moves[key][1])];
}

/**
 * Make `overlay` (the points' canvas in `wrap`) usable from the keyboard. `size()`: its size
 * in CSS pixels; `toPlane(px, py)`: plane coordinates; `axes()`: the axes' names;
 * `act(px, py, remove)`: apply the tool at that pixel (remove: delete whatever the tool).
 */
export function createPointKeys(overlay, wrap, { size, toPlane, axes, act }) {
  overlay.tabIndex = 0;
  overlay.setAttribute("aria-label", "The plane: the arrow keys move a cursor, Enter places a point of the chosen class there (with the delete tool: deletes the point under it), Delete deletes the point under it");
  const label = el("span", { class: "out-cursor-label" });
  const cursor = el("div", { class: "out-cursor", hidden: true, "data-role": "cursor" }, label);
  wrap.append(cursor);
  let at = [0.5, 0.5];
  const px = () => [at[0] * size(), at[1] * size()];

  function show() {
    const [x, y] = toPlane(...px()).map((v) => roundTo(v)); // as a placed point gets them
    cursor.hidden = false;
    cursor.style.left = `${at[0] * 100}%`;
    cursor.style.top = `${at[1] * 100}%`;
    cursor.dataset.x1 = String(x);
    cursor.dataset.x2 = String(y);
    label.textContent = `${axes()[0]} ${fmt(x)}, ${axes()[1]} ${fmt(y)}`;
    label.classList.toggle("left", at[0] > 0.6);
  }
  overlay.addEventListener("focus", show);
  overlay.addEventListener("blur", () => { cursor.hidden = true; });
  overlay.addEventListener("keydown", (e) => {
    const next = moveCursor(at, e.key, e.shiftKey);
    if (next) {
      e.preventDefault();
      at = next;
      show();
    } else if (e.key === "Enter" || e.key === " " || e.key === "Delete") {
      e.preventDefault();
      act(...px(), e.key === "Delete");
    }
  });
}
