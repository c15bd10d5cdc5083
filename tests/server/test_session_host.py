"""SessionHost, what a Ray actor hosts (no Ray here): it loads a session from the store and
saves to it, lets a waiting forward go ahead of the next training step, leaves when idle
(saving), and refuses work once it has left or its session was deleted."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from server.config import PROJECT_ROOT, Settings
from server.persist.sqlite_store import SqliteStore
from server.runtime.session_host import SessionHost, SessionLeft
from server.sessions.ids import new_session_id
from server.sessions.settings import TrainSettings

SMALL = TrainSettings(dataset_size=300, batch_size=50)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    return SqliteStore(tmp_path / "s.sqlite3")


def test_a_new_host_loads_what_the_last_one_saved(store: SqliteStore) -> None:
    sid = new_session_id()
    first = SessionHost(sid, store, Settings(), 60)
    first.create(None, SMALL)
    first.run(lambda s: s.step_events("batches"), save=True)
    again = SessionHost(sid, store, Settings(), 60)
    assert again.run(lambda s: s.state())["step"] == 1


def test_an_unknown_id_is_404_and_a_second_create_is_refused(store: SqliteStore) -> None:
    host = SessionHost(new_session_id(), store, Settings(), 60)
    with pytest.raises(Exception) as missing:
        host.run(lambda s: s.state())
    assert getattr(missing.value, "status", None) == 404
    host.create(None, SMALL)
    with pytest.raises(Exception) as twice:
        host.create(None, SMALL)
    assert getattr(twice.value, "status", None) == 409


def test_a_waiting_forward_goes_before_the_next_training_step(store: SqliteStore) -> None:
    host = SessionHost(new_session_id(), store, Settings(), 60)
    host.create(None, SMALL)
    host.step_yield_seconds = 600.0  # the step waits for the forward, however slow it is
    order: list[str] = []
    session = host.present()
    session.lock.acquire()  # a training step in progress
    forward = threading.Thread(target=lambda: host.run(lambda s: order.append("forward")))
    forward.start()
    while host._waiting == 0:  # the forward now waits for the lock
        threading.Event().wait(0.01)
    step = threading.Thread(target=lambda: host.run(lambda s: order.append("step"), step=True))
    step.start()
    session.lock.release()
    forward.join()
    step.join()
    assert order == ["forward", "step"]


def test_an_idle_host_saves_and_leaves_then_refuses_work(store: SqliteStore) -> None:
    clock = Clock()
    sid = new_session_id()
    host = SessionHost(sid, store, Settings(), 30, clock=clock)
    host.create(None, SMALL)
    host.run(lambda s: s.step_events("batches"))  # not saved by the job itself
    clock.now += 29
    assert not host.should_leave() and not host.leave()
    clock.now += 2
    assert host.should_leave()
    assert host.leave()
    assert host.wait_gone(0) == "left"
    with pytest.raises(SessionLeft):
        host.run(lambda s: s.state())
    assert SessionHost(sid, store, Settings(), 30).run(lambda s: s.state())["step"] == 1


def test_a_training_host_does_not_leave(store: SqliteStore) -> None:
    clock = Clock()
    host = SessionHost(new_session_id(), store, Settings(), 30, clock=clock)
    host.create(None, SMALL)
    assert host.present().start_training(object())
    clock.now += 3600
    assert not host.should_leave()


def test_a_deleted_session_is_gone_from_the_store_and_its_host(store: SqliteStore) -> None:
    sid = new_session_id()
    host = SessionHost(sid, store, Settings(), 60)
    host.create(None, SMALL)
    host.delete()
    assert not store.exists(sid)
    assert host.wait_gone(0) == "deleted"
    with pytest.raises(Exception) as gone:
        host.run(lambda s: s.state())
    assert getattr(gone.value, "status", None) == 404


def test_the_embedded_server_never_imports_ray() -> None:
    code = ("import sys, server.http.app, server.http.cli; "
            "sys.exit(1 if any(m == 'ray' or m.startswith('ray.') for m in sys.modules) else 0)")
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, timeout=120)
    assert done.returncode == 0, "importing the app loaded ray"


def test_a_host_no_call_has_reached_yet_waits_for_its_first(store: SqliteStore) -> None:
    """A host started for a call on its way does not leave before the call reaches it, even past
    a short idle limit (on a loaded machine every new actor left first, and the call gave up);
    once a call has ended, the idle limit holds as before."""
    from server.runtime.host_leaving import FIRST_CALL_GRACE_SECONDS

    clock = Clock()
    sid = new_session_id()
    SessionHost(sid, store, Settings(), 30).create(None, SMALL)
    host = SessionHost(sid, store, Settings(), 1, clock=clock)
    clock.now += FIRST_CALL_GRACE_SECONDS - 1
    assert not host.should_leave()
    clock.now += 2
    assert host.should_leave()  # nobody came: it does not stay for ever
    fresh = SessionHost(sid, store, Settings(), 1, clock=clock)
    fresh.run(lambda s: s.state())
    clock.now += 1.5
    assert fresh.should_leave()
