// A typed settings box of the 2-D data view (batch size, seed) kept in step with the settings in
// force without writing over the learner's typing: every settings change re-shows every control,
// and "3" on the way to "32" became the old "8" when another setting's reply landed meanwhile.
// mayWrite is pure (tests/js/lab-plane-settings-box.test.mjs); createSettingsBox is its DOM part.

/**
 * Whether a reply may write the value in force into a box: not while the learner is in it
 * (`focused`), not while a value typed there is on its way (`sending`), and not while its text
 * is not what the page last wrote or sent (`text` !== `last`: typed, not sent yet). `last`
 * null: nothing written yet.
 */
export function mayWrite({ focused, sending, text, last }) {
  return !focused && !sending && (last === null || text === last);
}

/**
 * `input` shows the value in force (show(value), on every settings change) when mayWrite lets
 * it, and again once the learner leaves it or a typed value's request ends. send(text,
 * promise): the learner's typed text is on its way as `promise`.
 */
export function createSettingsBox(input) {
  let last = null; // the text the page last wrote into the box, or the learner sent from it
  let inForce = null; // the value in force, as text
  let sending = 0;
  const write = (text) => {
    input.value = text;
    last = text;
  };
  function show(value) {
    inForce = value === undefined || value === null ? "" : String(value);
    const focused = input.ownerDocument.activeElement === input;
    if (mayWrite({ focused, sending: sending > 0, text: input.value, last })) write(inForce);
  }
  input.addEventListener("blur", () => {
    // a value held back while the learner was in the box (typed nothing, or sent it)
    if (inForce !== null) show(inForce);
  });
  return {
    show,
    /** Put the value in force back (a typed value that was not sent: not a number, out of range). */
    reset: () => write(inForce ?? ""),
    async send(text, promise) {
      last = text;
      sending += 1;
      try {
        return await promise;
      } finally {
        sending -= 1;
        if (inForce !== null) show(inForce); // refused: the value in force again
      }
    },
  };
}
