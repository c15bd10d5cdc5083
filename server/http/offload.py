"""Blocking work that involves no session (decoding a drawing, a built-in dataset's strip)
off the event loop, in a worker thread. Work on a session goes through the runtime."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio.to_thread

T = TypeVar("T")


async def in_thread(fn: Callable[[], T]) -> T:
    """``fn()`` in a worker thread."""
    return await anyio.to_thread.run_sync(fn)
