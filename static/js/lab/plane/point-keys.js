// Placing, moving and deleting points from the keyboard on the 2-D data view's plane: the plane
// takes the focus (Tab), the arrow keys move a cursor over it (Shift: four steps at once), Enter
// or Space applies the chosen tool there (add a point of the class, or delete the point under
// it; with an add tool on a point, selects that point) and Delete deletes the point under it.
// A selected point moves with the arrow keys (a small step, Shift a bigger one, clamped to the
// plane as drawn when it was selected), each move sent as a drag's is; Enter, Space or Escape lets it go, Delete deletes it.
// What happened is said in a live line under the plane. The pointer does the same by clicking
// and dragging. moveCursor and nudge are pure; tests/js/lab-plane-point-keys.test.mjs.

import { el } from "../../ui/dom.js";
import { fmt } from "./out-pieces.js";
import { clampToDomain, roundTo } from "./points.js";

export const CURSOR_STEPS = 24; // arrow-key steps across the plane
export const NUDGE_STEPS = 120; // a selected point's arrow-key steps across the plane (Shift: 24)

const MOVES = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

/** A point in the live line and the cursor's label: "point #i", counted from 0 as the link's
 *  `pts` list (the order the points are sent in) and the playground's "sample #i"; with
 *  `count` (the points there are), it says so: "point #i of count (counted from 0)". */
export function pointName(index, count) {
  return count === undefined ? `point #${index}` : `point #${index} of ${count} (counted from 0)`;
}
const Name = (index, count) => { const t = pointName(index, count); return t[0].toUpperCase() + t.slice(1); };

/** The cursor [from the left, from the top], fractions 0..1 of the plane, after `key` (Shift:
 *  `big`), or null for a key that does not move it. */
export function moveCursor([fx, fy], key, big = false) {
  const d = big ? 4 : 1;
  if (!MOVES[key]) return null;
  const [mx, my] = MOVES[key];
  const c = (v, dv) => Math.min(CURSOR_STEPS, Math.max(0, Math.round(v * CURSOR_STEPS) + dv)) / CURSOR_STEPS;
  return [c(fx, mx * d), c(fy, my * d)];
}

/** A selected point's plane coordinates [x1, x2] after `key` (Shift: `big`): one step of
 *  1/NUDGE_STEPS of the plane's width or height (Shift: 1/CURSOR_STEPS), up is +x2, clamped
 *  into `domain` ({x: [lo, hi], y: [lo, hi]}) and rounded as a placed point is; null for a key
 *  that does not move it. */
export function nudge([x, y], key, big, domain) {
  if (!MOVES[key]) return null;
  const [mx, my] = MOVES[key];
  const steps = big ? CURSOR_STEPS : NUDGE_STEPS;
  const dx = (domain.x[1] - domain.x[0]) / steps;
  const dy = (domain.y[1] - domain.y[0]) / steps;
  const [cx, cy] = clampToDomain(domain, x + mx * dx, y - my * dy);
  // rounding may step just outside the plane: clamp again
  return clampToDomain(domain, roundTo(cx), roundTo(cy));
}

/**
 * Make `overlay` (the points' canvas in `wrap`) usable from the keyboard; the live line goes
 * into `liveParent`. `size()`: its size in CSS pixels; `toPlane(px, py)`, `toPx(x, y)`: plane
 * coordinates and back; `axes()`: the axes' names; `domain()`: the plane's range;
 * `act(px, py, remove)`: apply the tool at that pixel (remove: delete whatever the tool);
 * `pointAt(px, py)`: the index of the point under that pixel that the add tool would select
 * (-1: none, null: no points to edit), `pointOf(i)`: [x1, x2, label] as the server has it;
 * `moveTo(i, x, y)`: send that move, resolves with the error (null when it was applied);
 * `remove(i)`: delete point i; `count()`: how many points there are to edit. With the read tool
 * (`reads()` true) the cursor reads instead: every move and Enter call `read(px, py)` (the
 * hover's tip there; returns its text, said in the live line), and no point is added, moved or
 * deleted; `unread()` takes the keys' reading away (the focus left). The cursor ring shows
 * for keyboard focus only (:focus-visible; a click or tap on the plane focuses it too) and
 * with the first key (an arrow moves it; Enter, Space or Delete only shows it).
 */
