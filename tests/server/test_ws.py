"""The WebSocket protocol through the real app: request, then read the replies."""

import json

import numpy as np
import pytest
from starlette.websockets import WebSocketDisconnect

from tests.server.conftest import new_session
from tests.server.helpers import of_type, receive_until, same_weights, weights

DENSE_MSE = {"input": {"channels": 1, "height": 28, "width": 28},
             "layers": [{"type": "flatten"}, {"type": "dense", "units": 10}]}


def _connect(client, sid):
    ws = client.websocket_connect(f"/api/sessions/{sid}/ws")
    return ws


def _no_probes(ws):
    ws.send_json({"seq": 0, "cmd": "set_probe_rate", "per_second": 0})
    messages, _ = receive_until(ws, 0)
    assert [m["type"] for m in messages] == ["ack", "done"]


def test_connect_sends_state(client, session):
    with _connect(client, session["id"]) as ws:
        first = ws.receive_json()
        assert first["type"] == "state" and first["seq"] is None
        assert first["state"]["id"] == session["id"]


def test_train_batches_streams_one_progress_per_step(client, session):
    sid = session["id"]
    with _connect(client, sid) as ws:
        ws.receive_json()
        _no_probes(ws)
        ws.send_json({"seq": 7, "cmd": "train", "unit": "batches", "count": 3})
        messages, frames = receive_until(ws, 7)
    assert messages[0] == {"seq": 7, "type": "ack", "cmd": "train"}
    progress = of_type(messages, "progress")
    assert [p["batch"] for p in progress] == [1, 2, 3]
    assert [p["step"] for p in progress] == [1, 2, 3]
    assert all(p["seq"] == 7 and np.isfinite(p["loss"]) for p in progress)
    done = messages[-1]
    assert done["reason"] == "completed"
    assert done["state"]["step"] == 3
    assert done["state"]["batch_losses"] == [p["loss"] for p in progress]
    assert frames == []
    state = client.get(f"/api/sessions/{sid}").json()
    assert state["step"] == 3 and state["epoch"] == 0 and state["training"] is False


def test_train_samples_steps_one_sample_at_a_time(client, session):
    with _connect(client, session["id"]) as ws:
        ws.receive_json()
        _no_probes(ws)
        ws.send_json({"seq": 1, "cmd": "train", "unit": "samples", "count": 2})
        messages, _ = receive_until(ws, 1)
    progress = of_type(messages, "progress")
    assert [p["samples"] for p in progress] == [1, 2]


