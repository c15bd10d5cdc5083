"""Fixtures for server tests: the real app through TestClient, on a temporary data dir.

Sessions train on small MNIST subsets (``dataset_size``) so the suite stays quick.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from server.config import Settings
from server.http.app import create_app

SMALL = {"dataset_size": 300, "batch_size": 50}
# TestClient sends Host "testserver" (its WebSockets always do): a name the app must be told
# to answer to, as a server is with --allow-host; server.http.host_guard refuses any other.
TEST_HOSTS = ("testserver",)


def app_settings(**limits: Any) -> Settings:
    """Settings for an app driven by TestClient (``limits`` as Settings takes them)."""
    return Settings(**{"allow_hosts": TEST_HOSTS, **limits})


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", allow_hosts=TEST_HOSTS)


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
