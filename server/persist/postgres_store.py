"""The PostgreSQL store (``--store postgresql://...``): the same tables as SQLite's, on psycopg 3.

``sessions`` holds one row per session (``meta`` as JSON text, kept verbatim), ``blobs`` the
named npz blobs as BYTEA, ``calls`` the calls recorded with saves (``AppliedCall``: the
newest ``CALLS_KEPT`` a session), both deleted with their session. Every
:meth:`PostgresStore.save` is one transaction, so a process killed at any moment leaves each
session as after its last save.

Connections come from a small pool (one per thread at a time, at most ``pool_size``), so
several threads read and write at once; a pooled connection found dead (the database
restarted) is replaced and the call made once more. On start the schema is brought to the newest
version in ``MIGRATIONS`` inside one transaction that first takes a transaction-scoped
advisory lock: several processes starting together migrate once, one after the other, and
a failed migration leaves the database as it was. WAL upkeep is the server's own affair:
``checkpoint`` does nothing and ``wal_bytes`` is 0.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import psycopg

from server.persist.postgres_pool import Pool
from server.persist.session_store import (
    CALLS_KEPT,
    AppliedCall,
    StoredSession,
    StoreUnavailable,
    describe_store,
    kept_reply,
)

# (version, statements): applied in order, each version once, never edited once released.
MIGRATIONS: tuple[tuple[int, str], ...] = (
    (1, """
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            created DOUBLE PRECISION NOT NULL,
            touched DOUBLE PRECISION NOT NULL,
            meta JSON NOT NULL
        );
        CREATE TABLE blobs (
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            data BYTEA NOT NULL,
            PRIMARY KEY (session_id, name)
        );
     """),
    (2, "CREATE INDEX sessions_touched ON sessions (touched);"),
    (3, """
        CREATE TABLE calls (
            n BIGSERIAL PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            call_id TEXT NOT NULL,
            reply TEXT,
            UNIQUE (session_id, call_id)
        );
     """),
)

# pg_advisory_xact_lock key of the migration step: "nnplay" in ASCII.
MIGRATION_LOCK = 0x6E6E706C6179

CONNECT_TIMEOUT_S = 10
T = TypeVar("T")


def migrate(conn: psycopg.Connection[Any],
            migrations: Sequence[tuple[int, str]] = MIGRATIONS) -> int:
    """Bring the schema to the last version in ``migrations`` (one transaction, under the
    advisory lock); returns that version. StoreUnavailable when the database is newer."""
    newest = migrations[-1][0] if migrations else 0
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                     "version INTEGER PRIMARY KEY, applied DOUBLE PRECISION NOT NULL)")
        row = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()
        current = int(row[0]) if row else 0
        if current > newest:
            raise StoreUnavailable(f"the database's schema version {current} is newer than "
                                   f"this nnplay's ({newest}): upgrade nnplay")
        for version, statements in migrations:
            if version > current:
                conn.execute(statements.encode())  # bytes: several statements in one call
                conn.execute("INSERT INTO schema_version (version, applied) VALUES (%s, %s)",
                             (version, time.time()))
    return newest


def schema_version(conn: psycopg.Connection[Any]) -> int:
    """The version the database is at (0 before any migration)."""
    exists = conn.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return 0
    row = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()
    return int(row[0]) if row else 0


class PostgresStore:
    """A :class:`server.persist.session_store.SessionStore` in a PostgreSQL database."""

    def __init__(self, url: str, pool_size: int = 4,
                 migrations: Sequence[tuple[int, str]] = MIGRATIONS) -> None:
        self.url = url
        self._pool = Pool(self._connect, pool_size)
        with self._pool.connection() as (conn, _):
            try:
                migrate(conn, migrations)
            except StoreUnavailable as exc:
                raise StoreUnavailable(f"--store {describe_store(url)}: {exc}") from None

    def _connect(self) -> psycopg.Connection[Any]:
        extra: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT_S}
        if "connect_timeout" in self.url:
            extra = {}
        try:
            return psycopg.connect(self.url, autocommit=True, **extra)
        except psycopg.Error as exc:
            reason = " ".join(str(exc).split())
            raise StoreUnavailable(f"--store {describe_store(self.url)}: cannot connect to "
                                   f"PostgreSQL: {reason}") from None

    def close(self) -> None:
        self._pool.close()

    def _run(self, work: Callable[[psycopg.Connection[Any]], T]) -> T:
        """``work`` on a pooled connection. When a connection kept idle in the pool turns out
        dead (the server restarted, or ended it), ``work`` runs once more on a new one: every
        write here is idempotent (upserts and deletes of given names)."""
        for attempt in (1, 2):
            with self._pool.connection() as (conn, reused):
                try:
                    return work(conn)
                except psycopg.OperationalError:
                    if attempt == 1 and reused and conn.broken:
                        continue
                    raise
        raise AssertionError("unreachable")

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
        newest CALLS_KEPT kept): all or nothing. ``checkpoint`` is SQLite's; nothing to do
        here."""
        text = json.dumps(meta, allow_nan=False, separators=(",", ":"))
        drop, drop_prefixes, blobs = list(drop), list(drop_prefixes), (put or {}).items()

        def work(conn: psycopg.Connection[Any]) -> None:
            # pipeline: the statements go out together, one round trip for the transaction
            with conn.pipeline(), conn.transaction(), conn.cursor() as cur:
                cur.execute(
                    "INSERT INTO sessions (id, created, touched, meta) "
                    "VALUES (%s, %s, %s, %s::json) ON CONFLICT (id) DO UPDATE "
                    "SET touched = excluded.touched, meta = excluded.meta",
                    (session_id, created, touched, text),
                )
                for name in drop:
                    cur.execute("DELETE FROM blobs WHERE session_id = %s AND name = %s",
                                (session_id, name))
                for prefix in drop_prefixes:
                    cur.execute("DELETE FROM blobs WHERE session_id = %s "
                                "AND starts_with(name, %s)", (session_id, prefix))
                for name, data in blobs:
                    cur.execute(_PUT_BLOB, (session_id, name, data))
                if call is not None:
                    cur.execute(_RECORD_CALL, (session_id, call.id, kept_reply(call.reply)))
                    cur.execute(_KEEP_CALLS, (session_id, session_id, CALLS_KEPT))

        self._run(work)

    def checkpoint(self) -> None:
        """Nothing: PostgreSQL checkpoints and recycles its WAL itself."""

    def wal_bytes(self) -> int:
        """0: the store has no WAL file of its own."""
        return 0

    def put_blob(self, session_id: str, name: str, data: bytes, touched: float) -> None:
        """Add or replace one blob of an existing session (and record the use)."""

        def work(conn: psycopg.Connection[Any]) -> None:
            with conn.transaction(), conn.cursor() as cur:
                cur.execute("UPDATE sessions SET touched = %s WHERE id = %s",
                            (touched, session_id))
                if cur.rowcount:
                    cur.execute(_PUT_BLOB, (session_id, name, data))

        self._run(work)

    def touch(self, session_id: str, touched: float | None = None) -> None:
        when = touched if touched is not None else time.time()
        self._run(lambda conn: conn.execute("UPDATE sessions SET touched = %s WHERE id = %s",
                                            (when, session_id)))

    def load(self, session_id: str) -> StoredSession | None:
        # one statement, hence one snapshot: the row and its blobs as one save left them
        rows = self._run(lambda conn: conn.execute(
            "SELECT s.created, s.touched, s.meta::text, b.name, b.data FROM sessions s "
            "LEFT JOIN blobs b ON b.session_id = s.id WHERE s.id = %s", (session_id,)
        ).fetchall())
        if not rows:
            return None
        created, touched, meta = rows[0][:3]
        blobs = {name: bytes(data) for *_, name, data in rows if name is not None}
        return StoredSession(session_id, created, touched, json.loads(meta), blobs)

    def applied_calls(self, session_id: str) -> list[AppliedCall]:
        """The calls recorded with the session's saves, oldest first."""
        rows = self._run(lambda conn: conn.execute(
            "SELECT call_id, reply FROM calls WHERE session_id = %s ORDER BY n", (session_id,)
        ).fetchall())
        return [AppliedCall(call_id, reply) for call_id, reply in rows]

    def load_blob(self, session_id: str, name: str) -> bytes | None:
        """One blob of a session, or None."""
        row = self._run(lambda conn: conn.execute(
            "SELECT data FROM blobs WHERE session_id = %s AND name = %s", (session_id, name)
        ).fetchone())
        return bytes(row[0]) if row is not None else None

    def exists(self, session_id: str) -> bool:
        row = self._run(lambda conn: conn.execute(
            "SELECT 1 FROM sessions WHERE id = %s", (session_id,)).fetchone())
        return row is not None

    def count(self) -> int:
        row = self._run(lambda conn: conn.execute("SELECT COUNT(*) FROM sessions").fetchone())
        return int(row[0]) if row else 0

    def delete(self, session_id: str) -> bool:
        cur = self._run(lambda conn: conn.execute("DELETE FROM sessions WHERE id = %s",
                                                  (session_id,)))
        return cur.rowcount > 0

    def idle_since(self, cutoff: float) -> list[str]:
        """Ids of sessions untouched since ``cutoff`` (unix seconds)."""
        rows = self._run(lambda conn: conn.execute(
            "SELECT id FROM sessions WHERE touched < %s", (cutoff,)).fetchall())
        return [r[0] for r in rows]


_PUT_BLOB = ("INSERT INTO blobs (session_id, name, data) VALUES (%s, %s, %s) "
             "ON CONFLICT (session_id, name) DO UPDATE SET data = excluded.data")
_RECORD_CALL = ("INSERT INTO calls (session_id, call_id, reply) VALUES (%s, %s, %s) "
                "ON CONFLICT (session_id, call_id) DO UPDATE SET reply = excluded.reply")
_KEEP_CALLS = ("DELETE FROM calls WHERE session_id = %s AND n NOT IN (SELECT n FROM calls "
               "WHERE session_id = %s ORDER BY n DESC LIMIT %s)")
