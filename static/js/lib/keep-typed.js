// A typed box the page also writes into (a reply, a store change, a timer) without writing over
// the learner's typing: a write that lands between the select and the key collapses the selection,
// and the key is appended ('5' became '-0.065'). The same rule as the lab plane's settings boxes
// (lab/plane/settings-box.js). mayWrite is pure (tests/js/keep-typed.test.mjs); keepTyped is its
// DOM part.

/**
 * Whether the page may write into a box: not while the learner is in it (`focused`), and not
 * while its text is not what the page last wrote (`text` !== `last`: typed there, not taken yet).
 * `last` null: nothing written yet.
 */
export function mayWrite({ focused, text, last }) {
  return !focused && (last === null || text === last);
}

/**
 * show(text) writes `text` into `input` when mayWrite lets it; a write held back is made when the
 * learner leaves the box, if the box still holds what the page last wrote (they typed nothing).
 * taken(): the box's text was taken as the learner's value (its change handler ran): later
 * writes may replace it. set(text): the learner's own act writes the box (always).
 */
export function keepTyped(input) {
  let last = input.value; // the text the page last wrote (at first the box's own), or the learner's
  let wanted = null; // a write held back
  const write = (text) => {
    input.value = text;
    last = input.value; // as the box keeps it (a number box keeps "" for a text that is not one)
    wanted = null;
  };
  function show(value) {
    const text = String(value);
    const focused = input.ownerDocument.activeElement === input;
    if (mayWrite({ focused, text: input.value, last })) write(text);
    else wanted = text;
  }
  input.addEventListener("blur", () => {
    if (wanted !== null && input.value === last) write(wanted);
  });
  return {
    show,
    set: (value) => write(String(value)),
    taken() {
      last = input.value;
      wanted = null;
    },
  };
}
