// Drawing on the pad with the keyboard: arrow keys move a cursor over the raster (Shift: finer
// steps), Space or Enter puts the pen down or lifts it, Escape or leaving the pad lifts it.
// With the pen down every move extends the stroke, as a mouse drag would.

const STEP = 4; // raster pixels per arrow press (the pad is 140 raster pixels wide)
const FINE = 1; // with Shift
const MOVES = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

/**
 * Listen for keys on `canvas` (size x size raster shown at its CSS size); show the cursor
 * position on `cursor` (an absolutely placed element over the canvas). pen = {down(p), move(p),
 * up()} with p = {x, y} in raster pixels.
 */
export function attachKeyboardPen(canvas, cursor, size, pen) {
  let at = { x: size / 2, y: size / 2 };
  let down = false;

  function show() {
    const scale = canvas.clientWidth / size;
    cursor.style.left = `${canvas.offsetLeft + canvas.clientLeft + at.x * scale}px`;
    cursor.style.top = `${canvas.offsetTop + canvas.clientTop + at.y * scale}px`;
    cursor.dataset.down = String(down);
  }
  function lift() {
    if (down) pen.up();
    down = false;
    show();
  }

  canvas.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const move = MOVES[ev.key];
    if (move) {
      const step = ev.shiftKey ? FINE : STEP;
      at = {
        x: Math.min(size - 0.5, Math.max(0.5, at.x + move[0] * step)),
        y: Math.min(size - 0.5, Math.max(0.5, at.y + move[1] * step)),
      };
      if (down) pen.move(at);
    } else if (ev.key === " " || ev.key === "Enter") {
      down = !down;
      if (down) pen.down(at);
      else pen.up();
    } else if (ev.key === "Escape" && down) {
      lift();
    } else {
      return; // every other key keeps its page-wide meaning
    }
    ev.preventDefault();
    ev.stopPropagation();
    show();
  });
  canvas.addEventListener("focus", () => {
    cursor.hidden = false;
    show();
  });
  canvas.addEventListener("blur", () => {
    lift();
    cursor.hidden = true;
  });
}
