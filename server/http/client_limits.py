"""Per-client allowances over a sliding minute: sessions created, image pixels decoded.

A client is its IP address (``request.client.host``; behind a proxy every client shares the
proxy's). Each allowance keeps, per client, the amounts spent in the last ``WINDOW`` seconds;
spending past the allowance is refused with 429 naming the limit and when to try again.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from fastapi import Request

from server.errors import ApiError

WINDOW = 60.0  # seconds
MAX_CLIENTS = 10_000  # clients remembered per allowance; the longest idle ones are forgotten


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


class Allowance:
    """At most ``limit`` units per client per ``WINDOW`` seconds (thread-safe)."""

    def __init__(self, limit: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.clock = clock
        self._spent: dict[str, deque[tuple[float, int]]] = {}
        self._lock = threading.Lock()

    def _window(self, client: str, now: float) -> deque[tuple[float, int]]:
        spent = self._spent.setdefault(client, deque())
        while spent and spent[0][0] <= now - WINDOW:
            spent.popleft()
        return spent

    def remaining(self, client: str) -> int:
        """Units ``client`` may still spend now."""
        with self._lock:
            spent = self._window(client, self.clock())
            return max(0, self.limit - sum(amount for _, amount in spent))

    def take(self, client: str, amount: int) -> int | None:
        """Spend ``amount`` now if it fits in what is left: None; else nothing is spent and
        the whole seconds until the oldest spending drops out of the window (at least 1)."""
        with self._lock:
            now = self.clock()
            spent = self._window(client, now)
            if sum(a for _, a in spent) + amount <= self.limit:
                spent.append((now, amount))
                self._forget_some()
                return None
            return max(1, math.ceil(spent[0][0] + WINDOW - now)) if spent else 1

    def spend(self, client: str, amount: int) -> None:
        """Record ``amount`` spent now (also past the limit: work done is counted)."""
        if amount <= 0:
            return
        with self._lock:
            now = self.clock()
            self._window(client, now).append((now, amount))
            self._forget_some()

    def _forget_some(self) -> None:
        """Past MAX_CLIENTS remembered clients, drop the oldest entries (lock held)."""
        while len(self._spent) > MAX_CLIENTS:
            del self._spent[next(iter(self._spent))]


class ClientLimits:
    """The allowances of one app, from its Settings' per-minute limits."""

    def __init__(self, sessions_per_minute: int, pixels_per_minute: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.sessions = Allowance(sessions_per_minute, clock)
        self.pixels = Allowance(pixels_per_minute, clock)

    def take_session(self, client: str) -> None:
        """Count one new session for ``client``; 429 naming the limit when it has none left."""
        wait = self.sessions.take(client, 1)
        if wait is not None:
            raise ApiError(429, f"session: this client has created {self.sessions.limit} "
                           "sessions in the last minute, the most this server allows "
                           f"(max_sessions_per_minute); try again in {wait} s", "session",
                           retry_after=wait)
