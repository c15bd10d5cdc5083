"""Both stores behind one interface: SQLite (a file) and PostgreSQL (a real server, tests/pg.py).

Every test runs on both (whatever NNPLAY_TEST_STORE says); the migration tests are
PostgreSQL's own (SQLite creates its tables as it opens the file).
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from server.persist.postgres_store import MIGRATIONS, PostgresStore, migrate, schema_version
from server.persist.session_store import (
    CALLS_KEPT,
    REPLY_BYTES,
    AppliedCall,
    SessionStore,
    StoreUnavailable,
    describe_store,
    open_store,
)
from server.persist.sqlite_store import SqliteStore
from tests import pg
from tests.conftest import require_postgres

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """Where a store is opened: an SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return tmp_path / "sessions.sqlite3"
    require_postgres()
    request.getfixturevalue("pg_url")  # the server stops at the end of the run
    return pg.fresh_database()


@pytest.fixture
def store(target: str | Path) -> Iterator[SessionStore]:
    opened = open_store(target)
    yield opened
    opened.close()


META = {"spec": {"layers": [3, 2]}, "lr": 0.1, "tiny": 1e-300, "big": 1.5e300, "text": "é\"\\"}


def test_open_store_chooses_by_target(store: SessionStore, target: str | Path) -> None:
    expected = SqliteStore if isinstance(target, Path) else PostgresStore
    assert type(store) is expected


def test_a_save_loads_back_as_it_was(store: SessionStore) -> None:
    blobs = {"model": bytes(range(256)) * 5, "snapshot/1": b"one", "snapshot/2": b"",
             "sample/s1": b"\x00" * 10}
    store.save("s-a", 100.0, 150.5, META, put=blobs)
    stored = store.load("s-a")
    assert stored is not None
    assert (stored.id, stored.created, stored.touched) == ("s-a", 100.0, 150.5)
    assert stored.meta == META and list(stored.meta) == list(META)  # keys in their order
    assert stored.blobs == blobs
    assert store.load_blob("s-a", "model") == blobs["model"]
    assert store.load_blob("s-a", "nothing") is None and store.load("s-b") is None
    assert store.exists("s-a") and not store.exists("s-b")


def test_a_later_save_replaces_drops_and_keeps(store: SessionStore) -> None:
    store.save("s", 1.0, 2.0, {"v": 1}, put={"a": b"1", "b": b"2", "snapshot/1": b"x",
                                             "snapshot/12": b"y", "snap": b"z"})
    store.save("s", 1.0, 3.0, {"v": 2}, put={"a": b"new"}, drop=["b"],
               drop_prefixes=["snapshot/"])
    stored = store.load("s")
    assert stored is not None
    assert stored.meta == {"v": 2} and stored.touched == 3.0 and stored.created == 1.0
    assert stored.blobs == {"a": b"new", "snap": b"z"}


def test_a_save_that_fails_half_way_leaves_the_previous_state(store: SessionStore) -> None:
    store.save("s", 1.0, 2.0, {"v": 1}, put={"a": b"1", "b": b"2"})

    class Killed(BaseException):
        """Like a KeyboardInterrupt or SystemExit arriving mid-save."""

    class Broken(dict[str, bytes]):
        """Blobs whose second one cannot be read: the save dies after writing some rows."""

        def items(self) -> Any:
            yield "a", b"overwritten"
            raise Killed

    with pytest.raises(Killed):
        store.save("s", 1.0, 9.0, {"v": 2}, put=Broken(a=b"x"), drop=["b"])
    stored = store.load("s")
    assert stored is not None
    assert stored.meta == {"v": 1} and stored.touched == 2.0
    assert stored.blobs == {"a": b"1", "b": b"2"}
    store.save("s", 1.0, 3.0, {"v": 3})  # and the store is usable after it
    assert store.load("s").meta == {"v": 3}  # type: ignore[union-attr]


