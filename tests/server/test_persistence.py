"""Sessions outlive the app: a new app on the same data dir finds them as they were."""

import sqlite3
import time

import numpy as np
import pytest
from fastapi.testclient import TestClient

from server.http.app import create_app
from server.runtime.manager import SessionManager, create_session
from server.sessions.settings import TrainSettings
from tests.server.conftest import SMALL, app_settings, new_session, store_sql
from tests.server.helpers import receive_until, same_weights, tensor, weights


def _train(client, sid, **command):
    with client.websocket_connect(f"/api/sessions/{sid}/ws") as ws:
        ws.receive_json()
        ws.send_json({"seq": 0, "cmd": "set_probe_rate", "per_second": 0})
        receive_until(ws, 0)
        ws.send_json({"seq": 1, "cmd": "train", **command})
        messages, _ = receive_until(ws, 1)
    return messages


def test_a_new_app_on_the_same_data_dir_has_everything(settings):
    with TestClient(create_app(settings)) as first:
        sid = new_session(first)["id"]
        first.post(f"/api/sessions/{sid}/samples", json={
            "pixels": [0.0] * 50 + [255.0] * 50, "width": 10, "height": 10, "label": "cat"})
        _train(first, sid, unit="epochs", count=2)
        _train(first, sid, unit="batches", count=2)  # mid-epoch
        first.post(f"/api/sessions/{sid}/forward", json={"sample": {"split": "val", "index": 3}})
        before = first.get(f"/api/sessions/{sid}").json()
        before_weights = weights(first, sid)
        cell = first.get(f"/api/sessions/{sid}/cell",
                         params={"layer": "conv1", "channel": 1, "row": 4, "col": 4}).json()
    with TestClient(create_app(settings)) as second:
        after = second.get(f"/api/sessions/{sid}").json()
        for key in ("spec", "settings", "epoch", "batch", "step", "history", "batch_losses",
                    "confusion", "samples", "samples_seen", "dataset"):
            assert after[key] == before[key], key
        assert same_weights(weights(second, sid), before_weights)
        again = second.get(f"/api/sessions/{sid}/cell",
                           params={"layer": "conv1", "channel": 1, "row": 4, "col": 4}).json()
        assert again["result"] == cell["result"]  # the last input survived too
        assert len(second.get(f"/api/sessions/{sid}/samples").json()["samples"]) == 1


def test_training_continues_bit_for_bit_after_a_reload(tmp_path):
    a, b = app_settings(data_dir=tmp_path / "a"), app_settings(data_dir=tmp_path / "b")
    with TestClient(create_app(a)) as one, TestClient(create_app(b)) as other:
        sid_a = new_session(one)["id"]
        sid_b = new_session(other)["id"]
        _train(one, sid_a, unit="batches", count=3)
        _train(other, sid_b, unit="batches", count=3)
    with TestClient(create_app(a)) as reloaded, TestClient(create_app(b)) as kept:
        _train(reloaded, sid_a, unit="epochs", count=1)
        _train(kept, sid_b, unit="epochs", count=1)
        assert same_weights(weights(reloaded, sid_a), weights(kept, sid_b))
        # and rewinding after a reload reaches the snapshot saved before it
        rewound = [reloaded, kept]
        for c, sid in zip(rewound, (sid_a, sid_b), strict=True):
            with c.websocket_connect(f"/api/sessions/{sid}/ws") as ws:
                ws.receive_json()
                ws.send_json({"seq": 1, "cmd": "rewind", "epoch": 0})
                assert receive_until(ws, 1)[0][-1]["type"] == "done"
        assert same_weights(weights(reloaded, sid_a), weights(kept, sid_b))


def test_refused_requests_change_nothing_on_disk(settings):
    with TestClient(create_app(settings)) as c:
        sid = new_session(c)["id"]
        snapshot = store_sql(settings, "SELECT meta FROM sessions")
        c.put(f"/api/sessions/{sid}/settings", json={"settings": {"lr": -5}})
        c.put(f"/api/sessions/{sid}/spec", json={"spec": {"input": 1}})
        c.post(f"/api/sessions/{sid}/samples", json={"pixels": [], "width": 1, "height": 1,
                                                    "label": "x"})
        c.delete(f"/api/sessions/{sid}/samples/s9")
        assert store_sql(settings, "SELECT meta FROM sessions") == snapshot


def test_idle_sessions_expire_and_their_storage_is_reclaimed(tmp_path):
    settings = app_settings(data_dir=tmp_path, session_ttl_seconds=3600)
    now = [time.time()]
    manager = SessionManager(settings, clock=lambda: now[0])
    old = create_session(manager, None, TrainSettings(**SMALL))
    kept = create_session(manager, None, TrainSettings(**SMALL))
    blobs_of_old = "SELECT COUNT(*) FROM blobs WHERE session_id = ?"
    assert store_sql(settings, blobs_of_old, (old.id,))[0][0] > 0
    now[0] += 3000
    kept.touched = now[0]  # used just now (on the test clock)
    kept.save(manager.store)
    assert manager.expire() == []
    now[0] += 1000  # old idle for 4000 s, kept for 1000 s
    if settings.store is None:  # SQLite gives the file's pages back (PostgreSQL: autovacuum)
        db = sqlite3.connect(settings.database_path)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
    assert manager.expire() == [old.id]
    if settings.store is None:
        assert db.execute("PRAGMA freelist_count").fetchone()[0] == 0  # pages given back
        assert db.execute("PRAGMA page_count").fetchone()[0] < pages
        db.close()
    assert store_sql(settings, blobs_of_old, (old.id,))[0][0] == 0
    assert manager.store.exists(kept.id) and not manager.store.exists(old.id)
    with pytest.raises(Exception) as missing:
        manager.get(old.id)
    assert getattr(missing.value, "status", None) == 404
    manager.close()


