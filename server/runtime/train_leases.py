"""Which pages' trains run in one session's actor, and whether their front ends are alive.

A front end relaying a train renews its lease every few seconds (``keep``); a train whose
lease is older than ``LEASE_SECONDS`` (its front end died, and with it the page's socket)
stops at its next step, like a train whose page has gone.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from server.runtime.train_loop import TrainControl

LEASE_SECONDS = 30.0


class TrainLeases:
    """The running trains' controls and leases, by the token naming the asking page."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._controls: dict[str, TrainControl] = {}
        self._renewed: dict[str, float] = {}

    def begin(self, token: str, control: TrainControl) -> None:
        with self._lock:
            self._controls[token] = control
            self._renewed[token] = self.clock()

    def end(self, token: str) -> None:
        with self._lock:
            self._controls.pop(token, None)
            self._renewed.pop(token, None)

    def keep(self, token: str) -> None:
        """``token``'s front end is alive."""
        with self._lock:
            if token in self._renewed:
                self._renewed[token] = self.clock()

    def expired(self, token: str) -> bool:
        with self._lock:
            return self.clock() - self._renewed.get(token, 0.0) > LEASE_SECONDS

    def control(self, token: str) -> TrainControl | None:
        """The control of ``token``'s train while it runs."""
        with self._lock:
            return self._controls.get(token)
