"""A save writes what differs from what was last written, and nothing else
(server.sessions.saving): blob writes counted through a store wrapper."""

from __future__ import annotations

from typing import Any

import numpy as np

from server.persist.session_store import SessionStore
from server.runtime.live_session import LiveSession
from server.runtime.manager import SessionManager, create_session
from server.runtime.worker import run_locked
from server.sessions.forwarding import forward_sample
from server.sessions.settings import SettingsPatch, TrainSettings
from server.sessions.strict_model import SampleRef
from tests.server.conftest import app_settings

TINY = {"dataset_size": 120, "batch_size": 40}  # 3 steps an epoch


class CountingStore:
    """The store, with every blob written and dropped recorded (one entry per call)."""

    def __init__(self, store: SessionStore) -> None:
        self.store = store
        self.written: list[set[str]] = []
        self.dropped: list[set[str]] = []

    def save(self, session_id: str, created: float, touched: float, meta: Any,
             put: dict[str, bytes] | None = None, drop: Any = (), **kwargs: Any) -> None:
        self.written.append(set(put or {}))
        self.dropped.append(set(drop))
        self.store.save(session_id, created, touched, meta, put=put, drop=drop, **kwargs)

    def put_blob(self, session_id: str, name: str, data: bytes, touched: float) -> None:
        self.written.append({name})
        self.dropped.append(set())
        self.store.put_blob(session_id, name, data, touched)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def last(self) -> tuple[set[str], set[str]]:
        """What the last call wrote and dropped; forgets the record."""
        out = (self.written[-1], self.dropped[-1]) if self.written else (set(), set())
        self.written.clear()
        self.dropped.clear()
        return out


def _manager(tmp_path: Any) -> tuple[SessionManager, CountingStore]:
    manager = SessionManager(app_settings(data_dir=tmp_path))
    counting = CountingStore(manager.store)
    manager.store = counting  # type: ignore[assignment]
    return manager, counting


def _job(manager: SessionManager, live: LiveSession, job: Any, save: bool = True) -> Any:
    return run_locked(manager, live, job, save)


def _gray(level: float) -> np.ndarray:
    return np.full((28, 28), level, dtype=np.float32)


def test_a_save_with_no_change_writes_no_blob(tmp_path):
    manager, store = _manager(tmp_path)
    live = create_session(manager, None, TrainSettings(**TINY))
    first, _ = store.last()
    assert {"model", "trainer", "checkpoints", "snapshot/0"} <= first  # a new session: all
    _job(manager, live, lambda s: s.state())
    assert store.last() == (set(), set())
    _job(manager, live, lambda s: s.step_events("batches"))
    _job(manager, live, lambda s: None)
    assert store.last() == (set(), set())
    manager.close()


def test_an_own_sample_is_written_once_and_dropped_when_removed(tmp_path):
    manager, store = _manager(tmp_path)
    live = create_session(manager, None, TrainSettings(**TINY))
    store.last()
    added = _job(manager, live, lambda s: s.add_own_sample(_gray(0.5), "cat"))
    name = f"sample/{added['id']}"
    assert store.last() == ({name}, set())  # the weights did not change: not written
    _job(manager, live, lambda s: s.add_own_sample(_gray(0.2), "dog"))
    written, _ = store.last()
    assert name not in written and len(written) == 1
    _job(manager, live, lambda s: s.remove_own_sample(added["id"]))
    assert store.last() == (set(), {name})
    manager.close()


def test_a_step_writes_the_weights_and_trainer_an_epoch_its_snapshot(tmp_path):
    manager, store = _manager(tmp_path)
    live = create_session(manager, None, TrainSettings(**TINY))
    store.last()
    assert live.session is not None
    trainer = live.session.training_or_raise().trainer
    checkpoints = list(trainer.checkpoints)
    _job(manager, live, lambda s: s.step_events("batches"))
    written, dropped = store.last()
    moved = [c for c in trainer.checkpoints] != checkpoints
    assert written == {"model", "trainer"} | ({"checkpoints"} if moved else set())
    assert dropped == set()
    while trainer.epoch < 1:
        _job(manager, live, lambda s: s.step_events("batches"))
        written, _ = store.last()
    assert {"snapshot/1", "snapshot/confusion/1", "model", "trainer"} <= written
    assert "snapshot/0" not in written  # written once, with the session
    assert not any(n.startswith("sample/") for n in written)
    manager.close()


def test_the_last_input_is_written_when_it_changes_and_dropped_with_a_new_spec(tmp_path):
    manager, store = _manager(tmp_path)
    live = create_session(manager, None, TrainSettings(**TINY))
    store.last()
    ref = SampleRef(split="val", index=1)
    _job(manager, live, lambda s: forward_sample(s, ref), save=False)
    assert store.last() == ({"last_input"}, set())
    _job(manager, live, lambda s: s.state(), save=False)
    assert store.last() == (set(), set())
    assert live.session is not None
    spec = live.session.spec
    _job(manager, live, lambda s: s.set_spec(spec))
    # the same spec and seed: the same fresh weights and optimizer, not written again; the
    # new history's first snapshot is a new one
    assert store.last() == ({"snapshot/0"}, {"last_input"})
    _job(manager, live, lambda s: s.set_settings(SettingsPatch(seed=7)))
    written, dropped = store.last()
    assert {"model", "trainer", "snapshot/0"} <= written and dropped == set()
    manager.close()


def test_a_setting_that_keeps_the_weights_does_not_write_them(tmp_path):
    manager, store = _manager(tmp_path)
    live = create_session(manager, None, TrainSettings(**TINY))
    store.last()
    _job(manager, live, lambda s: s.set_settings(SettingsPatch(lr=0.05)))
    written, dropped = store.last()
    assert "model" not in written and not any(n.startswith("snapshot/") for n in written)
    assert dropped == set()
    manager.close()


def test_a_session_loaded_back_saves_nothing_until_it_changes(tmp_path):
    manager, store = _manager(tmp_path)
    live = create_session(manager, None, TrainSettings(**TINY))
    for _ in range(4):  # into the second epoch
        _job(manager, live, lambda s: s.step_events("batches"))
    _job(manager, live, lambda s: s.add_own_sample(_gray(0.5), "cat"))
    manager.close()
    manager, store = _manager(tmp_path)
    back = manager.get(live.id)
    _job(manager, back, lambda s: None)
    assert store.last() == (set(), set())
    _job(manager, back, lambda s: s.step_events("batches"))
    written, dropped = store.last()
    assert {"model", "trainer"} <= written and dropped == set()
    assert not any(n.startswith(("sample/", "snapshot/")) for n in written)
    manager.close()
