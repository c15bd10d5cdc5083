"""The PostgreSQL store's connections: at most ``size``, each lent to one thread at a time."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

import psycopg
from psycopg import pq


class Pool:
    """At most ``size`` connections, each lent to one thread at a time. A connection that
    broke (the server restarted, the network dropped) is closed, not lent again."""

    def __init__(self, connect: Any, size: int) -> None:
        self._connect = connect
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self._idle: list[psycopg.Connection[Any]] = []
        self._closed = False

    @contextlib.contextmanager
    def connection(self) -> Iterator[tuple[psycopg.Connection[Any], bool]]:
        """(a connection lent to this thread alone, whether it was kept idle before)."""
        with self._slots:
            with self._lock:
                if self._closed:
                    raise RuntimeError("the PostgreSQL store is closed")
                conn = self._idle.pop() if self._idle else None
            reused = conn is not None and not conn.closed
            if conn is None or conn.closed:
                conn = self._connect()
            try:
                yield conn, reused
            finally:
                self._give_back(conn)

    def _give_back(self, conn: psycopg.Connection[Any]) -> None:
        healthy = (not conn.closed and not conn.broken
                   and conn.info.transaction_status == pq.TransactionStatus.IDLE)
        with self._lock:
            if healthy and not self._closed:
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
