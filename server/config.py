"""Server settings: where sessions live and the ceilings every request is held to."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = PROJECT_ROOT / "static"


def default_data_dir() -> Path:
    """Per-user data folder.

    $NNPLAY_DATA_DIR, else $XDG_DATA_HOME/nnplay, else ~/.local/share/nnplay.
    """
    explicit = os.environ.get("NNPLAY_DATA_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "nnplay"


@dataclass(frozen=True)
class Settings:
    """Everything the app needs to know at start-up."""

    data_dir: Path = field(default_factory=default_data_dir)
