"""Memory has a ceiling in bytes (issue 13, item 4): the byte estimate of a session, sessions
unloaded to disk beyond ``max_memory_bytes`` (also with a socket open) and reloaded intact,
the 503 naming memory, snapshots thinned and kept on disk, the WAL truncated after a rewind,
built-in datasets shared between sessions."""

from __future__ import annotations

import copy
import dataclasses
import gc
import types
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

import engine.trainer
from server.http.app import create_app
from server.runtime.manager import SessionManager, create_session
from server.runtime.memory import FLOAT_IN_LIST, HISTORY_RECORD, data_bytes, session_bytes
from server.runtime.worker import run_locked
from server.sessions.architecture import TINY_MNIST_CNN
from server.sessions.data import SPLITS, alive_splits
from server.sessions.session import Session
from server.sessions.settings import TrainSettings
from server.sessions.strict_model import SampleRef
from tests.server.conftest import SMALL, app_settings
from tests.server.helpers import receive_until, same_weights

TINY = {"dataset_size": 120, "batch_size": 40}  # 3 steps an epoch


def _step(manager: SessionManager, session: Session) -> list[Any]:
    return run_locked(manager, session, lambda s: s.step_events("batches"), True)


def _epochs(manager: SessionManager, session: Session, count: int) -> list[dict[str, Any]]:
    """Train ``count`` epochs; the weights at the end of each (index = epoch)."""
    trainer = session.training_or_raise().trainer
    seen = []
    target = trainer.epoch + count
    while session.training_or_raise().trainer.epoch < target:
        _step(manager, session)
        seen.append(session.model.get_weights())
    return seen


def _weights_by_epoch(manager: SessionManager, session: Session, count: int) -> dict[int, Any]:
    out = {0: session.model.get_weights()}
    for _ in range(count):
        _epochs(manager, session, 1)
        out[session.training_or_raise().trainer.epoch] = session.model.get_weights()
    return out


def _reachable_array_bytes(root: object, exclude: set[int]) -> int:
    """Bytes of every distinct ndarray reachable from ``root`` (not through ``exclude``,
    modules, classes or functions): what the session really holds."""
    seen: set[int] = set()
    stack = [root]
    total = 0
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if id(obj) in exclude or isinstance(obj, (type, types.ModuleType, types.FunctionType,
                                                  types.BuiltinFunctionType)):
            continue
        if isinstance(obj, np.ndarray):
            total += obj.nbytes
            continue
        stack.extend(gc.get_referents(obj))
    return total


def test_the_byte_estimate_is_the_arrays_the_session_holds(tmp_path):
    manager = SessionManager(app_settings(data_dir=tmp_path))
    session = create_session(manager, None, TrainSettings(**SMALL))
    for _ in range(8):  # into the second epoch: caches, moments, snapshots, checkpoints
        _step(manager, session)
    run_locked(manager, session, lambda s: s.forward_sample(SampleRef(split="val", index=0)),
               False)  # a last input too
    data = session.data
    assert data is not None
    shared = {id(data), id(session.store), id(session.limits)}
    shared |= {id(data.part(name)) for name in SPLITS}
    held = _reachable_array_bytes(session, shared)
    training = session.training_or_raise()
    lists = (len(training.trainer.history) * HISTORY_RECORD
             + len(training.batch_losses) * FLOAT_IN_LIST)
    estimate = session_bytes(session)
    assert held > 100_000  # weights, gradients, moments, snapshots, checkpoints, last input
    assert abs((estimate - lists) - held) <= 0.01 * held + 4096
    assert session.bytes == estimate  # recounted after the last job
    assert data_bytes(data) == sum(data.part(n).images.nbytes + data.part(n).labels.nbytes
                                   for n in SPLITS)
    manager.close()


def test_over_the_ceiling_idle_sessions_go_to_disk_and_come_back_intact(tmp_path):
    manager = SessionManager(app_settings(data_dir=tmp_path))
    first = create_session(manager, None, TrainSettings(**TINY))
    _epochs(manager, first, 2)
    before = first.state()
    weights = first.model.get_weights()
    used = manager.memory_bytes()
    # room for the first session as it is, not for a second one beside it
    manager.settings = dataclasses.replace(manager.settings, max_memory_bytes=used + 1000)
    second = create_session(manager, None, TrainSettings(**TINY))
    assert second.resident
    assert not first.resident and first.id not in manager.cached_ids()
    assert manager.memory_bytes() <= manager.settings.max_memory_bytes
    back = manager.get(first.id)
    state = run_locked(manager, back, lambda s: s.state(), False)
    assert same_weights(back.model.get_weights(), weights)
    for key in ("history", "batch_losses", "epoch", "step", "rewind_epochs", "settings"):
        assert state[key] == before[key], key
    assert not second.resident  # the one used longest ago made room
    manager.close()


