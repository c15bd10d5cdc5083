"""Running session work off the event loop: a worker thread, one job at a time per session.

``with_session`` looks the session up (which may load it from disk), takes its lock, runs the
job, and saves what the job changed, all in a worker thread. A job that raises changes
nothing on disk.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread

from server.errors import not_found
from server.runtime.live_session import LiveSession
from server.runtime.manager import SessionManager
from server.sessions.session import Session

T = TypeVar("T")


def run_locked(manager: SessionManager, live: LiveSession, job: Callable[[Session], T],
               save: bool) -> T:
    """Run ``job`` under the session lock in the calling thread; save on success."""
    with live.lock:
        if live.closed:
            raise not_found("session", "id")
        manager.ensure_resident(live)  # reload one unloaded to disk (server.runtime.manager)
        session = live.resident_session()
        session.touch()
        result = job(session)
        if save:
            live.save()
        else:
            live.save_touch()
        manager.recount(live)
        return result


async def with_session(manager: SessionManager, session_id: str, job: Callable[[Session], T],
                       save: bool = False, heavy: bool = False) -> T:
    """``job(session)`` in a worker thread under the session's lock; saved when ``save``.
    ``heavy`` jobs (loss surfaces) queue with training for the few training threads."""

    def work() -> T:
        with manager.using(session_id) as session:
            return run_locked(manager, session, job, save)

    limiter = training_limiter(manager.settings.training_threads) if heavy else None
    return await anyio.to_thread.run_sync(work, limiter=limiter)


_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = (
    weakref.WeakKeyDictionary())


def training_limiter(threads: int) -> anyio.CapacityLimiter:
    """The event loop's limiter for heavy background work (one per running loop)."""
    loop = asyncio.get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None:
        limiter = _limiters[loop] = anyio.CapacityLimiter(threads)
    return limiter


async def in_thread(fn: Callable[[], T]) -> T:
    """Any other blocking call (no session involved) in a worker thread."""
    return await anyio.to_thread.run_sync(fn)
