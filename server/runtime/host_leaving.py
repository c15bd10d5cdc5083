"""How a :class:`server.runtime.session_host.SessionHost` leaves: its idle clock, the last
save, and telling watchers that it left or its session was deleted."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from server.runtime.live_session import LiveSession

EMPTY_GRACE_SECONDS = 5.0  # a host with no session (an unknown id) leaves this soon
FIRST_CALL_GRACE_SECONDS = 30.0  # a host not yet reached by a call waits at least this long
log = logging.getLogger(__name__)


class Leaving:
    """The leaving part of a SessionHost (its attributes are the host's)."""

    id: str
    live: LiveSession | None
    left: bool
    deleted: bool
    idle_limit: float
    clock: Callable[[], float]
    _gate: threading.Condition
    _busy: int
    _last_use: float
    _served: bool

    # -- leaving --------------------------------------------------------------------------
    def idle_seconds(self) -> float:
        """Seconds since the last call ended (0 while one runs or a train is on)."""
        with self._gate:
            if self._busy or (self.live is not None and self.live.training_owner is not None):
                return 0.0
            return self.clock() - self._last_use

    def should_leave(self) -> bool:
        """Unused for ``idle_seconds`` (a few seconds when it hosts nothing, at once when
        its session was deleted). A host no call has reached yet (started for the call on its
        way) waits at least ``FIRST_CALL_GRACE_SECONDS``: with a short idle limit on a loaded
        machine, every new host left before its caller reached it, and the call looked for one
        until it gave up (a cluster test at idle 1 s beside two CPU burners)."""
        if self.left:
            return False
        idle = self.idle_seconds()
        if self.deleted:
            return idle > 0  # as soon as no call runs
        empty = self.live is None or self.live.closed
        limit = min(self.idle_limit, EMPTY_GRACE_SECONDS) if empty else self.idle_limit
        if not self._served:
            limit = max(limit, FIRST_CALL_GRACE_SECONDS)
        return idle >= limit

    def leave(self) -> bool:
        """Save a last time and refuse all further jobs, if still idle; True when left."""
        with self._gate:
            if not self.should_leave():
                return False
            self.left = True  # from here no new call starts
        live = self.live
        if live is not None and not live.closed:
            with live.lock:
                try:
                    live.save()
                except Exception:  # what the last job saved stays; the rest is lost
                    log.exception("session %s could not be saved on leaving", self.id)
        with self._gate:
            self._gate.notify_all()
        return True

    def wait_gone(self, timeout: float) -> str | None:
        """Block until the session is deleted ("deleted") or the host leaves ("left");
        None after ``timeout`` seconds."""
        with self._gate:
            self._gate.wait_for(lambda: self.deleted or self.left, timeout=timeout)
            if self.deleted:
                return "deleted"
            return "left" if self.left else None
