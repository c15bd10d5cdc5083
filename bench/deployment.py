"""What ``bench/classroom.py``'s students talk to, and how the bench observes and hurts it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Deployment:
    urls: list[str]  # the front ends, round robin
    pids: Callable[[], dict[str, int]]  # node -> the process below which all of it runs
    sessions: Callable[[], dict[str, int]]  # node -> sessions it holds
    kill: Callable[[], tuple[float, str]]  # kill a node (or restart the server): when, what
    close: Callable[[], None]
    notes: list[str] = field(default_factory=list)
