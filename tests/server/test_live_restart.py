"""Kill a real nnplay process with SIGKILL mid-life, start it again: the session is intact."""

from __future__ import annotations

import json
from typing import Any

import httpx
import numpy as np
from websockets.sync.client import connect

from tests.live_server import start_server
from tests.server.conftest import SMALL


def _train(url: str, sid: str, **command: Any) -> dict[str, Any]:
    with connect(url.replace("http", "ws") + f"/api/sessions/{sid}/ws") as ws:
        assert json.loads(ws.recv())["type"] == "state"
        ws.send(json.dumps({"seq": 0, "cmd": "set_probe_rate", "per_second": 0}))
        ws.send(json.dumps({"seq": 1, "cmd": "train", **command}))
        while True:
            message = ws.recv()
            if isinstance(message, bytes):
                continue
            reply = json.loads(message)
            if reply["seq"] == 1 and reply["type"] in ("done", "error"):
                assert reply["type"] == "done", reply
                return reply


def _weights(url: str, sid: str) -> dict[str, np.ndarray]:
    import io

    data = httpx.get(f"{url}/api/sessions/{sid}/export.npz").content
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        return {k: npz[k] for k in npz.files if "." in k}


def test_sigkill_and_restart_keeps_the_session(tmp_path):
    server = start_server(tmp_path)
    try:
        reply = httpx.post(f"{server.url}/api/sessions", json={"settings": SMALL})
        assert reply.status_code == 201
        sid = reply.json()["id"]
        _train(server.url, sid, unit="epochs", count=1)
        _train(server.url, sid, unit="batches", count=2)
        before = httpx.get(f"{server.url}/api/sessions/{sid}").json()
        weights_before = _weights(server.url, sid)
    finally:
        server.stop()  # SIGKILL: no shutdown hook runs
    assert server.process.returncode == -9
    again = start_server(tmp_path)
    try:
        after = httpx.get(f"{again.url}/api/sessions/{sid}").json()
        for key in ("spec", "settings", "epoch", "batch", "step", "history", "batch_losses",
                    "confusion"):
            assert after[key] == before[key], key
        assert after["epoch"] == 1 and after["step"] == before["step"] > 0
        weights_after = _weights(again.url, sid)
        assert weights_after.keys() == weights_before.keys()
        assert all(np.array_equal(weights_after[k], weights_before[k]) for k in weights_after)
        done = _train(again.url, sid, unit="batches", count=1)
        assert done["state"]["step"] == before["step"] + 1
    finally:
        again.stop()


def test_sigkill_mid_training_leaves_a_consistent_session(tmp_path):
    server = start_server(tmp_path)
    try:
        sid = httpx.post(f"{server.url}/api/sessions", json={"settings": SMALL}).json()["id"]
        with connect(server.url.replace("http", "ws") + f"/api/sessions/{sid}/ws") as ws:
            json.loads(ws.recv())
            ws.send(json.dumps({"seq": 1, "cmd": "train", "unit": "epochs", "count": 100}))
            epochs_seen = 0
            while epochs_seen < 2:  # the session has been saved at least at one epoch end
                message = ws.recv()
                if isinstance(message, str) and json.loads(message)["type"] == "epoch_end":
                    epochs_seen += 1
            server.stop()  # SIGKILL while it trains
    finally:
        server.stop()
    again = start_server(tmp_path)
    try:
        state = httpx.get(f"{again.url}/api/sessions/{sid}").json()
        assert state["training"] is False
        assert state["epoch"] >= 1 and len(state["history"]) == state["epoch"]
        assert len(state["batch_losses"]) == state["step"] > 0
        assert [h["epoch"] for h in state["history"]] == list(range(1, state["epoch"] + 1))
        done = _train(again.url, sid, unit="batches", count=1)
        assert done["state"]["step"] == state["step"] + 1
    finally:
        again.stop()
