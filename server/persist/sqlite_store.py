"""The SQLite store under ``data_dir``: one row of JSON per session plus named binary blobs.

Blobs are npz bytes (weights, optimizer state, epoch snapshots, own samples, last input) keyed
by ``(session_id, name)``; ``calls`` holds the calls recorded with saves (``AppliedCall``).
Every :meth:`SqliteStore.save` is one transaction, so a process killed at any moment leaves
each session as it was after its last completed save.
Deleted sessions give their pages back to the file system (incremental vacuum); after a delete,
a rewind, and periodically (the app's sweep) the WAL is checkpointed and truncated.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from server.persist.session_store import CALLS_KEPT, AppliedCall, StoredSession, kept_reply

__all__ = ["SqliteStore", "StoredSession", "WAL_SIZE_LIMIT"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    created REAL NOT NULL,
    touched REAL NOT NULL,
    meta TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS blobs (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (session_id, name)
);
CREATE INDEX IF NOT EXISTS sessions_touched ON sessions(touched);
CREATE TABLE IF NOT EXISTS calls (
    n INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    call_id TEXT NOT NULL,
    reply TEXT,
    UNIQUE (session_id, call_id)
);
"""


WAL_SIZE_LIMIT = 1024 * 1024


class SqliteStore:
    """A :class:`server.persist.session_store.SessionStore` in one SQLite file: thread-safe
    (one connection, one lock)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA auto_vacuum = INCREMENTAL")  # effective on a new file only
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")
        # after each automatic checkpoint the WAL is cut back to this size (it would stay at
        # its largest otherwise); checkpoint() truncates it to nothing
        self._db.execute(f"PRAGMA journal_size_limit = {WAL_SIZE_LIMIT}")
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def save(
        self,
        session_id: str,
        created: float,
        touched: float,
        meta: Mapping[str, Any],
        put: Mapping[str, bytes] | None = None,
        drop: Iterable[str] = (),
        drop_prefixes: Iterable[str] = (),
        checkpoint: bool = False,
        call: AppliedCall | None = None,
    ) -> None:
        """Write the session's JSON, add/replace blobs in ``put``, remove those in ``drop``
        and those whose name starts with one of ``drop_prefixes``, record ``call`` (the
        newest CALLS_KEPT kept): all or nothing. ``checkpoint``: then truncate the WAL
        (after a rewind gave back snapshots)."""
        text = json.dumps(meta, allow_nan=False, separators=(",", ":"))
        with self._lock:
            cur = self._db.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                cur.execute(
                    "INSERT INTO sessions (id, created, touched, meta) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(id) DO UPDATE SET touched = excluded.touched, "
                    "meta = excluded.meta",
                    (session_id, created, touched, text),
                )
                for name in drop:
                    cur.execute("DELETE FROM blobs WHERE session_id = ? AND name = ?",
                                (session_id, name))
                for prefix in drop_prefixes:
                    cur.execute(
                        "DELETE FROM blobs WHERE session_id = ? AND substr(name, 1, ?) = ?",
                        (session_id, len(prefix), prefix),
                    )
                for name, data in (put or {}).items():
                    cur.execute(
                        "INSERT OR REPLACE INTO blobs (session_id, name, data) VALUES (?, ?, ?)",
                        (session_id, name, sqlite3.Binary(data)),
                    )
                if call is not None:
                    cur.execute(
                        "INSERT OR REPLACE INTO calls (session_id, call_id, reply) "
                        "VALUES (?, ?, ?)", (session_id, call.id, kept_reply(call.reply)))
                    cur.execute(
                        "DELETE FROM calls WHERE session_id = ? AND n NOT IN (SELECT n FROM "
                        "calls WHERE session_id = ? ORDER BY n DESC LIMIT ?)",
                        (session_id, session_id, CALLS_KEPT))
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            if checkpoint:
                self._checkpoint_locked()

    def checkpoint(self) -> None:
        """Copy the WAL into the database and truncate it to nothing (a no-op when a reader
        holds it; the next checkpoint catches up)."""
        with self._lock:
            self._checkpoint_locked()

    def _checkpoint_locked(self) -> None:
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def wal_bytes(self) -> int:
        """Size of the write-ahead log file now (0 when there is none)."""
        wal = self.path.with_name(self.path.name + "-wal")
        return wal.stat().st_size if wal.exists() else 0

    def put_blob(self, session_id: str, name: str, data: bytes, touched: float) -> None:
        """Add or replace one blob of an existing session (and record the use)."""
        with self._lock:
            cur = self._db.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                cur.execute("UPDATE sessions SET touched = ? WHERE id = ?", (touched, session_id))
                if cur.rowcount:
                    cur.execute("INSERT OR REPLACE INTO blobs (session_id, name, data) "
                                "VALUES (?, ?, ?)", (session_id, name, sqlite3.Binary(data)))
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise

    def touch(self, session_id: str, touched: float | None = None) -> None:
        with self._lock:
            self._db.execute("UPDATE sessions SET touched = ? WHERE id = ?",
                             (touched if touched is not None else time.time(), session_id))

    def load(self, session_id: str) -> StoredSession | None:
        with self._lock:
            row = self._db.execute(
                "SELECT created, touched, meta FROM sessions WHERE id = ?", (session_id,)
            ).fetchone()
            if row is None:
                return None
            blobs = {
                name: bytes(data)
                for name, data in self._db.execute(
                    "SELECT name, data FROM blobs WHERE session_id = ?", (session_id,)
                )
            }
        return StoredSession(session_id, row[0], row[1], json.loads(row[2]), blobs)

    def applied_calls(self, session_id: str) -> list[AppliedCall]:
        """The calls recorded with the session's saves, oldest first."""
        with self._lock:
            rows = self._db.execute("SELECT call_id, reply FROM calls WHERE session_id = ? "
                                    "ORDER BY n", (session_id,)).fetchall()
        return [AppliedCall(call_id, reply) for call_id, reply in rows]

    def load_blob(self, session_id: str, name: str) -> bytes | None:
        """One blob of a session, or None."""
        with self._lock:
            row = self._db.execute("SELECT data FROM blobs WHERE session_id = ? AND name = ?",
                                   (session_id, name)).fetchone()
        return bytes(row[0]) if row is not None else None

    def exists(self, session_id: str) -> bool:
        with self._lock:
            row = self._db.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone()
        return row is not None

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0])

    def delete(self, session_id: str) -> bool:
        with self._lock:
            cur = self._db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
            # executescript steps the pragma to its end (execute frees one page per call)
            self._db.executescript("PRAGMA incremental_vacuum;")
            self._checkpoint_locked()
        return cur.rowcount > 0

    def idle_since(self, cutoff: float) -> list[str]:
        """Ids of sessions untouched since ``cutoff`` (unix seconds)."""
        with self._lock:
            rows = self._db.execute("SELECT id FROM sessions WHERE touched < ?", (cutoff,))
            return [r[0] for r in rows]
