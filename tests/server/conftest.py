"""Fixtures for server tests: the real app through TestClient, on a temporary data dir.

Sessions train on small MNIST subsets (``dataset_size``) so the suite stays quick.

The store: SQLite under the data dir, or with ``NNPLAY_TEST_STORE=postgresql`` a PostgreSQL
store of its own for each data dir (a schema, as quick to make as a file, in a database on a
real server, tests/pg.py), so the whole suite runs a second time against PostgreSQL (a
second app on the same data dir finds the same store, as it would find the same file).
Tests marked ``sqlite_only`` are about SQLite itself (its WAL, the data-dir lock) and are
skipped then, with their reason.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from server.config import Settings
from server.http.app import create_app
from tests import pg

TEST_STORE = os.environ.get("NNPLAY_TEST_STORE", "sqlite")
if TEST_STORE not in ("sqlite", "postgresql"):
    raise RuntimeError(f"NNPLAY_TEST_STORE={TEST_STORE}: write sqlite or postgresql")
ON_POSTGRES = TEST_STORE == "postgresql"
_databases: dict[str, str] = {}  # data dir -> URL of its store


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only(reason): about SQLite itself; skipped when "
        "NNPLAY_TEST_STORE=postgresql")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not ON_POSTGRES:
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            why = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "")
            item.add_marker(pytest.mark.skip(reason=f"SQLite-specific: {why}"))


def store_for(data_dir: Path) -> str | None:
    """The --store of apps on ``data_dir`` in this run: None (SQLite in it), or the URL of a
    PostgreSQL store (schema) made for it on first use."""
    if not ON_POSTGRES:
        return None
    key = str(Path(data_dir).resolve())
    if key not in _databases:
        if pg.postgres_bin() is None:
            raise RuntimeError("NNPLAY_TEST_STORE=postgresql but PostgreSQL is not installed "
                               "(no /usr/lib/postgresql/*/bin/initdb)")
        name = "d_" + hashlib.sha1(key.encode()).hexdigest()[:24]
        _databases[key] = pg.create_schema(pg.shared_postgres(), name)
    return _databases[key]


def store_sql(settings: Settings, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
    """Run one statement (``?`` placeholders) straight on the store of ``settings``, committed,
    bypassing the app: how tests look at or tamper with what is stored. JSON comes back as
    text from both stores."""
    if settings.store is None:
        with sqlite3.connect(settings.database_path) as db:
            rows = db.execute(sql, params).fetchall()
        db.close()
        return rows
    import psycopg
    from psycopg.types.string import TextLoader

    with psycopg.connect(settings.store, autocommit=True) as conn:
        conn.adapters.register_loader("json", TextLoader)
        cur = conn.execute(sql.replace("?", "%s"), params)
        return cur.fetchall() if cur.description else []

SMALL = {"dataset_size": 300, "batch_size": 50}
# TestClient sends Host "testserver" (its WebSockets always do): a name the app must be told
# to answer to, as a server is with --allow-host; server.http.host_guard refuses any other.
TEST_HOSTS = ("testserver",)


def app_settings(**limits: Any) -> Settings:
    """Settings for an app driven by TestClient (``limits`` as Settings takes them), on this
    run's store (see the module's docstring)."""
    merged: dict[str, Any] = {"allow_hosts": TEST_HOSTS, **limits}
    if "store" not in merged and "data_dir" in merged:
        merged["store"] = store_for(merged["data_dir"])
    return Settings(**merged)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return app_settings(data_dir=tmp_path / "data")


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


def new_session(client: TestClient, **settings: Any) -> dict[str, Any]:
    """POST /api/sessions with the small settings (overridable); the state."""
    reply = client.post("/api/sessions", json={"settings": {**SMALL, **settings}})
    assert reply.status_code == 201, reply.text
    return reply.json()


@pytest.fixture
def session(client: TestClient) -> dict[str, Any]:
    return new_session(client)


@pytest.fixture(autouse=True)
def jobs_travel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every job a route or the WebSocket sends through ``runtime.call``, the job's result
    and every train order go through cloudpickle and back, as a runtime that runs sessions
    in another process (a Ray actor) receives them: a job closing over the manager, a
    socket or a lock fails here (tests/server/travel.py)."""
    from server.runtime.session_runtime import InProcessRuntime
    from tests.server.travel import travelled

    call, train = InProcessRuntime.call, InProcessRuntime.train

    async def travelling_call(self: Any, session_id: str, job: Any, **kwargs: Any) -> Any:
        return travelled(await call(self, session_id, travelled(job), **kwargs))

    def travelling_train(self: Any, socket: Any, order: Any, control: Any) -> Any:
        return train(self, socket, travelled(order), control)

    monkeypatch.setattr(InProcessRuntime, "call", travelling_call)
    monkeypatch.setattr(InProcessRuntime, "train", travelling_train)