def test_train_epoch_ends_with_history_and_confusion(client, session):
    sid = session["id"]
    with _connect(client, sid) as ws:
        ws.receive_json()
        _no_probes(ws)
        ws.send_json({"seq": 2, "cmd": "train", "unit": "epochs", "count": 2})
        messages, _ = receive_until(ws, 2)
    ends = of_type(messages, "epoch_end")
    assert [e["epoch"] for e in ends] == [1, 2]
    steps_per_epoch = -(-session["dataset"]["train"] // 50)
    assert len(of_type(messages, "progress")) == 2 * steps_per_epoch
    matrix = np.array(ends[-1]["confusion"]["matrix"])
    assert matrix.sum() == session["dataset"]["val"]
    assert abs(np.trace(matrix) / matrix.sum() - ends[-1]["val_acc"]) < 1e-9
    state = client.get(f"/api/sessions/{sid}").json()
    assert [h["epoch"] for h in state["history"]] == [1, 2]
    assert state["history"][1]["val_loss"] == ends[1]["val_loss"]
    assert state["confusion"] == ends[-1]["confusion"]


def test_stop_ends_a_long_train_at_a_batch_boundary(client, session):
    sid = session["id"]
    with _connect(client, sid) as ws:
        ws.receive_json()
        _no_probes(ws)
        ws.send_json({"seq": 3, "cmd": "train", "unit": "batches", "count": 10000})
        first = ws.receive_json()
        assert first["type"] == "ack"
        progress = ws.receive_json()
        assert progress["type"] == "progress"
        ws.send_json({"seq": 4, "cmd": "stop"})
        messages, _ = receive_until(ws, 3)
    stop_replies = [m for m in messages if m["seq"] == 4]
    assert [m["type"] for m in stop_replies] == ["ack", "done"]
    done = messages[-1]
    assert done["reason"] == "stopped"
    steps = done["state"]["step"]
    assert 1 <= steps < 10000
    assert len(done["state"]["batch_losses"]) == steps
    assert client.get(f"/api/sessions/{sid}").json()["step"] == steps


def test_rewind_restores_the_weights_of_that_epoch(client, session):
    sid = session["id"]
    with _connect(client, sid) as ws:
        ws.receive_json()
        _no_probes(ws)
        ws.send_json({"seq": 1, "cmd": "train", "unit": "epochs", "count": 1})
        receive_until(ws, 1)
        after_one = weights(client, sid)
        ws.send_json({"seq": 2, "cmd": "train", "unit": "epochs", "count": 1})
        receive_until(ws, 2)
        assert not same_weights(weights(client, sid), after_one)
        ws.send_json({"seq": 3, "cmd": "rewind", "epoch": 1})
        messages, _ = receive_until(ws, 3)
        assert messages[-1]["type"] == "done"
        state = messages[-1]["state"]
        assert state["epoch"] == 1 and len(state["history"]) == 1
        assert len(state["batch_losses"]) == state["step"]
        assert same_weights(weights(client, sid), after_one)
        ws.send_json({"seq": 4, "cmd": "rewind", "epoch": 5})
        messages, _ = receive_until(ws, 4)
        assert messages[-1]["type"] == "error" and messages[-1]["field"] == "epoch"
    assert same_weights(weights(client, sid), after_one)


def test_trace_sends_binary_frames_that_match_forward(client, session):
    sid = session["id"]
    reply = client.post(f"/api/sessions/{sid}/forward",
                        json={"sample": {"split": "val", "index": 0}})
    forward = {layer["name"]: layer for layer in reply.json()["layers"]}
    before = weights(client, sid)
    with _connect(client, sid) as ws:
        ws.receive_json()
        ws.send_json({"seq": 9, "cmd": "trace", "sample": {"split": "val", "index": 0}})
        messages, frames = receive_until(ws, 9)
    trace = of_type(messages, "trace")[0]
    assert trace["tensors"] == len(frames) and trace["probe"] is False
    assert np.isfinite(trace["loss"])
    by_name = {h["name"]: (h, a) for h, a in frames}
    assert all(h["trace_id"] == trace["trace_id"] and h["seq"] == 9 for h, _ in frames)
    conv = by_name["conv1.output"][1]
    from tests.server.helpers import tensor
    # dropout-free network: the training-mode trace equals the inference forward
    assert np.allclose(conv, tensor(forward["conv1"]["output"]), atol=1e-6)
    w, upd, w_after = (by_name[f"dense1.{k}"][1] for k in ("W", "update_W", "W_after"))
    assert np.allclose(w + upd, w_after, atol=1e-6)
    assert by_name["conv1.grad_W"][1].shape == (8, 1, 3, 3)
    assert "softmax1.grad_output" not in by_name  # fused with the loss
    assert by_name["relu1.pre_activation"][1].shape == (8, 28, 28)
    assert same_weights(weights(client, sid), before)  # a trace never changes the session


def test_quantised_trace_frames(client, session):
    with _connect(client, session["id"]) as ws:
        ws.receive_json()
        ws.send_json({"seq": 1, "cmd": "trace", "sample": {"split": "val", "index": 0},
                      "layers": ["conv1"], "kinds": ["output"], "dtype": "uint8"})
        ws.send_json({"seq": 2, "cmd": "trace", "sample": {"split": "val", "index": 0},
                      "layers": ["conv1"], "kinds": ["output"]})
        _, quantised = receive_until(ws, 1)
        _, exact = receive_until(ws, 2)
    (hq, q), (_, x) = quantised[0], exact[0]
    assert hq["dtype"] == "uint8" and hq["name"] == "conv1.output"
    assert np.max(np.abs(q - x)) <= hq["scale"] / 2 + 1e-6


def test_probes_come_with_training(client, session):
    with _connect(client, session["id"]) as ws:
        ws.receive_json()
        ws.send_json({"seq": 1, "cmd": "set_probe_rate", "per_second": 30,
                      "kinds": ["output"], "layers": ["conv1", "dense1"]})
        receive_until(ws, 1)
        ws.send_json({"seq": 2, "cmd": "train", "unit": "batches", "count": 2})
        messages, frames = receive_until(ws, 2)
    traces = of_type(messages, "trace")
    assert len(traces) >= 1 and all(t["probe"] for t in traces)
    names = {h["name"] for h, _ in frames}
    assert names == {"conv1.output", "dense1.output"}


def test_divergence_is_an_event_and_keeps_the_weights(client):
    reply = client.post("/api/sessions", json={"spec": DENSE_MSE, "settings": {
        "lr": 10, "loss": "mse", "dataset_size": 300, "batch_size": 50, "probe_rate": 0}})
    sid = reply.json()["id"]
    with _connect(client, sid) as ws:
        ws.receive_json()
        ws.send_json({"seq": 1, "cmd": "train", "unit": "batches", "count": 200})
        raw = []
        while True:
            text = ws.receive_text()  # every reply is a JSON text NaN-free parser accepts
            message = json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in JSON"))
            raw.append(message)
            if message["type"] == "done":
                break
    diverged = of_type(raw, "diverged")
    assert len(diverged) == 1 and "learning rate" in diverged[0]["message"]
    assert raw[-1]["reason"] == "diverged"
    state = client.get(f"/api/sessions/{sid}").json()
    assert state["diverged"]["step"] == diverged[0]["step"]
    assert state["step"] == diverged[0]["step"] - 1
    assert all(np.isfinite(v).all() for v in weights(client, sid).values())
    reply = client.put(f"/api/sessions/{sid}/settings", json={"settings": {"lr": 0.001}})
    assert reply.json()["diverged"] is None


def test_bad_commands_get_errors_naming_the_field(client, session):
    with _connect(client, session["id"]) as ws:
        ws.receive_json()
        cases = [
            ("not json", None, "message"),
            (json.dumps([1, 2]), None, "body"),
            (json.dumps({"seq": 5, "cmd": "fly"}), 5, "cmd"),
            (json.dumps({"seq": 6, "cmd": "train", "unit": "weeks", "count": 1}), 6, "unit"),
            (json.dumps({"seq": 7, "cmd": "train", "unit": "epochs", "count": 0}), 7, "count"),
            (json.dumps({"seq": 8, "cmd": "train", "unit": "epochs", "count": 10_001}), 8, "count"),
            (json.dumps({"seq": 9, "cmd": "rewind"}), 9, "epoch"),
            (json.dumps({"seq": 10, "cmd": "trace", "sample": {"split": "val", "index": -1}}),
             10, "sample"),
            (json.dumps({"seq": 11, "cmd": "trace", "layers": ["nope"],
                         "sample": {"split": "val", "index": 0}}), 11, "layers"),
            (json.dumps({"seq": 12, "cmd": "trace"}), 12, "sample"),  # nothing forwarded yet
            (json.dumps({"cmd": "stop"}), None, "seq"),
        ]
        for text, seq, field in cases:
            ws.send_text(text)
            messages, _ = receive_until(ws, seq, ("error",))
            error = messages[-1]
            assert error["field"] is not None and error["field"].startswith(field), (text, error)
        ws.send_bytes(b"\x00\x01")
        messages, _ = receive_until(ws, None, ("error",))
        assert messages[-1]["field"] == "message"
        ws.send_json({"seq": 13, "cmd": "state"})
        messages, _ = receive_until(ws, 13)
        assert of_type(messages, "state")[0]["state"]["step"] == 0


def test_unknown_session_closes_with_4404(client):
    with client.websocket_connect("/api/sessions/" + "C" * 32 + "/ws") as ws:
        message = ws.receive_json()
        assert message["type"] == "error" and message["field"] == "id"
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 4404


def test_deleting_the_session_closes_its_socket(client, session):
    sid = session["id"]
    with _connect(client, sid) as ws:
        ws.receive_json()
        assert client.delete(f"/api/sessions/{sid}").status_code == 204
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 4410


def test_disconnect_mid_train_leaves_a_consistent_session_and_reconnect_resumes(client):
    state = new_session(client, probe_rate=0)
    sid = state["id"]
    with _connect(client, sid) as ws:
        ws.receive_json()
        ws.send_json({"seq": 1, "cmd": "train", "unit": "epochs", "count": 100})
        assert ws.receive_json()["type"] == "ack"
        assert ws.receive_json()["type"] == "progress"
        # leave without stopping
    with _connect(client, sid) as ws:
        first = ws.receive_json()
        resumed = first["state"]
        assert resumed["training"] is False
        assert resumed["step"] >= 1 and len(resumed["batch_losses"]) == resumed["step"]
        assert resumed["epoch"] < 100
        ws.send_json({"seq": 2, "cmd": "train", "unit": "batches", "count": 1})
        messages, _ = receive_until(ws, 2)
    progress = of_type(messages, "progress")[0]
    assert progress["step"] == resumed["step"] + 1


def test_two_pages_cannot_train_one_session_at_once(client, session):
    sid = session["id"]
    with _connect(client, sid) as a, _connect(client, sid) as b:
        a.receive_json()
        b.receive_json()
        a.send_json({"seq": 1, "cmd": "set_probe_rate", "per_second": 0})
        receive_until(a, 1)
        a.send_json({"seq": 2, "cmd": "train", "unit": "batches", "count": 10000})
        assert a.receive_json()["type"] == "ack"
        assert a.receive_json()["type"] == "progress"
        b.send_json({"seq": 3, "cmd": "train", "unit": "batches", "count": 1})
        messages, _ = receive_until(b, 3, ("error", "done"))
        assert messages[-1]["type"] == "error" and messages[-1]["field"] == "session"
        reply = client.put(f"/api/sessions/{sid}/settings", json={"settings": {"lr": 0.1}})
        assert reply.status_code == 409
        forward = client.post(f"/api/sessions/{sid}/forward",
                              json={"sample": {"split": "val", "index": 0}})
        assert forward.status_code == 200  # forwards go on while it trains
        a.send_json({"seq": 4, "cmd": "stop"})
        messages, _ = receive_until(a, 2)
        assert messages[-1]["reason"] == "stopped"


def test_random_commands_never_break_the_socket(client, session):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    scalars = st.none() | st.booleans() | st.integers(-3, 10**6) | st.floats(
        allow_nan=False) | st.text(max_size=6)
    values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=6)
    commands = st.fixed_dictionaries(
        {"seq": st.integers(1, 10**6),
         "cmd": st.sampled_from(["train", "stop", "rewind", "trace", "set_probe_rate", "state",
                                 "landscape", "bogus"])},
        optional={"unit": st.sampled_from(["samples", "batches", "epochs"]) | values,
                  "count": st.integers(-1, 3) | values, "epoch": st.integers(-1, 3) | values,
                  "sample": st.sampled_from(["last", {"split": "val", "index": 0}]) | values,
                  "per_second": st.floats(-1, 40) | values, "grid": st.integers(1, 7),
                  "layers": st.lists(st.sampled_from(["conv1", "x"]), max_size=2)})

    with client.websocket_connect(f"/api/sessions/{session['id']}/ws") as ws:
        ws.receive_json()
        ws.send_json({"seq": 0, "cmd": "set_probe_rate", "per_second": 0})
        receive_until(ws, 0)

        @settings(max_examples=40, deadline=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(commands)
        def run(command):
            ws.send_json(command)
            seq = command["seq"]
            messages, _ = receive_until(ws, seq)
            last = messages[-1]
            assert last["type"] in ("done", "error")
            if last["type"] == "error":
                assert last["field"] and last["message"]

        run()
        ws.send_json({"seq": -1, "cmd": "state"})
        messages, _ = receive_until(ws, -1)
        assert of_type(messages, "state")


def test_a_command_sent_as_the_socket_closes_leaves_a_consistent_session(client):
    state = new_session(client, probe_rate=0)
    sid = state["id"]
    with _connect(client, sid) as ws:
        ws.receive_json()
        ws.send_json({"seq": 1, "cmd": "train", "unit": "batches", "count": 5})
        ws.send_json({"seq": 2, "cmd": "rewind", "epoch": 0})
        ws.send_json({"seq": 3, "cmd": "trace", "sample": {"split": "val", "index": 0}})
    # closed without reading a reply; the next page finds the session whole
    with _connect(client, sid) as ws:
        resumed = ws.receive_json()["state"]
    assert resumed["training"] is False
    assert len(resumed["batch_losses"]) == resumed["step"] <= 5
    again = client.get(f"/api/sessions/{sid}").json()
    assert again["step"] == resumed["step"]
