"""A call that changes a session runs once on a SessionHost (what a Ray actor hosts), however
often its front end sends it again: its id is saved with the change, and a host started
again from the store (the actor Ray restarted) answers the recorded reply instead of running
it. On both stores (SQLite, and PostgreSQL through tests/pg.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from server.config import Settings
from server.errors import ApiError
from server.persist.session_store import SessionStore, open_store
from server.runtime import applied_calls
from server.runtime.applied_calls import plain
from server.runtime.session_host import SessionHost
from server.sessions.ids import new_session_id
from server.sessions.session import Session
from server.sessions.settings import SettingsPatch, TrainSettings
from tests import pg
from tests.conftest import require_postgres

SMALL = TrainSettings(dataset_size=300, batch_size=50)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SessionStore]:
    if request.param == "sqlite":
        target: str | Path = tmp_path / "sessions.sqlite3"
    else:
        require_postgres()
        request.getfixturevalue("pg_url")
        target = pg.fresh_database()
    opened = open_store(target)
    yield opened
    opened.close()


def host(store: SessionStore, sid: str) -> SessionHost:
    """A host of ``sid`` started from the store (as a restarted actor is)."""
    return SessionHost(sid, store, Settings(), 60)


def made(store: SessionStore) -> str:
    sid = new_session_id()
    host(store, sid).create(None, SMALL)
    return sid


def add_sample(runs: list[int]) -> Any:
    """A job adding one own sample; ``runs`` counts its runs (in this process)."""
    def job(session: Session) -> dict[str, Any]:
        runs.append(1)
        return session.add_own_sample(np.full((28, 28), 0.5, np.float32), "cat")
    return job


def samples(store: SessionStore, sid: str) -> int:
    return int(host(store, sid).run(lambda s: len(s.own)))


def test_a_retried_call_answers_its_recorded_reply_without_running(
        store: SessionStore) -> None:
    sid, runs = made(store), []
    first = host(store, sid).run(add_sample(runs), save=True, call_id="c1")
    assert plain(first) and first["samples"]["count"] == 1
    again = host(store, sid)  # the actor, restarted: it knows the id from the store
    assert again.run(add_sample(runs), save=True, call_id="c1") == first
    assert again.run(add_sample(runs), save=True, call_id="c1") == first
    assert len(runs) == 1 and samples(store, sid) == 1
    other = again.run(add_sample(runs), save=True, call_id="c2")  # a new call runs
    assert other["samples"]["count"] == 2 and len(runs) == 2


def test_without_an_id_or_a_save_a_job_runs_each_time(store: SessionStore) -> None:
    sid, runs = made(store), []
    h = host(store, sid)
    h.run(add_sample(runs), save=True)
    h.run(add_sample(runs), save=True)
    assert len(runs) == 2 and samples(store, sid) == 2


def test_a_call_that_fails_is_not_recorded_and_runs_again(store: SessionStore) -> None:
    sid = made(store)
    h = host(store, sid)
    calls = []

    def refused(session: Session) -> None:
        calls.append(1)
        raise ApiError(422, "label: no", "label")

    for _ in range(2):
        with pytest.raises(ApiError):
            h.run(refused, save=True, call_id="bad")
    assert len(calls) == 2 and store.applied_calls(sid) == []


def test_a_retried_create_returns_the_session_it_made(store: SessionStore) -> None:
    sid = new_session_id()
    state = host(store, sid).create(None, SMALL, call_id="make")
    assert host(store, sid).create(None, SMALL, call_id="make") == state
    with pytest.raises(ApiError) as twice:  # another create of that id is still refused
        host(store, sid).create(None, SMALL, call_id="other")
    assert twice.value.status == 409


def test_a_reply_too_long_is_kept_as_its_difference_from_the_state(
        store: SessionStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(applied_calls, "REPLY_BYTES", 400)  # a state is longer than this
    sid = made(store)
    patch = SettingsPatch(lr=0.05)
    first = host(store, sid).run(lambda s: {**s.set_settings(patch), "extra": [1, 2]},
                                 save=True, call_id="set")
    assert len(applied_calls.json.dumps(first)) > 400
    stored = store.applied_calls(sid)[-1].reply
    assert stored is not None and len(stored) <= 400 and '"extra":[1,2]' in stored
    ran = []
    again = host(store, sid).run(lambda s: ran.append(1), save=True, call_id="set")
    assert again == first and ran == []  # the state's part read again, the rest kept


def test_a_reply_kept_neither_way_is_a_409_and_the_job_is_not_run_again(
        store: SessionStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(applied_calls, "REPLY_BYTES", 400)
    sid, runs = made(store), []

    def long_list(session: Session) -> list[int]:
        add_sample(runs)(session)
        return list(range(1000))

    assert host(store, sid).run(long_list, save=True, call_id="long") == list(range(1000))
    with pytest.raises(ApiError) as lost:
        host(store, sid).run(long_list, save=True, call_id="long")
    assert lost.value.status == 409 and lost.value.field == "session"
    assert len(runs) == 1 and samples(store, sid) == 1


def test_only_plain_json_replies_are_kept_as_they_are() -> None:
    assert plain({"a": [1, 2.5, None, True, "x", {"b": []}]})
    assert not plain({"a": (1, 2)}) and not plain({1: "a"}) and not plain(np.float32(1.0))
    assert not plain({"a": np.zeros(2)})
