"""The one rule for a class name, whichever way it comes in: a drawn sample's label, a zip's
folder name, an imported model's class names.

1 to ``MAX_LABEL`` characters, not only spaces, and none that change how the text around it
shows: control characters (C0 and C1, which include the escape that starts ANSI sequences),
line and paragraph separators, and the bidirectional overrides, embeddings and isolates
(U+202A-U+202E, U+2066-U+2069, U+200E/U+200F, U+061C) that can reverse a name on screen.
"""

from __future__ import annotations

import unicodedata

MAX_LABEL = 32
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")


_NOT = r"\x00-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# The rule as a JSON-schema pattern (for OpenAPI; label_problem is what is enforced).
LABEL_PATTERN = rf"^[^{_NOT}]*[^\s{_NOT}][^{_NOT}]*$"


def label_problem(label: str) -> str | None:
    """Why ``label`` cannot name a class, or None when it can."""
    if not label or not label.strip():
        return "must hold at least one visible character"
    if len(label) > MAX_LABEL:
        return f"is {len(label)} characters long; at most {MAX_LABEL}"
    for char in label:
        if char in BIDI_CONTROLS:
            return f"holds a text-direction control (U+{ord(char):04X})"
        if unicodedata.category(char) in ("Cc", "Zl", "Zp"):
            return f"holds a control character (U+{ord(char):04X})"
    return None


def shown(label: str, limit: int = 40) -> str:
    """``label`` safe to quote in a message: controls escaped, cut to ``limit`` characters."""
    text = label.encode("unicode_escape").decode("ascii") if any(
        unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in label) else label
    return text if len(text) <= limit else text[:limit] + "..."
