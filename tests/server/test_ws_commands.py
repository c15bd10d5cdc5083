"""WebSocket commands: what trace and set_probe_rate accept; a command runner and an idle
sweep that survive failures; a refused forward that leaves the last input alone."""

from __future__ import annotations

import json

import pytest

from tests.server.conftest import app_settings, new_session
from tests.server.helpers import of_type, receive_until

# docs/protocol.md, "Binary frames": every kind a trace sends
DOCUMENTED_KINDS = {"input", "output", "pre_activation", "grad_output", "W", "b", "grad_W",
                    "grad_b", "update_W", "update_b", "W_after", "b_after"}
SAMPLE = {"split": "val", "index": 0}


def _connect(client, sid):
    ws = client.websocket_connect(f"/api/sessions/{sid}/ws")
    return ws


def test_trace_kinds_are_the_kinds_a_trace_sends(client, session):
    with _connect(client, session["id"]) as ws:
        ws.receive_json()
        ws.send_json({"seq": 1, "cmd": "trace", "sample": SAMPLE})
        _, frames = receive_until(ws, 1)
        assert {h["kind"] for h, _ in frames} == DOCUMENTED_KINDS
        ws.send_json({"seq": 2, "cmd": "trace", "sample": SAMPLE, "kinds": ["W_after"]})
        messages, frames = receive_until(ws, 2)
        assert of_type(messages, "done") and not of_type(messages, "error"), messages
        assert sorted(h["name"] for h, _ in frames) == ["conv1.W_after", "dense1.W_after"]
        assert frames[0][1].shape == (8, 1, 3, 3)
        ws.send_json({"seq": 3, "cmd": "trace", "sample": SAMPLE, "kinds": ["b_after"]})
        _, frames = receive_until(ws, 3)
        assert sorted(h["name"] for h, _ in frames) == ["conv1.b_after", "dense1.b_after"]
        for kind in sorted(DOCUMENTED_KINDS):
            ws.send_json({"seq": 4, "cmd": "trace", "sample": SAMPLE, "kinds": [kind]})
            messages, frames = receive_until(ws, 4)
            assert not of_type(messages, "error"), messages
            assert frames and {h["kind"] for h, _ in frames} == {kind}
        # accepted by neither: not documented, never sent
        for command in ({"cmd": "trace", "sample": SAMPLE}, {"cmd": "set_probe_rate",
                                                           "per_second": 1}):
            ws.send_json({"seq": 5, **command, "kinds": ["grad_input"]})
            messages, _ = receive_until(ws, 5)
            error = of_type(messages, "error")[0]
            assert error["field"].startswith("kinds"), error
            assert not of_type(messages, "ack")


def test_set_probe_rate_refuses_what_does_not_exist_and_keeps_the_probe(client, session):
    with _connect(client, session["id"]) as ws:
        ws.receive_json()
        bad = [({"layers": ["conv1", "nope"]}, "layers"),
               ({"sample": {"split": "val", "index": 10**6}}, "sample.index"),
               ({"sample": {"split": "test", "index": 30}}, "sample.index")]  # test holds 30
        for seq, (extra, field) in enumerate(bad, start=1):
            ws.send_json({"seq": seq, "cmd": "set_probe_rate", "per_second": 30, **extra})
            messages, _ = receive_until(ws, seq)
            assert [m["type"] for m in messages] == ["error"], messages
            assert messages[0]["field"] == field and field in messages[0]["message"]
        ws.send_json({"seq": 8, "cmd": "set_probe_rate", "per_second": 30,
                      "sample": {"split": "test", "index": 29}, "layers": ["conv1"]})
        messages, _ = receive_until(ws, 8)
        assert [m["type"] for m in messages] == ["ack", "done"], messages
        ws.send_json({"seq": 9, "cmd": "train", "unit": "batches", "count": 2})
        messages, frames = receive_until(ws, 9)
    assert not of_type(messages, "error"), messages
    probes = [m for m in of_type(messages, "trace") if m["probe"]]
    assert probes and frames
    assert {h["layer"] for h, _ in frames} <= {"input", "conv1"}