def test_a_session_with_an_open_socket_is_unloaded_and_reloaded_transparently(tmp_path):
    with TestClient(create_app(app_settings(data_dir=tmp_path))) as client:
        manager = client.app.state.runtime.manager
        sid = client.post("/api/sessions", json={"settings": TINY}).json()["id"]
        with client.websocket_connect(f"/api/sessions/{sid}/ws") as ws:
            ws.receive_json()
            ws.send_json({"seq": 1, "cmd": "train", "unit": "epochs", "count": 2})
            receive_until(ws, 1)
            held = manager.get(sid)
            before = run_locked(manager, held, lambda s: s.state(), False)
            weights = held.model.get_weights()
            manager.settings = dataclasses.replace(manager.settings,
                                                   max_memory_bytes=manager.memory_bytes() + 1)
            reply = client.post("/api/sessions", json={"settings": TINY})
            assert reply.status_code == 201, reply.text
            assert not held.resident and held.sockets == 1  # unloaded, socket still open
            assert manager.get(sid) is held  # the one object the socket holds
            ws.send_json({"seq": 2, "cmd": "state"})
            messages, _ = receive_until(ws, 2)
            state = next(m for m in messages if m["type"] == "state")["state"]
            assert held.resident and same_weights(held.model.get_weights(), weights)
            for key in ("history", "batch_losses", "epoch", "step", "rewind_epochs"):
                assert state[key] == before[key], key
            ws.send_json({"seq": 3, "cmd": "train", "unit": "epochs", "count": 1})
            messages, _ = receive_until(ws, 3)
            assert messages[-1]["type"] == "done" and messages[-1]["state"]["epoch"] == 3


def test_a_new_session_is_refused_naming_memory_only_when_nothing_can_go(tmp_path):
    with TestClient(create_app(app_settings(data_dir=tmp_path, max_memory_bytes=1))) as c:
        reply = c.post("/api/sessions", json={"settings": TINY})
        assert reply.status_code == 503
        detail = reply.json()["detail"]
        assert detail["field"] == "memory"
        assert "memory" in detail["message"] and "--max-memory" in detail["message"]
        assert c.app.state.runtime.manager.store.count() == 0  # nothing was saved
    manager = SessionManager(app_settings(data_dir=tmp_path / "b"))
    first = create_session(manager, None, TrainSettings(**TINY))
    manager.settings = dataclasses.replace(manager.settings,
                                           max_memory_bytes=manager.memory_bytes() + 1000)
    with manager.using(first.id):  # a request is using it: it cannot go to disk
        with pytest.raises(Exception) as refused:
            create_session(manager, None, TrainSettings(**TINY))
        assert getattr(refused.value, "status", None) == 503
        assert getattr(refused.value, "field", None) == "memory"
    assert create_session(manager, None, TrainSettings(**TINY)).resident  # now it can go
    assert not first.resident
    manager.close()


def test_snapshots_are_thinned_kept_on_disk_and_rewound_to(tmp_path):
    manager = SessionManager(app_settings(data_dir=tmp_path))
    session = create_session(manager, None, TrainSettings(**TINY))
    by_epoch = _weights_by_epoch(manager, session, 13)
    trainer = session.training_or_raise().trainer
    kept = [0, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]  # 0 and the last ten
    assert session.state()["rewind_epochs"] == trainer.rewind_epochs() == kept
    stored = manager.store.load(session.id)
    assert stored is not None
    assert _epoch_blobs(stored) == kept
    # each epoch's confusion matrix (snapshot/confusion/<epoch>) is thinned with its snapshot
    assert _confusion_blobs(stored) == [e for e in kept if e > 0]
    assert all(s.partial and not s.optimizer for s in trainer.snapshots)  # weights only
    for epoch in (1, 2, 3):
        with pytest.raises(Exception) as refused:
            run_locked(manager, session, lambda s, e=epoch: s.rewind(e), True)
        assert getattr(refused.value, "field", None) == "epoch"
        assert "0, 4, 5" in str(refused.value)
    run_locked(manager, session, lambda s: s.rewind(5), True)
    assert same_weights(session.model.get_weights(), by_epoch[5])
    assert session.state()["rewind_epochs"] == [0, 4, 5]
    _epochs(manager, session, 1)  # the optimizer state came back from disk: bit for bit
    assert same_weights(session.model.get_weights(), by_epoch[6])
    manager.close()


def _epoch_blobs(stored) -> list[int]:
    """The epochs whose snapshots are saved (blobs snapshot/<epoch>)."""
    names = (n.removeprefix("snapshot/") for n in stored.blobs if n.startswith("snapshot/"))
    return sorted(int(n) for n in names if n.isdigit())


def _confusion_blobs(stored) -> list[int]:
    """The epochs whose confusion matrices are saved (blobs snapshot/confusion/<epoch>)."""
    prefix = "snapshot/confusion/"
    return sorted(int(n.removeprefix(prefix)) for n in stored.blobs if n.startswith(prefix))