export function createPointKeys(overlay, wrap, liveParent, view) {
  const { size, toPlane, toPx, axes, domain, act, pointAt, pointOf, moveTo, remove, count, reads, read, unread } = view;
  overlay.tabIndex = 0;
  overlay.setAttribute("aria-label", "The plane: the arrow keys move a cursor, Enter places a point of the chosen class there (on a point: selects it, then the arrow keys move it, Shift farther, Enter or Escape lets it go), Delete deletes the point under it; with the read tool, the cursor reads the network's output wherever it goes");
  overlay.setAttribute("aria-describedby", "plane-keys-live");
  const label = el("span", { class: "out-cursor-label" });
  const cursor = el("div", { class: "out-cursor", hidden: true, "data-role": "cursor" }, label);
  wrap.append(cursor);
  const live = el("p", { class: "out-keys-live hint", id: "plane-keys-live", "aria-live": "polite", "data-role": "point-live" });
  liveParent.append(live);
  let at = [0.5, 0.5];
  let selected = null; // {index, target: [x1, x2] last asked for, sending: a move in flight}
  const px = () => [at[0] * size(), at[1] * size()];
  const words = ([x, y]) => `${axes()[0]} ${fmt(x)}, ${axes()[1]} ${fmt(y)}`;
  const say = (text) => { live.textContent = text; };

  function show() {
    cursor.hidden = false;
    cursor.classList.toggle("selected", Boolean(selected));
    cursor.style.left = `${at[0] * 100}%`;
    cursor.style.top = `${at[1] * 100}%`;
    const xy = selected ? selected.target : toPlane(...px()).map((v) => roundTo(v)); // as a placed point gets them
    cursor.dataset.x1 = String(xy[0]);
    cursor.dataset.x2 = String(xy[1]);
    if (selected) cursor.dataset.index = String(selected.index);
    else delete cursor.dataset.index;
    label.textContent = selected ? `${pointName(selected.index)}: ${words(xy)}` : words(xy);
    label.hidden = reads() && !selected; // the read tool's tip says where, and what is there
    label.classList.toggle("left", at[0] > 0.6);
  }
  /** The cursor onto plane point (x, y). */
  function cursorTo(x, y) {
    const [qx, qy] = toPx(x, y);
    at = [qx / size(), qy / size()];
  }

  function select(index) {
    const p = pointOf(index);
    if (!p) return;
    // the plane as drawn now: a custom set's plane grows round a point at its edge (the
    // server pads its points' box), and a held key must not walk the point off with it
    selected = { index, target: [p[0], p[1]], sending: false, done: Promise.resolve(), domain: domain() };
    cursorTo(p[0], p[1]);
    show();
    say(`${Name(index, count())}, class ${p[2]}, selected at ${words(p)}: the arrow keys move it (Shift: farther), Enter or Escape lets it go, Delete deletes it.`);
  }
  function letGo(text) {
    selected = null;
    show();
    if (text) say(text);
  }

  /** Send the selected point's target, then any newer one asked for meanwhile (one at a time). */
  async function send(s) {
    s.sending = true;
    for (;;) {
      const [x, y] = s.target;
      const error = await moveTo(s.index, x, y);
      const p = pointOf(s.index);
      if (error) {
        s.target = p ? [p[0], p[1]] : s.target;
        s.sending = false;
        if (selected === s) {
          if (p) cursorTo(p[0], p[1]);
          show();
        }
        const why = /[.!?]$/.test(error) ? error : `${error}.`;
        say(`${Name(s.index)} not moved: ${why}${p ? ` It stays at ${words(p)}.` : ""}`);
        return;
      }
      if (s.target[0] === x && s.target[1] === y) {
        s.sending = false;
        const d = s.domain;
        const edge = x === d.x[0] || x === d.x[1] || y === d.y[0] || y === d.y[1];
        say(`${Name(s.index)} moved to ${words(p ?? [x, y])}${edge ? " (the edge of the plane)" : ""}.`);
        return;
      }
    }
  }

  // the ring is for the keys: a click or a tap focuses the plane too, and put it at the centre
  overlay.addEventListener("focus", () => {
    if (overlay.matches(":focus-visible")) show();
  });
  overlay.addEventListener("blur", () => {
    cursor.hidden = true;
    unread();
    // the line is about the cursor and the selected point: with the focus gone, a "selected"
    // line would be untrue and a "moved" one stale under later epochs; a move in flight still
    // lands, and is said
    if (!selected?.sending) say("");
    selected = null;
  });
  overlay.addEventListener("keydown", (e) => {
    if (selected) {
      const next = nudge(selected.target, e.key, e.shiftKey, selected.domain);
      if (next) {
        e.preventDefault();
        selected.target = next;
        cursorTo(...next);
        show();
        if (!selected.sending) selected.done = send(selected);
      } else if (e.key === "Enter" || e.key === " " || e.key === "Escape") {
        e.preventDefault();
        const p = selected.target;
        letGo(`${Name(selected.index)} let go at ${words(p)}.`);
      } else if (e.key === "Delete") {
        e.preventDefault();
        const { index, done } = selected;
        letGo("");
        done.then(() => remove(index)); // after a move still in flight
      }
      return;
    }
    const next = moveCursor(at, e.key, e.shiftKey);
    const apply = e.key === "Enter" || e.key === " " || e.key === "Delete";
    if (apply && cursor.hidden) {
      // focused by a click: Enter first shows the cursor where it is, and does nothing else
      e.preventDefault();
      show();
      if (reads()) say(read(...px()));
      return;
    }
    if (next) {
      e.preventDefault();
      at = next;
      show();
      if (reads()) say(read(...px()));
    } else if (apply && reads()) {
      e.preventDefault();
      say(e.key === "Delete" ? "The read tool changes no point: pick a point tool (+ class 0, + class 1, ✕ delete) to edit the points." : read(...px()));
    } else if (apply) {
      e.preventDefault();
      const hit = e.key === "Delete" ? -1 : pointAt(...px());
      if (hit !== null && hit >= 0) select(hit);
      else act(...px(), e.key === "Delete");
    }
  });
  return {
    select,
    /** Let the selected point go, silently (the pointer pressed the plane). */
    letGo: () => { if (selected) letGo(""); },
  };
}
