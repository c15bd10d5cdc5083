"""The forward reply's softmax arithmetic and the trace message's dead ReLU fractions."""

from __future__ import annotations

import numpy as np

from engine.model import build
from engine.trace import dead_relu_fractions
from tests.server.conftest import new_session
from tests.server.helpers import of_type, pixels_of_digit, receive_until, tensor, weights

SPEC = {"input": {"channels": 1, "height": 28, "width": 28},
        "layers": [{"type": "conv2d", "filters": 4, "kernel": 3, "padding": 1},
                   {"type": "relu"}, {"type": "pool"}, {"type": "flatten"},
                   {"type": "dense", "units": 6}, {"type": "leaky_relu"},
                   {"type": "dense", "units": 10}, {"type": "softmax"}]}


def _trace(client, sid, seq=5):  # type: ignore[no-untyped-def]
    with client.websocket_connect(f"/api/sessions/{sid}/ws") as ws:
        ws.receive_json()
        ws.send_json({"seq": 1, "cmd": "set_probe_rate", "per_second": 0})
        receive_until(ws, 1)
        ws.send_json({"seq": seq, "cmd": "trace", "sample": {"split": "val", "index": 0},
                      "kinds": ["output"]})
        messages, _ = receive_until(ws, seq)
    return of_type(messages, "trace")[0]


def test_forward_reply_carries_the_softmax_arithmetic(client, session):
    sid = session["id"]
    body = client.post(f"/api/sessions/{sid}/forward",
                       json={"pixels": pixels_of_digit(), "width": 56, "height": 56}).json()
    sm = body["softmax"]
    assert set(sm) == {"logits", "shift", "exps", "sum"}
    logits, exps = np.array(sm["logits"]), np.array(sm["exps"])
    assert logits.shape == exps.shape == (10,)
    assert all(np.isfinite(v) for v in [*sm["logits"], *sm["exps"], sm["shift"], sm["sum"]])
    # The logits are the layer before the softmax, as the forward reply sent it.
    np.testing.assert_array_equal(logits.astype(np.float32), tensor(body["layers"][-2]["output"]))
    assert sm["shift"] == logits.max()
    np.testing.assert_allclose(exps, np.exp(logits - sm["shift"]), rtol=1e-6)
    assert abs(sm["sum"] - exps.sum()) <= 1e-6 * sm["sum"]
    # Each probability is that exponential divided by the sum: the engine's very numbers.
    probs = np.float32(exps) / np.float32(sm["sum"])
    np.testing.assert_array_equal(probs, np.float32(body["probabilities"]))
    np.testing.assert_array_equal(probs, tensor(body["layers"][-1]["output"]))


def test_forward_reply_without_a_softmax_has_no_softmax_field(client):
    spec = {"input": {"channels": 1, "height": 28, "width": 28},
            "layers": [{"type": "flatten"}, {"type": "dense", "units": 10}]}
    reply = client.post("/api/sessions", json={"spec": spec, "settings": {
        "dataset_size": 300, "batch_size": 50, "loss": "mse"}})
    assert reply.status_code == 201, reply.text
    body = client.post(f"/api/sessions/{reply.json()['id']}/forward",
                       json={"sample": {"split": "val", "index": 0}}).json()
    assert "softmax" not in body and body["probabilities"] is None


def test_trace_dead_fractions_known_by_construction(client):
    """conv1: positive kernels, bias 0.1 (every unit fires on any image, images being >= 0)
    except filter 2 with bias -1000 (its channel never fires): relu1 is 1/4 dead. dense1:
    zero weights, biases -1, -1, 1, 1, 1, 1: lrelu1 is 2/6 dead."""
    sid = client.post("/api/sessions", json={"spec": SPEC, "settings": {
        "dataset_size": 300, "batch_size": 50}}).json()["id"]
    w = weights(client, sid)
    conv_w = np.abs(w["conv1.W"]) + 0.01
    reply = client.put(f"/api/sessions/{sid}/params/conv1",
                       json={"W": conv_w.tolist(), "b": [0.1, 0.1, -1000, 0.1]})
    assert reply.status_code == 200, reply.text
    reply = client.put(f"/api/sessions/{sid}/params/dense1",
                       json={"W": np.zeros_like(w["dense1.W"]).tolist(),
                             "b": [-1, -1, 1, 1, 1, 1]})
    assert reply.status_code == 200, reply.text
    trace = _trace(client, sid)
    assert trace["dead"] == {"relu1": 0.25, "lrelu1": 2 / 6}
    assert trace["dead_batch"] == {"source": "first_batch", "size": 50}


def test_trace_dead_fractions_are_the_engines_on_the_first_batch_then_the_last(client):
    state = new_session(client)
    sid = state["id"]
    trace = _trace(client, sid)
    assert trace["dead_batch"] == {"source": "first_batch", "size": 50}
    # Recompute with the engine from what the server exposes: spec, weights, train images.
    model = build(state["spec"], np.random.default_rng(0))
    model.set_weights(weights(client, sid))
    samples = client.get(f"/api/sessions/{sid}/dataset/samples",
                         params={"split": "train", "count": 50}).json()
    want = dead_relu_fractions(model, tensor(samples["images"]))
    assert set(want) == {"relu1"}
    assert trace["dead"] == want
    with client.websocket_connect(f"/api/sessions/{sid}/ws") as ws:
        ws.receive_json()
        ws.send_json({"seq": 1, "cmd": "set_probe_rate", "per_second": 0})
        receive_until(ws, 1)
        ws.send_json({"seq": 2, "cmd": "set_probe_rate", "per_second": 30})
        receive_until(ws, 2)
        ws.send_json({"seq": 3, "cmd": "train", "unit": "batches", "count": 1})
        messages, _ = receive_until(ws, 3)
    probes = of_type(messages, "trace")
    assert probes and all(p["probe"] and "dead" not in p for p in probes)
    after = _trace(client, sid, seq=4)
    assert after["dead_batch"] == {"source": "last_batch", "size": 50}
    assert set(after["dead"]) == {"relu1"} and 0 <= after["dead"]["relu1"] <= 1
