// Keyboard shortcuts (listed in views/help.js). Ignored while typing in a form field.

export function createShortcuts(store, pad, help) {
  const req = (r) => store.set("request", { ...r, at: performance.now() });
  function onKey(ev) {
    const t = ev.target;
    const choice = t && t.tagName === "INPUT" && ["radio", "checkbox", "range", "file"].includes(t.type);
    const typing = t && !choice && (t.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(t.tagName));
    if ((ev.ctrlKey || ev.metaKey) && ev.key.toLowerCase() === "z" && !typing) {
      ev.preventDefault();
      pad.undo();
      return;
    }
    if (typing || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const training = store.get("training");
    switch (ev.key) {
      case " ":
        if (t && (choice || t.tagName === "BUTTON" || t.tagName === "SUMMARY" || t.getAttribute?.("role") === "button")) return;
        ev.preventDefault();
        req({ type: store.get("playing") ? "stop" : "play" });
        break;
      case "s":
        if (!training) req({ type: "train", unit: "batches", count: 1 });
        break;
      case "n":
        if (!training) req({ type: "train", unit: "samples", count: 1 });
        break;
      case "e":
        if (!training) req({ type: "train", unit: "epochs", count: 1 });
        break;
      case "c":
        pad.clear();
        break;
      case "m":
        store.set("normalization", store.get("normalization") === "map" ? "layer" : "map");
        break;
      case "?":
        help?.toggle();
        break;
      case "Escape":
        if (help && !document.getElementById("help").hidden) help.toggle();
        else store.set("detail", null);
        break;
      default:
        return;
    }
  }
  document.addEventListener("keydown", onKey);
  return { update() {}, destroy: () => document.removeEventListener("keydown", onKey) };
}
