// The "A 2-2-1 network by hand" view of the lab: every weight, bias and the sample typed in;
// the engine's forward pass, loss, chain rule for every weight and bias (exact, and rounded
// to 3 digits at each step as a text does it), one SGD step, training on the people table
// one person at a time, and a prediction for a new person (POST /api/lab/net221[/train|/predict]).
// The page prints the replies; it computes none of the numbers it shows. This file is the
// container (set-up, state, requests, events); net221-parts.js draws the reply's pieces.
// URL keys: h.p, h.x, h.y, h.lr, h.i, h.new (static/js/lab/byhand/state.js).

import { readParam, writeParams } from "../url.js";
import { latestOnly, post } from "./api.js";
import { createDiagram } from "./diagram.js";
import { el, ignoredNote, numberField } from "./dom.js";
import { fmt, inputText, parseNumber } from "./format.js";
import { drawLosses } from "./losschart.js";
import { chainCards, forwardRows, lossRows, peopleRows, personRows, sgdRows } from "./net221-parts.js";
import { NET_EXAMPLES, NET_FIELDS as FIELDS, PARAMS, netFieldProblem as problem, LINK_RULES, ignoredKeys, netParams, readNet } from "./state.js";

/** Draw the view into `panel` (a <section>); returns {setActive(active)}. */
export function mountNet221(panel) {
  let state = readNet(readParam);
  let reply = null;
  let losses = [];
  let playing = false;
  let busy = false;
  let active = false;
  // counts the person's own changes to the weights: a training reply from older weights is
  // dropped, never written over what they typed meanwhile
  let edits = 0;
  // every chain open where there is room for them, else only w1's
  const open = new Set(window.matchMedia("(min-width: 900px)").matches ? PARAMS : ["w1"]);
  const inputs = {};

  const message = el("p", { class: "bh-error", role: "alert", hidden: true });
  const field = (key, value) => {
    const spec = FIELDS[key];
    const f = numberField(spec.label, inputText(value), (input) => edited(key, input), { "data-field": key, "aria-label": spec.aria });
    inputs[key] = f.input;
    if (PARAMS.includes(key)) f.input.addEventListener("focus", holdStill);
    return f.wrap;
  };

  // -- the set-up ----------------------------------------------------------------------
  const presets = Object.entries(NET_EXAMPLES).map(([key, ex]) =>
    el("button", { type: "button", class: "bh-preset", "data-preset": key, text: ex.label }));
  const diagramBox = el("div", { class: "bh-diagram-box" });
  const diagram = createDiagram(diagramBox, (name) => inputs[name]?.focus());
  const setup = el("div", { class: "bh-card bh-area-setup" },
    el("h3", { text: "The network and one sample" }),
    diagramBox,
    el("p", { class: "hint", text: "h1 = f(w1·x1 + w2·x2 + b1), h2 = f(w3·x1 + w4·x2 + b2), ŷ = o1 = f(w5·h1 + w6·h2 + b3), f = sigmoid. Type any number; click a weight in the picture to edit it." }),
    el("div", { class: "bh-fields" },
      el("p", { class: "bh-row" }, el("span", { class: "bh-group", text: "sample" }), field("x1", state.x[0]), field("x2", state.x[1]), field("y", state.y)),
      el("p", { class: "bh-row" }, el("span", { class: "bh-group", text: "into h1" }), ...["w1", "w2", "b1"].map((k) => field(k, state.params[k]))),
      el("p", { class: "bh-row" }, el("span", { class: "bh-group", text: "into h2" }), ...["w3", "w4", "b2"].map((k) => field(k, state.params[k]))),
      el("p", { class: "bh-row" }, el("span", { class: "bh-group", text: "into o1" }), ...["w5", "w6", "b3"].map((k) => field(k, state.params[k]))),
      el("p", { class: "bh-row" }, el("span", { class: "bh-group", text: "SGD step" }), field("lr", state.lr))),
    message);

  // -- forward, loss, backward, step ---------------------------------------------------
  const forwardLines = el("div", { class: "bh-lines bh-lines3", "data-part": "forward" });
  const lossLines = el("div", { class: "bh-lines bh-lines3", "data-part": "loss" });
  const forward = el("div", { class: "bh-card bh-area-forward" },
    el("h3", { text: "Forward pass" }), forwardLines,
    el("h3", { class: "bh-sub", text: "Loss: squared error on this sample" }), lossLines);
  const chainList = el("div", { class: "bh-chains", "data-part": "chains" });
  const chain = el("div", { class: "bh-card bh-area-chain" },
    el("h3", { text: "Backward pass: the chain rule, one factor per line" }),
    el("p", { class: "hint", text: "Each ∂L/∂p is a product of local derivatives, from the loss back to the weight; f′(z) = f(z)(1 − f(z)) for the sigmoid. The right-hand column (“3 digits”) repeats every step with each result rounded to 3 significant digits before it is used again, as a worked example on paper does: that is why such a text prints ∂L/∂w1 = 0.0214 for Alice where exact arithmetic gives 0.02147." }),
    chainList);
  const sgdCaption = el("p", { class: "bh-sgd-caption" });
  const sgdBody = el("tbody");
  const sgdLoss = el("p", { class: "bh-sgd-loss" });
  const stepButton = el("button", { type: "button", class: "primary", "data-action": "step", text: "Take this step" });
  const sgd = el("div", { class: "bh-card bh-area-sgd" },
    el("h3", { text: "One SGD step: p ← p − η ∂L/∂p" }), sgdCaption,
    el("div", { class: "bh-scroll" }, el("table", { class: "bh-table bh-sgd", "data-part": "sgd" },
      el("thead", {}, el("tr", {}, ...["", "before", "∂L/∂p", "−η ∂L/∂p", "after"].map((t) => el("th", { text: t })))),
      sgdBody)),
    sgdLoss, el("p", { class: "bh-row" }, stepButton));

  // -- training on the people table ----------------------------------------------------
  const peopleBody = el("tbody");
  const tableLoss = el("p", { class: "bh-table-loss", "data-part": "table-loss" });
  const buttons = {
    sample: el("button", { type: "button", "data-action": "sample" }),
    epoch: el("button", { type: "button", "data-action": "epoch", text: "+1 epoch (4 people)" }),
    many: el("button", { type: "button", "data-action": "many", text: "+50 epochs" }),
    play: el("button", { type: "button", class: "primary", "data-action": "play", text: "Play" }),
  };
  const lossCanvas = el("canvas", { class: "bh-losses", role: "img", "aria-label": "the table's loss after each training step" });
  const personResult = el("div", { class: "bh-lines bh-lines3", "data-part": "prediction" });
  const training = el("div", { class: "bh-card bh-area-train" },
    el("h3", { text: "Train on the people table, one person at a time" }),
    el("p", { class: "hint", text: "Weight and height are shifted by a round number near their mean so that the inputs are small; y = 1 for female, 0 for male. Each step is the SGD step above, for the next person in the table, with the η above." }),
    el("div", { class: "bh-train-grid" },
      el("div", {},
        el("div", { class: "bh-scroll" }, el("table", { class: "bh-table bh-people", "data-part": "people" },
          el("thead", {}, el("tr", {}, ...["", "weight (lb)", "height (in)", "x1", "x2", "y", "ŷ", ""].map((t) => el("th", { text: t })))),
          peopleBody)),
        tableLoss,
        el("p", { class: "bh-row" }, buttons.sample, buttons.epoch, buttons.many, buttons.play)),
      el("div", {}, lossCanvas),
      el("div", {},
        el("h3", { class: "bh-sub", text: "A new person" }),
        el("p", { class: "bh-row" }, field("lb", state.person[0]), field("in", state.person[1])),
        personResult)));

  panel.replaceChildren(
    el("h2", { text: "A 2-2-1 network by hand" }),
    ...ignoredNote(ignoredKeys(readParam, netParams(state), LINK_RULES)),
    el("p", { class: "bh-presets" }, ...presets),
    el("div", { class: "bh-net" }, setup, forward, chain, sgd, training));

  // -- talking to the server -----------------------------------------------------------
  function showError(text) {
    message.textContent = text;
    message.hidden = false;
    panel.dataset.state = "error";
  }

  /** A reply came: the message goes, unless a field still holds text that is not a number
   *  (the numbers shown then use that field's last good value, and the message says so). */
  function settleMessage() {
    const bad = Object.keys(inputs).find((k) => inputs[k].getAttribute("aria-invalid") === "true");
    if (!bad) {
      message.hidden = true;
      return;
    }
    message.textContent = `${problem(bad, inputs[bad].value)}; shown: ${FIELDS[bad].label} = ${inputText(currentValue(bad))}`;
    message.hidden = false;
  }

  const body = () => ({ params: state.params, x: state.x, y: state.y, lr: state.lr });
  const send = latestOnly(
    (r) => {
      reply = r;
      settleMessage();
      render();
      panel.dataset.state = busy ? "training" : "ready";
    },
    (err) => showError(err.message),
  );
  const sendPerson = latestOnly(renderPerson, (err) => showError(err.message));

  function analyse() {
    writeParams(netParams(state));
    panel.dataset.state = "loading";
    stepButton.disabled = true; // its step is the reply's: until the reply for these numbers is in
    sendPerson(() => post("/api/lab/net221/predict", { params: state.params, weight_lb: state.person[0], height_in: state.person[1] }));
    return send(() => post("/api/lab/net221", body()));
  }

  function currentValue(key) {
    const values = { x1: state.x[0], x2: state.x[1], y: state.y, lr: state.lr, lb: state.person[0], in: state.person[1], ...state.params };
    return values[key];
  }

  /** Write the state into the fields named (all by default); a training reply writes only the
   *  weights and biases, so a sample, η or person half typed meanwhile is left as it is. */
  function showFields(keys = Object.keys(inputs)) {
    for (const key of keys) {
      inputs[key].value = inputText(currentValue(key));
      inputs[key].setAttribute("aria-invalid", "false");
    }
  }

  /** A weight or bias field took the focus while training runs: Play stops and the step in
   *  flight is dropped, so the number about to be typed over is not replaced under the cursor
   *  (a reply landing between selecting the text and typing made "0.714034" + "2"). */
  function holdStill() {
    if (!playing && !busy) return;
    playing = false;
    edits += 1;
    renderButtons();
  }

  function edited(key, input) {
    const bad = problem(key, input.value);
    input.setAttribute("aria-invalid", String(Boolean(bad)));
    if (bad) {
      showError(bad);
      return;
    }
    const v = parseNumber(input.value);
    // the sample, η and the new person do not touch the table's training: Play goes on
    if (key === "x1" || key === "x2") state = { ...state, x: key === "x1" ? [v, state.x[1]] : [state.x[0], v] };
    else if (key === "lb" || key === "in") state = { ...state, person: key === "lb" ? [v, state.person[1]] : [state.person[0], v] };
    else if (key === "y" || key === "lr") state = { ...state, [key]: v };
    else {
      state = { ...state, params: { ...state.params, [key]: v } };
      playing = false; // a typed weight stops Play: what was typed is what the person sees
      edits += 1;
      losses = [];
    }
    analyse();
  }

  async function train(steps) {
    if (busy) return;
    busy = true;
    panel.dataset.state = "training";
    const mine = edits;
    try {
      const r = await post("/api/lab/net221/train", { params: state.params, lr: state.lr, steps, start: state.next });
      if (mine !== edits) {
        // trained from weights the person has changed since: their change stands
        if (panel.dataset.state === "training") panel.dataset.state = "ready";
        return;
      }
      if (losses.length === 0) losses.push(r.table_loss_before);
      for (const s of r.steps) losses.push(s.table_loss);
      state = { ...state, params: r.params, next: r.next_index };
      showFields(PARAMS);
      busy = false;
      await analyse();
    } catch (err) {
      playing = false;
      showError(err.message);
    } finally {
      busy = false;
      renderButtons();
    }
  }

  async function play() {
    playing = !playing;
    renderButtons();
    while (playing && active) {
      await train(4);
    }
    playing = false;
    renderButtons();
  }

  // -- drawing -------------------------------------------------------------------------
  function render() {
    const r = reply;
    stepButton.disabled = false;
    diagram.update(r);
    forwardLines.replaceChildren(...forwardRows(r));
    lossLines.replaceChildren(...lossRows(r));
    chainList.replaceChildren(...chainCards(r, open));
    sgdCaption.textContent = `η = ${fmt(r.lr, 6)}: each weight and bias moves against its gradient.`;
    sgdBody.replaceChildren(...sgdRows(r));
    sgdLoss.textContent = `Loss on this sample: ${fmt(r.loss)} before the step, ${fmt(r.loss_after)} after it.`;
    peopleBody.replaceChildren(...peopleRows(r, state.next, (p) => {
      state = { ...state, x: [...p.x], y: p.label };
      showFields();
      analyse();
    }));
    tableLoss.replaceChildren("Loss over the table (mean of (y − ŷ)²): ", el("strong", { "data-value": r.table_loss, text: fmt(r.table_loss) }),
      losses.length > 1 ? ` after ${losses.length - 1} steps (it was ${fmt(losses[0])})` : "");
    panel.dataset.steps = String(Math.max(0, losses.length - 1));
    renderButtons();
    drawLosses(lossCanvas, losses);
  }

  function renderPerson(p) {
    personResult.replaceChildren(...personRows(p));
  }

  function renderButtons() {
    const name = reply?.people?.[state.next]?.name ?? "";
    buttons.sample.textContent = `+1 sample${name ? ` (${name})` : ""}`;
    buttons.play.textContent = playing ? "Pause" : "Play";
    for (const key of ["sample", "epoch", "many"]) buttons[key].disabled = playing;
  }

  // -- events --------------------------------------------------------------------------
  for (const button of presets) {
    button.addEventListener("click", () => {
      const ex = NET_EXAMPLES[button.dataset.preset];
      playing = false;
      edits += 1;
      losses = [];
      state = { ...state, params: { ...ex.params }, x: [...ex.x], y: ex.y };
      showFields();
      analyse();
    });
  }
  stepButton.addEventListener("click", () => {
    if (!reply) return;
    playing = false;
    edits += 1;
    state = { ...state, params: Object.fromEntries(reply.grads.map((g) => [g.name, g.after])) };
    losses = [];
    showFields();
    analyse();
  });
  buttons.sample.addEventListener("click", () => train(1));
  buttons.epoch.addEventListener("click", () => train(4));
  buttons.many.addEventListener("click", () => train(200));
  buttons.play.addEventListener("click", () => play());
  new ResizeObserver(() => drawLosses(lossCanvas, losses)).observe(lossCanvas);

  analyse();
  return {
    setActive(isActive) {
      active = isActive;
      if (!isActive) playing = false;
      else {
        writeParams(netParams(state));
        if (reply) render();
      }
    },
  };
}
