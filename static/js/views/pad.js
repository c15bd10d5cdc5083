// The drawing pad: pointer events (mouse, touch, pen), brush size, pen/eraser, undo, clear,
// upload (picker and drag-and-drop). Writes store.input; never talks to the server itself.

import { clientToCanvas } from "../lib/geometry.js";
import { extendStroke, hasInk, inkToRgba, rasterize, toGray8 } from "../lib/raster.js";
import { attachKeyboardPen } from "./pad-keys.js";
import { prepareUpload } from "./pad-upload.js";
import { FAILED } from "../controllers/forward.js";
import { el } from "../ui/dom.js";

const SIZE = 140; // pad raster, shown at 280 CSS pixels

export function createPad(container, store) {
  container.replaceChildren(
    el("h2", { class: "panel-title" }, "Input"),
    el("div", { class: "pad-wrap", "data-has-ink": "false" },
      el("canvas", { class: "pad", width: SIZE, height: SIZE, tabindex: "0",
        "aria-label": "Drawing pad: draw a digit with the mouse, a finger or a pen" }),
      el("p", { class: "pad-prompt", "aria-hidden": "true" }, "Draw a digit here"),
      el("p", { class: "pad-note", hidden: true }),
      el("p", { class: "pad-drop", hidden: true }, "Drop an image to use it as input"),
      el("span", { class: "pad-cursor", hidden: true }),
    ),
    el("div", { class: "pad-tools", role: "toolbar", "aria-label": "Drawing tools" },
      el("span", { class: "seg", role: "radiogroup", "aria-label": "Tool" },
        el("label", {}, el("input", { type: "radio", name: "pad-tool", value: "pen", checked: true }), " Pen"),
        el("label", {}, el("input", { type: "radio", name: "pad-tool", value: "eraser" }), " Eraser"),
      ),
      el("label", { class: "brush" }, "Brush ",
        el("input", { type: "range", class: "pad-brush", min: "4", max: "24", step: "1", value: "12", "aria-label": "Brush size" })),
    ),
    el("div", { class: "pad-tools" },
      el("button", { type: "button", class: "pad-undo", "aria-keyshortcuts": "Control+Z" }, "Undo"),
      el("button", { type: "button", class: "pad-clear", "aria-keyshortcuts": "c" }, "Clear"),
      el("label", { class: "button upload" }, "Upload image…",
        // visually hidden (sr-file), but reachable with Tab (the label shows focus)
        el("input", { type: "file", class: "pad-file sr-file", accept: "image/*" })),
    ),
  );
  const wrap = container.querySelector(".pad-wrap");
  const canvas = container.querySelector("canvas.pad");
  const ctx = canvas.getContext("2d");
  const note = container.querySelector(".pad-note");
  const brush = container.querySelector(".pad-brush");
  const image = ctx.createImageData(SIZE, SIZE);
  let strokes = [];
  let buf = new Float32Array(SIZE * SIZE);
  let current = null;
  let version = 0;
  let background = null; // an uploaded image shown on the pad (not drawable-on)

  function paint() {
    if (background) return;
    inkToRgba(buf, image.data);
    ctx.putImageData(image, 0, 0);
    wrap.dataset.hasInk = String(hasInk(buf));
  }

  function emit() {
    version += 1;
    if (!hasInk(buf)) {
      store.set("input", { kind: "empty", version });
      return;
    }
    store.set("input", { kind: "pixels", pixels: toGray8(buf), width: SIZE, height: SIZE, version, t0: performance.now() });
  }

  function point(ev) {
    return clientToCanvas(canvas.getBoundingClientRect(), SIZE, SIZE, ev.clientX, ev.clientY);
  }

  function showNote(text) {
    note.textContent = text;
    note.classList.remove("error");
    note.removeAttribute("role");
    note.hidden = false;
  }

  function leaveBackground() {
    note.hidden = true;
    background = null;
  }

  /** Begin a stroke at raster point p, for pointer `id` ("keyboard" for the keys). */
  function startStroke(p, id) {
    leaveBackground();
    const erase = container.querySelector("input[name=pad-tool]:checked").value === "eraser";
    // Brush slider is in display pixels (280 wide); the raster is half that.
    current = { points: [p], size: (Number(brush.value) * SIZE) / 280, erase, id };
    strokes.push(current);
    extendStroke(buf, SIZE, SIZE, current);
    paint();
    emit();
  }
  function extendTo(points) {
    for (const p of points) {
      current.points.push(p);
      extendStroke(buf, SIZE, SIZE, current);
    }
    paint();
    emit();
  }

  canvas.addEventListener("pointerdown", (ev) => {
    if (ev.button !== 0 && ev.pointerType === "mouse") return;
    ev.preventDefault();
    try {
      canvas.setPointerCapture(ev.pointerId); // keep the stroke when it leaves the pad
    } catch {
      /* a pointer the browser does not track (synthetic events): draw without capture */
    }
    startStroke(point(ev), ev.pointerId);
  });
  canvas.addEventListener("pointermove", (ev) => {
    if (!current || ev.pointerId !== current.id) return;
    const events = ev.getCoalescedEvents ? ev.getCoalescedEvents() : [ev];
    extendTo((events.length ? events : [ev]).map(point));
  });
  const end = (ev) => {
    if (current && ev.pointerId === current.id) current = null;
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);

  // Drawing with the keyboard: arrows move a cursor, Space or Enter puts the pen down / lifts it.
  attachKeyboardPen(canvas, wrap.querySelector(".pad-cursor"), SIZE, {
    down: (p) => startStroke(p, "keyboard"),
    move: (p) => current?.id === "keyboard" && extendTo([p]),
    up: () => {
      if (current?.id === "keyboard") current = null;
    },
  });

  function undo() {
    if (background) {
      clear();
      return;
    }
    strokes.pop();
    buf = rasterize(strokes, SIZE, SIZE);
    paint();
    emit();
  }
  function clear() {
    leaveBackground();
    strokes = [];
    buf = new Float32Array(SIZE * SIZE);
    paint();
    emit();
  }
  container.querySelector(".pad-undo").addEventListener("click", undo);
  container.querySelector(".pad-clear").addEventListener("click", clear);

  async function useFile(file) {
    if (!file) return;
    let ready;
    try {
      ready = await prepareUpload(file);
    } catch (err) {
      // said here, under the pad; the pad and what the network shows stay as they were
      note.setAttribute("role", "alert");
      note.classList.add("error");
      note.textContent = `${err.message} The network still shows what it showed before.`;
      note.hidden = false;
      return;
    }
    strokes = [];
    buf = new Float32Array(SIZE * SIZE);
    background = ready.file;
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, SIZE, SIZE);
    const { bitmap } = ready;
    const s = Math.min(SIZE / bitmap.width, SIZE / bitmap.height);
    ctx.drawImage(bitmap, (SIZE - bitmap.width * s) / 2, (SIZE - bitmap.height * s) / 2, bitmap.width * s, bitmap.height * s);
    wrap.dataset.hasInk = "true";
    showNote(`Showing ${file.name}${ready.note ? ` (${ready.note})` : ""}. Draw to start over.`);
    version += 1;
    store.set("input", { kind: "file", file: ready.file, version });
  }
  const fileInput = container.querySelector(".pad-file");
  fileInput.addEventListener("change", () => {
    useFile(fileInput.files[0]);
    fileInput.value = ""; // the same file chosen again is a change too
  });
  const drop = container.querySelector(".pad-drop");
  wrap.addEventListener("dragover", (ev) => {
    ev.preventDefault();
    drop.hidden = false;
  });
  wrap.addEventListener("dragleave", () => (drop.hidden = true));
  wrap.addEventListener("drop", (ev) => {
    ev.preventDefault();
    drop.hidden = true;
    useFile(ev.dataTransfer.files[0]);
  });

  // The prompt names what the session's dataset holds.
  const prompt = container.querySelector(".pad-prompt");
  function showPrompt() {
    prompt.textContent = promptFor(store.get("settings")?.dataset, store.get("spec")?.input);
    canvas.setAttribute("aria-label", `Drawing pad: ${prompt.textContent.toLowerCase()} with the mouse, a finger or a pen, `
      + "or with the keyboard: arrow keys move the cursor, Space puts the pen down or lifts it");
  }
  const offPrompt = store.subscribe(["settings", "spec"], showPrompt);
  showPrompt();

  // An upload the server refused (e.g. more pixels than its max_image_pixels): said here too,
  // where the picture is shown, not only in the status line at the top of the page.
  const offRefused = store.subscribe(["status"], (_, s) => {
    if (!background || s.input?.kind !== "file" || s.status?.level !== "error" || !s.status.text.startsWith(FAILED)) return;
    note.setAttribute("role", "alert");
    note.classList.add("error");
    note.textContent = `${s.input.file.name}: ${s.status.text.slice(FAILED.length).trim().replace(/^file: /, "")}. The network still shows what it showed before.`;
    note.hidden = false;
  });

  // A dataset sample chosen in the strip: the pad shows it is not the input any more.
  const off = store.subscribe(["input"], (_, s) => {
    if (s.input?.kind === "values") {
      strokes = [];
      buf = new Float32Array(SIZE * SIZE);
      background = null;
      paint();
      showNote("The network is looking at the values typed below. Draw to use a drawing.");
    }
    if (s.input?.kind === "sample") {
      strokes = [];
      buf = new Float32Array(SIZE * SIZE);
      background = null;
      paint();
      const split = { train: "training ", val: "validation ", test: "test " }[s.input.split] ?? "";
      showNote(`The network is looking at ${split}sample #${s.input.index}${s.input.label !== undefined ? ` (true label ${s.input.label})` : ""}. Draw to use your own.`);
    }
  });

  paint();
  return {
    update() {},
    destroy() {
      off();
      offPrompt();
      offRefused();
      container.replaceChildren();
    },
    clear,
    undo,
    /** Pixels currently on the pad (0..255, ink bright), for "add to my data". */
    pixels: () => ({ pixels: toGray8(buf), width: SIZE, height: SIZE, empty: !hasInk(buf) }),
  };
}

/** What to draw, for the session's dataset and the network's input (C x H x W). */
function promptFor(dataset, input) {
  if (input && !(input.channels === 1 && input.height === 28 && input.width === 28)) {
    // The engine frames the ink into H x W (sides under 4: shrinks all of it), gray in every channel.
    return `Draw here: it is shrunk to ${input.height}×${input.width}${input.channels > 1 ? `, gray in all ${input.channels} channels` : ""}`;
  }
  if (dataset === "shapes") return "Draw a shape here";
  if (dataset === "own") return "Draw one of your classes here";
  return "Draw a digit here";
}
