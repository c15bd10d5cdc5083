"""The session store's interface, and ``open_store`` choosing an implementation by target.

Two implementations keep sessions the same way (one row of JSON per session plus named
binary blobs and the calls recorded with its saves, every :meth:`SessionStore.save` one
transaction):

- a path -> :class:`server.persist.sqlite_store.SqliteStore`, one SQLite file (the default,
  ``<data_dir>/sessions.sqlite3``);
- ``postgresql://...`` -> :class:`server.persist.postgres_store.PostgresStore`, a PostgreSQL
  database (psycopg 3, imported only then).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

POSTGRES_SCHEMES = ("postgresql://", "postgres://")
CALLS_KEPT = 32  # applied calls a session keeps the ids of (the newest; older ones dropped)
REPLY_BYTES = 32 * 1024  # a reply longer than this (UTF-8) is not kept: at most 1 MiB a session


@dataclass
class StoredSession:
    """What the store holds of one session."""

    id: str
    created: float
    touched: float
    meta: dict[str, Any]
    blobs: dict[str, bytes]


@dataclass(frozen=True)
class AppliedCall:
    """A call that changed a session, by the id its front end chose, and its reply as JSON
    text (None when it was not kept: longer than REPLY_BYTES, or not plain JSON). Saved in
    the same transaction as the change, so a store holding one holds the other."""

    id: str
    reply: str | None = None


def kept_reply(reply: str | None) -> str | None:
    """``reply`` if the store keeps it (at most REPLY_BYTES), else None."""
    if reply is None or len(reply.encode()) > REPLY_BYTES:
        return None
    return reply


class SessionStore(Protocol):
    """Where sessions are kept. Every method is thread-safe; every write is all or nothing."""

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
        and those whose name starts with one of ``drop_prefixes``, record ``call`` (keeping
        the session's newest CALLS_KEPT, its reply only when :func:`kept_reply`): one
        transaction. ``checkpoint``: then give space back where the store can (SQLite's
        WAL)."""
        ...

    def applied_calls(self, session_id: str) -> list[AppliedCall]:
        """The calls recorded with the session's saves, oldest first (at most CALLS_KEPT)."""
        ...

    def put_blob(self, session_id: str, name: str, data: bytes, touched: float) -> None:
        """Add or replace one blob of an existing session (and record the use)."""
        ...

    def touch(self, session_id: str, touched: float | None = None) -> None:
        """Record a use at ``touched`` (now when None)."""
        ...

    def load(self, session_id: str) -> StoredSession | None:
        """The session with all its blobs, or None."""
        ...

    def load_blob(self, session_id: str, name: str) -> bytes | None:
        """One blob of a session, or None."""
        ...

    def exists(self, session_id: str) -> bool: ...

    def count(self) -> int:
        """Sessions stored."""
        ...

    def delete(self, session_id: str) -> bool:
        """Remove the session and its blobs; whether there was one."""
        ...

    def idle_since(self, cutoff: float) -> list[str]:
        """Ids of sessions untouched since ``cutoff`` (unix seconds)."""
        ...

    def checkpoint(self) -> None:
        """Give back space the store holds beyond its data (SQLite: truncate the WAL;
        PostgreSQL: nothing, the server does its own)."""
        ...

    def wal_bytes(self) -> int:
        """Bytes of the store's own write-ahead log file (0 where it has none)."""
        ...

    def close(self) -> None: ...


def is_postgres_url(target: str | Path | None) -> bool:
    return isinstance(target, str) and target.startswith(POSTGRES_SCHEMES)


def describe_store(target: str | Path) -> str:
    """The target as shown to a person: a path, or a URL without its password."""
    if not is_postgres_url(target):
        return str(target)
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(str(target))
    if parts.password is None:
        return str(target)
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def open_store(target: str | Path) -> SessionStore:
    """The store at ``target``: a ``postgresql://`` URL -> PostgresStore (migrated to the
    current schema), anything else a path -> SqliteStore. StoreUnavailable (a message naming
    ``--store``) when the database cannot be reached."""
    if is_postgres_url(target):
        try:
            from server.persist.postgres_store import PostgresStore
        except ImportError:
            raise StoreUnavailable(f"--store {describe_store(target)}: PostgreSQL needs psycopg "
                                   "3: pip install 'nnplay[postgres]'") from None
        return PostgresStore(str(target))
    if isinstance(target, str) and "://" in target:
        raise StoreUnavailable(f"--store {target}: write a postgresql://... URL or a file path")
    from server.persist.sqlite_store import SqliteStore

    return SqliteStore(Path(target))


class StoreUnavailable(Exception):
    """The store cannot be opened; the message is one line naming ``--store``."""