def test_put_blob_touch_count_delete_and_idle_since(store: SessionStore) -> None:
    store.save("old", 1.0, 10.0, {})
    store.save("new", 1.0, 20.0, {})
    assert store.count() == 2
    assert sorted(store.idle_since(15.0)) == ["old"]
    store.put_blob("old", "last_input", b"pixels", 30.0)
    store.put_blob("gone", "last_input", b"pixels", 30.0)  # no such session: nothing
    assert store.load_blob("old", "last_input") == b"pixels" and not store.exists("gone")
    assert sorted(store.idle_since(25.0)) == ["new"]
    store.touch("new", 40.0)
    assert store.idle_since(35.0) == ["old"] and store.idle_since(5.0) == []
    assert store.delete("old") and not store.delete("old")
    assert store.load_blob("old", "last_input") is None  # its blobs went with it
    assert store.count() == 1 and store.exists("new")
    store.checkpoint()
    assert store.wal_bytes() >= 0


def test_threads_save_and_load_at_once(store: SessionStore) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(15):
                store.save(f"t{n}", 1.0, float(i), {"i": i}, put={"w": bytes([n, i])})
                stored = store.load(f"t{n}")
                assert stored is not None and stored.meta == {"i": i}
                assert stored.blobs == {"w": bytes([n, i])}
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.count() == 6


# -- the calls applied to a session (a retried call runs once: server/runtime/applied_calls)


def test_a_call_is_recorded_with_its_save_and_read_back_after_reopening(
        store: SessionStore, target: str | Path) -> None:
    store.save("s", 1.0, 2.0, {"v": 1}, put={"model": b"w1"},
               call=AppliedCall("c1", '{"reply":{"n":1}}'))
    store.save("s", 1.0, 3.0, {"v": 2}, put={"model": b"w2"})  # a save without a call
    store.save("s", 1.0, 4.0, {"v": 3}, call=AppliedCall("c2", None))
    store.save("t", 1.0, 2.0, {"v": 1}, call=AppliedCall("c1", '{"reply":"other"}'))
    again = open_store(target)
    try:
        assert again.applied_calls("s") == [AppliedCall("c1", '{"reply":{"n":1}}'),
                                            AppliedCall("c2", None)]
        assert again.applied_calls("t") == [AppliedCall("c1", '{"reply":"other"}')]
        assert again.applied_calls("nobody") == []
        assert again.load("s").meta == {"v": 3}  # type: ignore[union-attr]
    finally:
        again.close()


def test_a_save_that_fails_half_way_records_no_call(store: SessionStore) -> None:
    store.save("s", 1.0, 2.0, {"v": 1}, put={"a": b"1"}, call=AppliedCall("before", "1"))

    class Killed(BaseException):
        pass

    class Broken(dict[str, bytes]):
        def items(self) -> Any:
            yield "a", b"overwritten"
            raise Killed

    with pytest.raises(Killed):
        store.save("s", 1.0, 9.0, {"v": 2}, put=Broken(a=b"x"),
                   call=AppliedCall("lost", "2"))
    assert store.applied_calls("s") == [AppliedCall("before", "1")]
    assert store.load("s").blobs == {"a": b"1"}  # type: ignore[union-attr]


