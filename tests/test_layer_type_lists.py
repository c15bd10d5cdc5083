"""Every layer type's facts live in one table (engine/layer_types.py): a test that fails when a
list of layer types appears anywhere else in engine/, server/ or static/js/.

Two rules, read off the sources as text:

- no file outside the allowed ones names two or more element-wise activations (what adding an
  activation would otherwise have to find and extend: a tuple of kinds, a switch, a map);
- no line anywhere names four or more layer types (a hand-written list of types).

Per-type code keyed by one type (a view for conv2d, the URL's own short form for dense) is
fine; a list is not: it belongs in the table as a fact that the code then asks for.
"""

from __future__ import annotations

import re
from pathlib import Path

from engine import layer_types

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [*ROOT.glob("engine/**/*.py"), *ROOT.glob("server/**/*.py"),
           *ROOT.glob("static/js/**/*.js")]

# Files that may name several activations, and why.
ALLOWED = {
    "engine/layer_types.py": "the table itself",
    "engine/ops/activations.py": "the activations' ops and their references",
    "static/js/detail/activation-detail.js": "the curve drawn per activation (a drawing; a "
                                             "type without one shows its point alone)",
}
# The lab's one-neuron activations (with a binary step) are the lab's own list, not layer types.
LAB = ("engine/lab/", "static/js/lab/", "server/http/schemas/lab.py")

ELEMENTWISE = layer_types.names_where(elementwise=True)


def _mentions(text: str, names: tuple[str, ...]) -> set[str]:
    """Names quoted ("relu", 'relu') or used as a JS object key (relu:) in ``text``."""
    alt = "|".join(sorted(names, key=len, reverse=True))
    quoted = re.findall(rf"""["']({alt})["']""", text)
    keys = re.findall(rf"(?m)^\s*({alt})\s*:", text)
    return set(quoted) | set(keys)


def _checked() -> list[tuple[str, str]]:
    out = []
    for path in SOURCES:
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(LAB) or "/vendor/" in rel:
            continue
        out.append((rel, path.read_text(encoding="utf-8")))
    return out


def test_the_sources_are_found() -> None:
    rels = {rel for rel, _ in _checked()}
    assert {"engine/spec.py", "server/sessions/pytorch_script.py", "static/js/lib/urlstate.js",
            "static/js/views/editor.js", "static/js/detail/panel.js"} <= rels


def test_no_file_but_the_table_lists_activations() -> None:
    offenders = {}
    for rel, text in _checked():
        if rel in ALLOWED:
            continue
        found = _mentions(text, ELEMENTWISE)
        if len(found) >= 2:
            offenders[rel] = sorted(found)
    assert offenders == {}, (
        "these files enumerate activations: ask engine.layer_types (Python) or "
        f"static/js/lib/layer-types.js (page) instead: {offenders}")


def test_no_line_lists_layer_types() -> None:
    offenders = []
    for rel, text in _checked():
        if rel == "engine/layer_types.py":
            continue
        for n, line in enumerate(text.splitlines(), 1):
            found = _mentions(line, layer_types.NAMES)
            if len(found) >= 4:
                offenders.append(f"{rel}:{n}: {sorted(found)}")
    assert offenders == [], "hand-written lists of layer types:\n" + "\n".join(offenders)


def test_the_rules_catch_a_list() -> None:
    """The checks fail on the shapes they are meant to catch (they can fail)."""
    assert _mentions('KINDS = ("relu", "tanh")', ELEMENTWISE) == {"relu", "tanh"}
    assert _mentions("const S = {\n  relu: f,\n  sigmoid: g,\n};", ELEMENTWISE) == {
        "relu", "sigmoid"}
    assert len(_mentions("['conv2d', 'pool', 'dense', 'flatten']", layer_types.NAMES)) == 4
