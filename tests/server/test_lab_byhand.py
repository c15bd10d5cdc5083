"""POST /api/lab/...: the by-hand routes, their replies and their 422s."""

from __future__ import annotations

import typing

import pytest

from engine.lab import activations, net221
from server.http.schemas.lab import Activation

ALL_ONES = {**{f"w{i}": 1.0 for i in range(1, 7)}, "b1": 0.0, "b2": 0.0, "b3": 0.0}


def test_neuron_worked_example(client):
    reply = client.post("/api/lab/neuron",
                        json={"x": [2, 3], "w": [0, 1], "b": 4, "activation": "sigmoid"})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["products"] == [0.0, 3.0] and body["z"] == 7.0
    assert abs(body["output"] - 0.999) <= 1e-4
    assert len(body["curve_z"]) == len(body["curve_f"]) == len(body["curve_df"]) == 241
    assert body["trainable"] is True and body["note"] is None


def test_neuron_step_is_forward_only(client):
    body = client.post("/api/lab/neuron", json={"x": [1], "w": [1], "b": -2,
                                                "activation": "step"}).json()
    assert body["output"] == 0.0 and body["derivative"] is None
    assert body["trainable"] is False and "cannot be trained by gradients" in body["note"]


def test_activation_names_agree_with_the_engine():
    assert set(typing.get_args(Activation)) == set(activations.NAMES)


def test_net221_alice(client):
    reply = client.post("/api/lab/net221", json={"params": ALL_ONES, "x": [-2, -1], "y": 1,
                                                 "lr": 0.1})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    expected = net221.analyse(ALL_ONES, [-2, -1], 1, 0.1)
    assert body["prediction"] == expected.prediction and body["loss"] == expected.loss
    w1 = body["grads"][0]
    assert w1["name"] == "w1" and w1["gradient"] == expected.grads[0].gradient
    assert [f["symbol"] for f in w1["factors"]] == ["∂L/∂ŷ", "∂ŷ/∂h1", "∂h1/∂w1"]
    assert w1["factors"][2]["terms"][0] == ["x1", -2.0]
    assert w1["rounded"] == [-0.952, 0.249, -0.0904] and w1["gradient_rounded"] == 0.0214
    assert w1["after"] == pytest.approx(1 - 0.1 * w1["engine"], rel=1e-14)
    assert [n["name"] for n in body["nodes"]] == ["h1", "h2", "o1"]
    assert [g["name"] for g in body["grads"]] == list(net221.PARAMS)


def test_net221_train_and_predict(client):
    reply = client.post("/api/lab/net221/train", json={"params": ALL_ONES, "lr": 0.5,
                                                       "steps": 40, "start": 2})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["steps"][0]["name"] == "Charlie" and body["next_index"] == 2
    assert body["table_loss"] < body["table_loss_before"]
    assert [p["name"] for p in body["people"]] == ["Alice", "Bob", "Charlie", "Diana"]
    assert body["shift"] == [135.0, 66.0]
    reply = client.post("/api/lab/net221/predict", json={"params": body["params"],
                                                         "weight_lb": 133, "height_in": 65})
    assert reply.status_code == 200, reply.text
    assert reply.json()["x"] == [-2.0, -1.0]
    assert reply.json()["prediction"] == pytest.approx(body["people"][0]["prediction"],
                                                       rel=1e-12)


BAD = [
    ("/api/lab/neuron", {"x": [2, 3], "w": [0, 1, 2], "b": 0}, "w"),
    ("/api/lab/neuron", {"x": [], "w": [], "b": 0}, "x"),
    ("/api/lab/neuron", {"x": [1] * 9, "w": [1] * 9}, "x"),
    ("/api/lab/neuron", {"x": [2, 3], "w": [0, 1], "activation": "swish"}, "activation"),
    ("/api/lab/neuron", {"x": [2, 1e300], "w": [0, 1]}, "x.1"),
    ("/api/lab/neuron", {"x": [2, 3], "w": [0, 1], "b": -2e6}, "b"),
    ("/api/lab/neuron", {"x": [2, 3], "w": [0, "1"]}, "w.1"),
    ("/api/lab/neuron", {"x": [2, 3], "w": [0, 1], "slope": 2}, "slope"),
    ("/api/lab/neuron", {"x": [2, 3], "w": [0, 1], "bias": 1}, "bias"),
    ("/api/lab/net221", {"params": ALL_ONES, "x": [1, 2, 3], "y": 1}, "x"),
    ("/api/lab/net221", {"params": ALL_ONES, "x": [1, 2], "y": 2}, "y"),
    ("/api/lab/net221", {"params": ALL_ONES, "x": [1, 2], "y": 1, "lr": 0}, "lr"),
    ("/api/lab/net221", {"params": ALL_ONES, "x": [1, 2], "y": 1, "lr": 1e6}, "lr"),
    ("/api/lab/net221", {"params": {**ALL_ONES, "w5": 1e7}, "x": [1, 2], "y": 1}, "params.w5"),
    ("/api/lab/net221", {"params": {k: v for k, v in ALL_ONES.items() if k != "b2"},
                         "x": [1, 2], "y": 1}, "params.b2"),
    ("/api/lab/net221", {"params": {**ALL_ONES, "w7": 1}, "x": [1, 2], "y": 1}, "params.w7"),
    ("/api/lab/net221/train", {"params": ALL_ONES, "steps": 0}, "steps"),
    ("/api/lab/net221/train", {"params": ALL_ONES, "steps": 100_000}, "steps"),
    ("/api/lab/net221/train", {"params": ALL_ONES, "start": 4}, "start"),
    ("/api/lab/net221/predict", {"params": ALL_ONES, "weight_lb": 150}, "height_in"),
]


@pytest.mark.parametrize(("path", "body", "field"), BAD)
def test_bad_values_are_422_naming_the_field(client, path, body, field):
    reply = client.post(path, json=body)
    assert reply.status_code == 422, reply.text
    assert reply.json()["detail"]["field"] == field
    assert reply.json()["detail"]["message"].startswith(field + ":")


@pytest.mark.parametrize("raw", [b'{"x": [NaN], "w": [1]}', b'{"x": [Infinity], "w": [1]}'])
def test_non_finite_numbers_are_422(client, raw):
    reply = client.post("/api/lab/neuron", content=raw,
                        headers={"content-type": "application/json"})
    assert reply.status_code == 422
    assert reply.json()["detail"]["field"] == "x.0"


def test_not_json_is_400(client):
    reply = client.post("/api/lab/net221", content=b"{oops",
                        headers={"content-type": "application/json"})
    assert reply.status_code == 400 and reply.json()["detail"]["field"] == "body"


def test_routes_are_in_openapi(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/lab/neuron", "/api/lab/net221", "/api/lab/net221/train",
                 "/api/lab/net221/predict"):
        assert "post" in paths[path]
