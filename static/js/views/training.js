// Training: settings form, step / play / pause / rewind buttons, progress bar.
// Asks the session controller through store.request; reads store state only.

import { formatValue } from "../lib/colors.js";
import { formatDuration } from "../lib/geometry.js";
import { epochTimeLeft } from "../lib/epoch-clock.js";
import { api } from "../api.js";
import { el, viewHandle } from "../ui/dom.js";
import { grayCanvas } from "../lib/gray.js";
import { rewindEpochs, rewindNote } from "../lib/rewind.js";
import { createRewindConfirm } from "../ui/rewind-confirm.js";
import { formFieldsFor } from "../lib/settings-fields.js";
import { createTrainAlert } from "./train-alert.js";
import { keepTyped } from "../lib/keep-typed.js";

// the settings form's boxes, each named as its setting (a split's three as split_<part>)
const SETTING_NAMES = ["dataset", "seed", "loss", "optimizer", "lr", "momentum", "batch_size", "weight_decay",
  "split_train", "split_val", "split_test"];
const num = (name, min, max, step = "any") => el("input", { name, type: "number", min, max, step });
const select = (name, options) => el("select", { name }, ...options.map(([value, text]) => el("option", { value }, text)));

/** The settings form's fields, one label each (the `name`s are the settings' keys). */
function fields() {
  return el("div", { class: "form-grid" },
    el("label", {}, "Dataset ", select("dataset", [["mnist", "MNIST digits"], ["shapes", "Shapes"], ["own", "My own data"]])),
    el("label", {}, "Seed ", num("seed", "0", undefined, "1")),
    el("label", {}, "Train ", num("split_train", "0.05", "0.95")),
    el("label", {}, "Val ", num("split_val", "0.05", "0.9")),
    el("label", {}, "Test ", num("split_test", "0", "0.9")),
    el("label", {}, "Loss ", select("loss", [["cross_entropy", "cross-entropy"], ["mse", "mean squared"], ["bce", "binary cross-entropy"]])),
    el("label", {}, "Optimizer ", select("optimizer", [["sgd", "SGD"], ["momentum", "SGD + momentum"], ["adam", "Adam"]])),
    el("label", {}, "Learning rate ", num("lr", "0.00001", "10")),
    el("label", {}, "Momentum ", num("momentum", "0", "0.999")),
    el("label", {}, "Batch size ", num("batch_size", "1", "1024", "1")),
    el("label", {}, "Weight decay ", num("weight_decay", "0", "1")),
  );
}