@pytest.mark.sqlite_only(reason="SQLite's write-ahead log file")
def test_the_wal_is_truncated_after_a_rewind(tmp_path):
    manager = SessionManager(app_settings(data_dir=tmp_path))
    session = create_session(manager, None, TrainSettings(**TINY))
    _epochs(manager, session, 3)
    assert manager.store.wal_bytes() > 0
    run_locked(manager, session, lambda s: s.rewind(1), True)
    assert manager.store.wal_bytes() == 0
    _epochs(manager, session, 1)
    assert manager.store.wal_bytes() > 0
    manager.delete(session.id)
    assert manager.store.wal_bytes() == 0
    manager.close()


def test_a_session_saved_with_every_snapshot_still_loads_and_is_thinned(tmp_path, monkeypatch):
    manager = SessionManager(app_settings(data_dir=tmp_path))
    monkeypatch.setattr(engine.trainer, "keeps", lambda epoch, latest: True)  # before thinning
    session = create_session(manager, None, TrainSettings(**TINY))
    by_epoch = _weights_by_epoch(manager, session, 12)
    stored = manager.store.load(session.id)
    assert stored is not None and len(_epoch_blobs(stored)) == 13
    monkeypatch.undo()
    manager.close()
    manager = SessionManager(app_settings(data_dir=tmp_path))
    back = manager.get(session.id)
    assert back.state()["rewind_epochs"] == [0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    run_locked(manager, back, lambda s: s.rewind(3), True)
    assert same_weights(back.model.get_weights(), by_epoch[3])
    stored = manager.store.load(session.id)
    assert stored is not None
    assert _epoch_blobs(stored) == [0, 3]
    assert _confusion_blobs(stored) == [3]
    manager.close()


@pytest.mark.parametrize("dataset", ["mnist", "shapes"])
def test_two_sessions_share_one_dataset_whatever_their_seeds(tmp_path, dataset):
    manager = SessionManager(app_settings(data_dir=tmp_path))
    spec = copy.deepcopy(TINY_MNIST_CNN)
    spec["layers"][-2]["units"] = 10 if dataset == "mnist" else 7
    a = create_session(manager, spec, TrainSettings(dataset=dataset, seed=1, dataset_size=500))
    b = create_session(manager, spec, TrainSettings(dataset=dataset, seed=2, dataset_size=500))
    assert a.data is not None and b.data is not None
    assert a.data.train.images is b.data.train.images
    assert a.data.val.labels is b.data.val.labels
    assert not same_weights(a.model.get_weights(), b.model.get_weights())  # seeds still differ
    others = sum(data_bytes(d) for d in alive_splits() if d is not a.data)  # other tests'
    assert manager.memory_bytes() == a.bytes + b.bytes + data_bytes(a.data) + others
    manager.close()


def test_batch_losses_keep_the_last_ones_and_say_from_where(tmp_path, monkeypatch):
    from server.sessions import training

    monkeypatch.setattr(training, "MAX_BATCH_LOSSES", 8)
    manager = SessionManager(app_settings(data_dir=tmp_path))
    session = create_session(manager, None, TrainSettings(**TINY))
    losses = []
    for _ in range(11):
        events = _step(manager, session)
        losses += [e.message_json["loss"] for e in events if e.message_json["type"] == "progress"]
    state = session.state()
    assert state["step"] == 11 and state["batch_losses_from"] == 4
    assert state["batch_losses"] == losses[4:]
    run_locked(manager, session, lambda s: s.rewind(1), True)
    state = session.state()  # epoch 1 ended at step 2 or 3: before those kept
    assert state["step"] < 4
    assert state["batch_losses"] == [] and state["batch_losses_from"] == state["step"]
    manager.close()


def test_every_route_brings_an_unloaded_session_back(tmp_path):
    """A session unloaded while its page stays open (it stays cached, as with a socket):
    a read, a forward and a zip upload (which looks at the network before taking the lock)
    each find it as it was."""
    from tests.server.test_own_samples import _png, _zip

    with TestClient(create_app(app_settings(data_dir=tmp_path))) as client:
        manager = client.app.state.runtime.manager
        sid = client.post("/api/sessions", json={"settings": TINY}).json()["id"]
        session = manager.get(sid)
        before = client.get(f"/api/sessions/{sid}").json()
        for call in (
            lambda: client.get(f"/api/sessions/{sid}"),
            lambda: client.post(f"/api/sessions/{sid}/forward",
                                json={"sample": {"split": "val", "index": 0}}),
            lambda: client.post(f"/api/sessions/{sid}/dataset/zip", files={"file": (
                "d.zip", _zip({"cat/0.png": _png(0), "dog/0.png": _png(5)}),
                "application/zip")}),
        ):
            with session.lock:
                session.unload(manager.store)
            assert not session.resident and manager.get(sid) is session
            reply = call()
            assert reply.status_code == 200, reply.text
            assert session.resident
        after = client.get(f"/api/sessions/{sid}").json()
        assert after["history"] == before["history"] and after["spec"] == before["spec"]
        assert after["samples"]["count"] == 2