def test_a_probe_that_cannot_run_during_training_is_reported(client):
    """No validation split: the session's default probe (val #0) cannot be traced. That is
    said once (an error with the train's seq naming the field), and the train goes on."""
    state = new_session(client, split={"train": 0.9, "val": 0.0, "test": 0.1}, probe_rate=30)
    with _connect(client, state["id"]) as ws:
        ws.receive_json()
        ws.send_json({"seq": 3, "cmd": "train", "unit": "batches", "count": 3})
        messages, _ = receive_until(ws, 3, last=("done",))
    errors = of_type(messages, "error")
    assert len(errors) == 1, messages
    assert errors[0]["seq"] == 3 and errors[0]["field"] == "sample.index"
    assert errors[0]["message"].startswith("probe: sample.index")
    assert len(of_type(messages, "progress")) == 3
    assert messages[-1]["type"] == "done" and messages[-1]["reason"] == "completed"


def _receive_within(ws, seconds: float = 10.0):
    """ws.receive(), but a reply that never comes fails the test instead of hanging it."""
    import anyio

    async def receive():
        with anyio.fail_after(seconds):
            return await ws._send_rx.receive()

    return ws.portal.call(receive)


def _until(ws, seq):
    messages = []
    while True:
        raw = _receive_within(ws)
        if raw.get("text") is None:
            continue
        message = json.loads(raw["text"])
        messages.append(message)
        if message.get("seq") == seq and message["type"] in ("done", "error"):
            return messages


def test_an_unexpected_failure_answers_its_command_and_the_runner_goes_on(
        client, session, monkeypatch, caplog):
    from server.http import ws_commands as connection

    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(connection, "run_trace", broken)
    with _connect(client, session["id"]) as ws:
        ws.receive_json()
        ws.send_json({"seq": 1, "cmd": "trace", "sample": SAMPLE})
        messages = _until(ws, 1)
        assert [m["type"] for m in messages] == ["ack", "error"], messages
        assert "internal error (RuntimeError)" in messages[-1]["message"]
        assert messages[-1]["message"].startswith("trace:")
        # later commands still run
        ws.send_json({"seq": 2, "cmd": "state"})
        messages = _until(ws, 2)
        assert [m["type"] for m in messages] == ["ack", "state", "done"], messages
        ws.send_json({"seq": 3, "cmd": "set_probe_rate", "per_second": 0})  # probes trace too
        _until(ws, 3)
        ws.send_json({"seq": 3, "cmd": "train", "unit": "batches", "count": 1})
        messages = _until(ws, 3)
        assert messages[-1]["type"] == "done" and messages[-1]["reason"] == "completed"
    assert any("a bug" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


def test_the_idle_sweep_survives_a_failing_expire(tmp_path, monkeypatch, caplog):
    import time

    from fastapi.testclient import TestClient

    from server.http.app import create_app
    from server.runtime.manager import SessionManager

    calls = []

    def failing_expire(self):
        calls.append(time.monotonic())
        raise OSError("database is locked")

    monkeypatch.setattr(SessionManager, "expire", failing_expire)
    app = create_app(app_settings(data_dir=tmp_path, expiry_interval_seconds=0.01))
    with TestClient(app):
        deadline = time.monotonic() + 10
        while len(calls) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
    assert len(calls) >= 3
    assert any("expiring idle sessions failed" in r.getMessage() for r in caplog.records)


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_a_refused_forward_leaves_the_last_input_as_it_was(client):
    """Weights that overflow to infinity: the forward is refused (422) and the input sent
    with it does not become the last input (/cell input=last still shows the earlier one)."""
    spec = {"input": {"channels": 1, "height": 28, "width": 28},
            "layers": [{"type": "flatten"}] + [{"type": "dense", "units": 10}] * 8}
    state = new_session(client, loss="mse")
    sid = state["id"]
    assert client.put(f"/api/sessions/{sid}/spec", json={"spec": spec}).status_code == 200
    first = client.post(f"/api/sessions/{sid}/forward", json={"sample": SAMPLE})
    assert first.status_code == 200, first.text
    shown = client.get(f"/api/sessions/{sid}/cell", params={"layer": "dense1"}).json()
    for i, fan_in in enumerate([784] + [10] * 7, start=1):  # x 1e5 per layer: overflows
        reply = client.put(f"/api/sessions/{sid}/params/dense{i}",
                           json={"W": [[1e4] * 10] * fan_in})
        assert reply.status_code == 200, reply.text
    reply = client.post(f"/api/sessions/{sid}/forward",
                        json={"sample": {"split": "val", "index": 1}})
    assert reply.status_code == 422 and reply.json()["detail"]["field"] == "spec", reply.text
    after = client.get(f"/api/sessions/{sid}/cell", params={"layer": "dense1"}).json()
    assert after["inputs"] == shown["inputs"]
