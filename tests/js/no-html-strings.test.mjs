// The one DOM rule (docs/frontend.md): the page builds elements (ui/dom.js el/svgEl), never
// parses HTML strings. No file under static/js may use an HTML sink, not even for constant
// shells or for clearing a node (replaceChildren() clears).

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../static/js/", import.meta.url));
const SINKS = /\b(innerHTML|outerHTML|insertAdjacentHTML|createContextualFragment|document\s*\.\s*(write|writeln))\b/g;

function jsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return d.name === "vendor" ? [] : jsFiles(path);
    return /\.(m?js)$/.test(d.name) ? [path] : [];
  });
}

/** Every use of an HTML sink in `text`, as "line N: name". */
function htmlSinks(text) {
  return text.split("\n").flatMap((line, i) => [...line.matchAll(SINKS)].map((m) => `line ${i + 1}: ${m[1]}`));
}

test("the detector finds each HTML sink and lets text and element building through", () => {
  assert.deepEqual(htmlSinks('a.innerHTML = `<b>${x}</b>`;'), ["line 1: innerHTML"]);
  assert.deepEqual(htmlSinks('x\ny.outerHTML = s'), ["line 2: outerHTML"]);
  assert.deepEqual(htmlSinks('n.insertAdjacentHTML("beforeend", s)'), ["line 1: insertAdjacentHTML"]);
  assert.deepEqual(htmlSinks("range.createContextualFragment(s)"), ["line 1: createContextualFragment"]);
  assert.deepEqual(htmlSinks("document.write(s); document.writeln(s)"), ["line 1: document.write", "line 1: document.writeln"]);
  assert.deepEqual(htmlSinks('node.textContent = ""; node.replaceChildren(el("b", {}, s));'), []);
});

test("no file under static/js builds HTML from a string", () => {
  const files = jsFiles(ROOT);
  // the walk reaches the views, the kit and the lab (a wrong root would pass with no files)
  for (const must of ["views/pad.js", "views/training.js", "ui/dom.js", "lab/byhand/net221.js"]) {
    assert.ok(files.some((f) => relative(ROOT, f) === join(...must.split("/"))), `${must} not scanned`);
  }
  const found = files.flatMap((f) => htmlSinks(readFileSync(f, "utf8")).map((s) => `${relative(ROOT, f)} ${s}`));
  assert.deepEqual(found, [], "build elements with ui/dom.js el() instead");
});