export function createTraining(container, store) {
  const trainButton = (act, keys, title, text, cls) =>
    el("button", { type: "button", "data-act": act, class: cls, "aria-keyshortcuts": keys, title }, text);
  container.replaceChildren(
    el("h2", { class: "panel-title" }, "Training"),
    el("div", { class: "train-epoch", "aria-live": "polite" }),
    el("p", { class: "train-problem", role: "status", hidden: true }),
    el("div", { class: "train-buttons", role: "group", "aria-label": "Train" },
      trainButton("sample", "n", "one sample (n)", "+1 sample"),
      trainButton("batch", "s", "one batch (s)", "+1 batch"),
      trainButton("epoch", "e", "one epoch (e)", "+1 epoch"),
      trainButton("play", "Space", "play / pause (space)", "▶ Play", "primary"),
    ),
    el("div", { class: "train-rewind" },
      el("label", {}, "Rewind to epoch ", el("select", { class: "rewind-epoch", "aria-label": "epoch to rewind to" })),
      el("button", { type: "button", "data-act": "rewind" }, "Rewind"),
      el("p", { class: "hint rewind-note", hidden: true }),
    ),
    el("div", { class: "progress", hidden: true },
      el("div", { class: "progress-bar", role: "progressbar", "aria-label": "epoch progress", "aria-valuemin": "0", "aria-valuemax": "100" },
        el("span")),
      el("div", { class: "progress-text", "aria-live": "off" }),
    ),
    el("details", { class: "train-settings" },
      el("summary", {}, "Settings ", el("span", { class: "settings-summary" })),
      el("form", { class: "settings-form" },
        fields(),
        el("p", { class: "hint" }, "Changing dataset, split, loss or seed starts the weights over."),
        el("button", { type: "submit" }, "Apply settings"),
        el("p", { class: "settings-msg", "aria-live": "polite" }),
      ),
    ),
  );
  const q = (s) => container.querySelector(s);
  const form = q(".settings-form");
  const play = q("[data-act=play]");
  const rewindSel = q(".rewind-epoch");
  const req = (r) => store.set("request", { ...r, at: performance.now() });

  container.querySelector(".train-buttons").addEventListener("click", (ev) => {
    const act = ev.target.closest("button")?.dataset.act;
    if (!act) return;
    if (act === "play") req({ type: store.get("playing") ? "stop" : "play" });
    else if (store.get("training")) return;
    else if (act === "sample") req({ type: "train", unit: "samples", count: 1 });
    else if (act === "batch") req({ type: "train", unit: "batches", count: 1 });
    else if (act === "epoch") req({ type: "train", unit: "epochs", count: 1 });
  });
  // "+1 sample": which sample the step trained on (progress `trained_on`), with a way to look at it.
  const trained = el("div", { class: "train-sample", "aria-live": "polite", hidden: true });
  q(".train-buttons").after(trained);
  const alert = createTrainAlert(store, document.getElementById("banner") ?? container);
  trained.after(alert.element);
  let trainedKey = null;
  async function showTrained() {
    const on = store.get("trainedOn");
    const key = on ? `${store.get("sessionId")}|${on.index}` : null;
    if (key === trainedKey) return;
    trainedKey = key;
    trained.replaceChildren();
    trained.hidden = !on;
    if (!on) return;
    const text = el("span", {}, `Trained on train sample #${on.index}`);
    const show = el("button", { type: "button", class: "link" }, "show it");
    show.addEventListener("click", () => store.set("input", { kind: "sample", split: on.split, index: on.index, t0: performance.now() }));
    trained.append(text, " ", show);
    try {
      const r = await api.sessionSamples(store.get("sessionId"), { split: on.split, count: 1, offset: on.index });
      if (key !== trainedKey || !r.images.shape[0]) return;
      const cv = grayCanvas(r.images, 0);
      cv.className = "train-sample-img";
      text.textContent = `Trained on train sample #${on.index}, true label ${r.class_names[r.labels[0]]}`;
      trained.prepend(cv);
    } catch {
      // the text says which sample; the picture is a nicety
    }
  }

  // "Test": the test split, evaluated at the current weights. It is the final, unbiased
  // measure only while nothing was chosen by it: the note says so, and counts the looks.
  const testBtn = el("button", { type: "button", class: "test-run" }, "Test");
  const testNote = el("p", { class: "hint test-note" });
  const testResult = el("p", { class: "test-result", "aria-live": "polite" });
  const testBox = el("div", { class: "train-test" }, testBtn, testNote, testResult);
  let looks = []; // [{epoch, step}] of this session's test evaluations seen on this page
  let looksFor = null;
  function showTestNote() {
    if (looksFor !== store.get("sessionId")) {
      looksFor = store.get("sessionId");
      looks = [];
      testResult.textContent = "";
    }
    const size = store.get("session")?.dataset?.test ?? 0;
    testBtn.disabled = store.get("training") || !size;
    testNote.textContent = !size
      ? "No test split: give it a share in the settings (Test) to measure the finished network once."
      : looks.length === 0
        ? `Evaluate the ${size} test images once, when you are done choosing the network and its settings: `
          + "they are the final, unbiased measure only while no choice was made by looking at them."
        : `You have looked at the test split ${looks.length === 1 ? "once" : `${looks.length} times`} `
          + `(at epoch ${looks.map((l) => l.epoch).join(", ")}). Change anything because of it and it is one more validation split, not a fair final check.`;
  }
  testBtn.addEventListener("click", async () => {
    const id = store.get("sessionId");
    const epoch = store.get("epoch");
    testBtn.disabled = true;
    testResult.textContent = "Evaluating the test split…";
    try {
      const r = await api.evaluate(id, "test");
      if (id !== store.get("sessionId")) return;
      looks.push({ epoch, step: store.get("session")?.step });
      testResult.textContent = `Test: accuracy ${(100 * r.acc).toFixed(1)}%, loss ${formatValue(r.loss)} on ${r.count} images, `
        + `at epoch ${epoch}.`;
      testResult.dataset.acc = String(r.acc);
    } catch (err) {
      testResult.textContent = `Could not evaluate the test split: ${err.message}`;
    }
    showTestNote();
  });

  // Rewinding deletes the epochs after the one chosen: ask first, right under the button.
  const confirmRewind = createRewindConfirm(q(".train-rewind"), store, (to) => req({ type: "rewind", epoch: to }));
  confirmRewind.box.after(testBox);
  q("[data-act=rewind]").addEventListener("click", () => {
    if (rewindSel.value !== "") confirmRewind.ask(Number(rewindSel.value));
  });

  // The reply to "Apply settings" is said under its button (the page's status line is at the
  // top, out of sight on a phone), and a refused setting's box is marked.
  const msg = q(".settings-msg");
  const showMsg = (text, error = false, names = []) => {
    msg.textContent = text;
    msg.classList.toggle("error", error);
    for (const box of form.querySelectorAll("[aria-invalid]")) box.removeAttribute("aria-invalid");
    for (const name of names) form.elements[name]?.setAttribute("aria-invalid", "true");
  };
  form.addEventListener("input", () => msg.classList.contains("error") && showMsg(""));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    for (const box of Object.values(boxes)) box.taken(); // the whole form is the learner's now
    const f = new FormData(form);
    const n = (k) => Number(f.get(k));
    showMsg("Applying…");
    req({
      type: "applySettings",
      resolve: () => showMsg(store.get("status")?.text ?? "Settings applied."),
      reject: (err) => {
        const names = formFieldsFor(err.field);
        showMsg(`Not applied: ${err.message}`, true, names);
        if (names.length) form.elements[names[0]].focus();
      },
      settings: {
        dataset: f.get("dataset"), seed: n("seed"), loss: f.get("loss"), optimizer: f.get("optimizer"),
        lr: n("lr"), momentum: n("momentum"), batch_size: n("batch_size"), weight_decay: n("weight_decay"),
        split: { train: n("split_train"), val: n("split_val"), test: n("split_test") },
      },
    });
  });

  // A box the learner is in, or has typed into and not applied, is not rewritten by a settings
  // change (another view's reply, the stuck banner's lr): keep-typed.js.
  const boxes = Object.fromEntries(SETTING_NAMES.map((name) => [name, keepTyped(form.elements[name])]));

  function fillForm() {
    const s = store.get("settings");
    if (!s) return;
    const shown = { ...s, split_train: s.split?.train, split_val: s.split?.val, split_test: s.split?.test };
    for (const name of SETTING_NAMES) boxes[name].show(shown[name] ?? "");
    q(".settings-summary").textContent = `${s.dataset} · ${s.optimizer} lr ${s.lr} · batch ${s.batch_size}`;
  }

  function update() {
    const training = store.get("training");
    const playing = store.get("playing");
    const epoch = store.get("epoch");
    const session = store.get("session");
    container.dataset.training = String(training);
    container.dataset.epoch = String(epoch);
    play.textContent = playing ? "❚❚ Pause" : "▶ Play";
    play.setAttribute("aria-pressed", String(playing));
    // "Cannot train yet" (the note below says why): the train buttons wait for it to be solved
    const cannot = Boolean(session?.training_problem);
    for (const b of container.querySelectorAll("[data-act=sample],[data-act=batch],[data-act=epoch]")) b.disabled = training || cannot;
    q("[data-act=rewind]").disabled = training;
    play.disabled = cannot && !playing;
    form.querySelector("button[type=submit]").disabled = training;
    const ds = session?.dataset;
    const step = training && store.get("progress")?.step !== undefined ? store.get("progress").step : session?.step ?? 0;
    q(".train-epoch").textContent = `${epoch} epoch${epoch === 1 ? "" : "s"} trained · step ${step}` + (ds ? ` · ${ds.train} train / ${ds.val} val` : "");
    const problem = session?.training_problem;
    q(".train-problem").hidden = !problem;
    q(".train-problem").textContent = problem ? `Cannot train yet: ${problem}` : "";
    const opts = rewindEpochs(session?.rewind_epochs, epoch);
    const key = opts.join(",");
    if (rewindSel.dataset.key !== key) {
      rewindSel.replaceChildren(...opts.map((e) => new Option(`${e}${e === 0 ? " (start)" : ""}`, String(e))));
      rewindSel.dataset.key = key;
      const before = opts.filter((e) => e < epoch);
      rewindSel.value = String(before.length ? before[before.length - 1] : 0);
      const note = rewindNote(opts, epoch);
      q(".rewind-note").textContent = note;
      q(".rewind-note").hidden = !note;
    }
    const p = store.get("progress");
    const box = q(".progress");
    box.hidden = !training && !p;
    if (p) {
      const total = p.batches || session?.batches_per_epoch || 0;
      const done = p.batch ?? 0;
      const pct = total ? (100 * done) / total : 0;
      q(".progress-bar span").style.width = `${pct.toFixed(1)}%`;
      q(".progress-bar").setAttribute("aria-valuenow", pct.toFixed(0));
      const left = epochTimeLeft(p, total);
      const parts = [`epoch ${p.epoch ?? epoch + 1}`, `batch ${done}/${total}`];
      if (p.loss !== undefined) parts.push(`loss ${formatValue(p.loss)}`);
      if (p.acc !== undefined) parts.push(`acc ${(p.acc * 100).toFixed(1)}%`);
      parts.push(`${formatDuration(left)} left`);
      q(".progress-text").textContent = parts.join(" · ");
    }
  }

  const offs = [
    store.subscribe(["settings"], fillForm),
    store.subscribe(["training", "playing", "epoch", "session", "history", "progress"], update),
    store.subscribe(["trainedOn"], showTrained),
    store.subscribe(["training", "session", "sessionId"], showTestNote),
    alert.destroy,
  ];
  fillForm();
  showTestNote();
  update();
  return viewHandle(container, update, offs);
}