def test_memory_ceiling_drops_idle_sessions_to_disk(tmp_path):
    settings = app_settings(data_dir=tmp_path, max_sessions_in_memory=2)
    manager = SessionManager(settings)
    made = [create_session(manager, None, TrainSettings(**SMALL)) for _ in range(4)]
    assert len(manager.cached_ids()) == 2
    first = manager.get(made[0].id)  # comes back from disk
    assert first is not made[0]
    assert same_weights(first.model.get_weights(), made[0].model.get_weights())
    assert len(manager.cached_ids()) == 2
    manager.close()


def test_disk_ceiling_refuses_new_sessions(tmp_path):
    with TestClient(create_app(app_settings(data_dir=tmp_path, max_sessions_on_disk=2))) as c:
        new_session(c)
        new_session(c)
        reply = c.post("/api/sessions", json={"settings": SMALL})
        assert reply.status_code == 503
        assert reply.json()["detail"]["field"] == "session"


def test_model_export_import_reproduces_every_output(client, session):
    sid = session["id"]
    _train(client, sid, unit="batches", count=2)
    data = client.get(f"/api/sessions/{sid}/export.npz").content
    reply = client.post("/api/sessions/import", files={"file": ("m.npz", data)})
    assert reply.status_code == 201, reply.text
    copy = reply.json()
    assert copy["id"] != sid and copy["spec"] == session["spec"] and copy["epoch"] == 0
    pixels = {"pixels": [float(v % 256) for v in range(40 * 40)], "width": 40, "height": 40}
    a = client.post(f"/api/sessions/{sid}/forward", json=pixels).json()
    b = client.post(f"/api/sessions/{copy['id']}/forward", json=pixels).json()
    for la, lb in zip(a["layers"], b["layers"], strict=True):
        assert np.array_equal(tensor(la["output"]), tensor(lb["output"]))


def test_bad_model_files_are_refused(client):
    import io

    good_spec = '{"input": {"channels": 1, "height": 4, "width": 4}, "layers": [{"type": "flatten"}, {"type": "dense", "units": 2}]}'  # noqa: E501

    def npz(**members):
        buffer = io.BytesIO()
        np.savez(buffer, **members)
        return buffer.getvalue()

    cases = [
        (b"not a zip", 415),
        (npz(x=np.zeros(3)), 422),
        (npz(format=np.array("nnplay-model/1"), spec=np.array("{")), 422),
        (npz(format=np.array("nnplay-model/1"), spec=np.array(good_spec)), 422),  # no weights
        (npz(format=np.array("nnplay-model/1"), spec=np.array(good_spec),
             **{"dense1.W": np.zeros((16, 3)), "dense1.b": np.zeros(2)}), 422),
        (npz(format=np.array("nnplay-model/1"), spec=np.array(good_spec),
             **{"dense1.W": np.full((16, 2), np.nan), "dense1.b": np.zeros(2)}), 422),
        (npz(format=np.array("nnplay-model/1"), spec=np.array(good_spec),
             **{"dense1.W": np.array([object()] * 32).reshape(16, 2),
                "dense1.b": np.zeros(2)}), 422),
    ]
    for data, status in cases:
        reply = client.post("/api/sessions/import", files={"file": ("m.npz", data)})
        assert reply.status_code == status, reply.text
        assert reply.json()["detail"]["field"] == "file"


def test_a_session_in_use_is_not_evicted(tmp_path):
    settings = app_settings(data_dir=tmp_path, max_sessions_in_memory=1)
    manager = SessionManager(settings)
    first = create_session(manager, None, TrainSettings(**SMALL))
    with manager.using(first.id) as held:
        create_session(manager, None, TrainSettings(**SMALL))
        assert manager.get(first.id) is held  # still the one object, not a second copy
    create_session(manager, None, TrainSettings(**SMALL))
    assert first.id not in manager.cached_ids()
    manager.close()


def test_a_model_file_whose_spec_is_refused_names_file(client):
    """docs/model-format.md: an import failure names ``file``, also when it is the spec in
    the file that the engine or this server's limits refuse; nothing is created."""
    from server.persist import model_file

    manager = client.app.state.runtime.manager
    too_long = {"input": {"channels": 1, "height": 28, "width": 28},
                "layers": [{"type": "flatten"}] + [{"type": "relu"}] * 38
                + [{"type": "dense", "units": 10}]}
    weights = {"dense1.W": np.zeros((784, 10), np.float32),
               "dense1.b": np.zeros(10, np.float32)}
    bad_kernel = {"input": {"channels": 1, "height": 3, "width": 3},
                  "layers": [{"type": "conv2d", "filters": 2, "kernel": 5}]}
    cases = [(too_long, weights, "40 layers is more than this server's limit of 32"),
             (bad_kernel, {}, "layer 1 (conv2d): kernel 5"),
             (["not", "a", "spec"], {}, "spec")]
    before = manager.store.count()
    for spec, params, words in cases:
        data = model_file.write(spec, {}, [], params)
        reply = client.post("/api/sessions/import", files={"file": ("m.npz", data)})
        assert reply.status_code == 422, reply.text
        detail = reply.json()["detail"]
        assert detail["field"] == "file", detail
        assert detail["message"].startswith("file: its spec is refused: ")
        assert words in detail["message"], detail
    assert manager.store.count() == before