def test_a_session_keeps_its_newest_calls_and_replies_up_to_the_cap(
        store: SessionStore) -> None:
    ids = [f"call{i:03d}" for i in range(CALLS_KEPT + 5)]
    for i, call_id in enumerate(ids):
        store.save("s", 1.0, float(i), {"i": i}, call=AppliedCall(call_id, f"[{i}]"))
    store.save("other", 1.0, 1.0, {}, call=AppliedCall("x", "0"))
    kept = store.applied_calls("s")
    assert [c.id for c in kept] == ids[-CALLS_KEPT:]  # the newest, oldest first
    assert [c.reply for c in kept] == [f"[{i}]" for i in range(5, CALLS_KEPT + 5)]
    assert store.applied_calls("other") == [AppliedCall("x", "0")]  # a bound per session
    fits = '"' + "é" * ((REPLY_BYTES - 2) // 2) + '"'  # REPLY_BYTES in UTF-8, not in chars
    too_long = '"' + "é" * ((REPLY_BYTES - 2) // 2) + 'x"'
    assert len(fits.encode()) == REPLY_BYTES and len(too_long) < REPLY_BYTES
    store.save("s", 1.0, 50.0, {}, call=AppliedCall("fits", fits))
    store.save("s", 1.0, 51.0, {}, call=AppliedCall("long", too_long))
    assert store.applied_calls("s")[-2:] == [AppliedCall("fits", fits),
                                             AppliedCall("long", None)]  # its id, no reply


def test_a_deleted_session_takes_its_calls_along(store: SessionStore) -> None:
    store.save("s", 1.0, 2.0, {}, call=AppliedCall("c1", "1"))
    assert store.delete("s")
    assert store.applied_calls("s") == []
    store.save("s", 1.0, 3.0, {})  # a new session of that id starts with none
    assert store.applied_calls("s") == []


# -- PostgreSQL only: migrations, connection errors -------------------------------------------


def _tables(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {r[0] for r in rows}


def test_migration_runs_once_when_many_start_at_once(pg_database: str) -> None:
    opened: list[PostgresStore] = []
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def open_one() -> None:
        try:
            start.wait()
            opened.append(PostgresStore(pg_database))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(opened) == 6
    with psycopg.connect(pg_database) as conn:
        versions = [r[0] for r in conn.execute("SELECT version FROM schema_version "
                                               "ORDER BY version")]
    assert versions == [v for v, _ in MIGRATIONS]  # each applied exactly once
    opened[0].save("s", 1.0, 2.0, {"a": 1})
    assert all(s.exists("s") for s in opened)
    for s in opened:
        s.close()


def test_an_older_schema_is_migrated_with_its_sessions(pg_database: str) -> None:
    old = PostgresStore(pg_database, migrations=MIGRATIONS[:1])  # as an older nnplay left it
    old.save("s", 1.0, 2.0, {"a": 1}, put={"model": b"w"})
    old.close()
    with psycopg.connect(pg_database) as conn:
        assert schema_version(conn) == 1
        assert conn.execute("SELECT to_regclass('sessions_touched')").fetchone() == (None,)
    new = PostgresStore(pg_database)
    with psycopg.connect(pg_database) as conn:
        assert schema_version(conn) == MIGRATIONS[-1][0]
        assert conn.execute("SELECT to_regclass('sessions_touched')::text").fetchone() == (
            "sessions_touched",)
    stored = new.load("s")
    assert stored is not None and stored.meta == {"a": 1} and stored.blobs == {"model": b"w"}
    assert new.applied_calls("s") == []  # the table of applied calls came with version 3
    new.save("s", 1.0, 3.0, {"a": 2}, call=AppliedCall("c", "1"))
    assert new.applied_calls("s") == [AppliedCall("c", "1")]
    new.close()


def test_a_failing_migration_changes_nothing(pg_database: str) -> None:
    broken = (*MIGRATIONS, (MIGRATIONS[-1][0] + 1, "CREATE TABLE extra (x INT); SELECT 1/0;"))
    with pytest.raises(psycopg.errors.DivisionByZero):
        PostgresStore(pg_database, migrations=broken)
    assert _tables(pg_database) == set()  # not even the first migrations: one transaction


def test_a_newer_schema_is_refused_naming_store(pg_database: str) -> None:
    newer = (*MIGRATIONS, (MIGRATIONS[-1][0] + 1, "CREATE TABLE extra (x INT);"))
    PostgresStore(pg_database, migrations=newer).close()
    with pytest.raises(StoreUnavailable) as refused:
        PostgresStore(pg_database)
    assert str(refused.value).startswith("--store ") and "newer" in str(refused.value)


def test_an_unreachable_server_is_named_with_store() -> None:
    url = "postgresql://nnplay:secret@127.0.0.1:1/nnplay?connect_timeout=5"
    with pytest.raises(StoreUnavailable) as refused:
        open_store(url)
    message = str(refused.value)
    assert message.startswith("--store postgresql://nnplay:***@127.0.0.1:1/nnplay")
    assert "secret" not in message and "cannot connect" in message and "\n" not in message


def test_migrate_is_idempotent(pg_database: str) -> None:
    with psycopg.connect(pg_database, autocommit=True) as conn:
        assert migrate(conn) == migrate(conn) == MIGRATIONS[-1][0]
        assert conn.execute("SELECT COUNT(*) FROM schema_version").fetchone() == (
            len(MIGRATIONS),)


def test_describe_store_hides_the_password() -> None:
    assert describe_store("postgresql://u:pw@h:5/db") == "postgresql://u:***@h:5/db"
    assert describe_store("postgresql://u@h/db") == "postgresql://u@h/db"
    assert describe_store(Path("/x/sessions.sqlite3")) == "/x/sessions.sqlite3"


def test_without_psycopg_the_store_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg -> ImportError
    monkeypatch.delitem(sys.modules, "server.persist.postgres_store")
    with pytest.raises(StoreUnavailable) as refused:
        open_store("postgresql://u:pw@127.0.0.1:1/db")
    assert str(refused.value) == ("--store postgresql://u:***@127.0.0.1:1/db: PostgreSQL needs "
                                  "psycopg 3: pip install 'nnplay[postgres]'")


def test_connections_the_server_ended_are_replaced(pg_database: str) -> None:
    """As after a database restart: every pooled connection is dead; the next calls work."""
    store = PostgresStore(pg_database)
    store.save("s", 1.0, 2.0, {"a": 1}, put={"m": b"w"})
    with psycopg.connect(pg_database, autocommit=True) as admin:
        ended = admin.execute(
            "SELECT COUNT(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchone()
    assert ended is not None and ended[0] >= 1
    assert store.load("s") is not None
    store.save("s", 1.0, 3.0, {"a": 2})
    assert store.load("s").meta == {"a": 2}  # type: ignore[union-attr]
    store.close()


KILLED_CHILD = """
import pathlib, sys, time
from server.persist.session_store import open_store
target = sys.argv[1]
store = open_store(target if target.startswith("postgresql") else pathlib.Path(target))
store.save("s", 1.0, 2.0, {"v": 1}, put={"a": b"1", "b": b"2"})

class Hang(dict):
    def items(self):  # two blobs written, then the process waits to be killed mid-save
        yield "a", b"overwritten" * 1000
        yield "c", b"new"
        print("writing", flush=True)
        time.sleep(600)

store.save("s", 1.0, 9.0, {"v": 2}, put=Hang(x=b""), drop=["b"])
"""


def _wait_for_open_transaction(url: str) -> None:
    """Until the child's save has reached the server: a transaction whose statement so far is
    a blob's insert (a safety deadline only, far beyond any real wait)."""
    deadline = time.monotonic() + 120
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL "
                "AND query LIKE 'INSERT INTO blobs%'").fetchone()
            if row and row[0] > 0:
                return
            time.sleep(0.05)
    raise AssertionError("the child's save never reached the server")


def test_a_process_killed_mid_save_leaves_the_previous_state(target: str | Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", KILLED_CHILD, str(target)],
                             cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline() == "writing\n"
        if isinstance(target, str):
            _wait_for_open_transaction(target)
    finally:
        child.kill()  # SIGKILL: no rollback, no close, no atexit
        child.wait(60)
    store = open_store(target)
    stored = store.load("s")
    assert stored is not None
    assert stored.meta == {"v": 1} and stored.touched == 2.0
    assert stored.blobs == {"a": b"1", "b": b"2"}
    store.close()
