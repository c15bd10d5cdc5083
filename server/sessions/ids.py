"""Session ids: 192 random bits, URL-safe; nothing about one id tells anything of another."""

from __future__ import annotations

import re
import secrets

ID_BYTES = 24  # 192 bits -> 32 URL-safe characters
_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32}$")


def new_session_id() -> str:
    return secrets.token_urlsafe(ID_BYTES)


def is_session_id(text: str) -> bool:
    """True when ``text`` has the shape of an id (it may still be unknown)."""
    return bool(_ID_PATTERN.match(text))
