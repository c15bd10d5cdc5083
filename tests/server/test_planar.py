"""The lab's 2-D data through the real app: planar settings, points, grids (REST and
WebSocket binary frames), grids streamed while training, gradient sizes, regression, typed
weights, and refusals naming the field."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from engine.grid import evaluate_grid
from engine.model import build
from server.sessions.settings import LAB_SETTINGS
from tests.server.helpers import of_type, receive_until, tensor


def spec(features: int = 2, hidden: tuple[tuple[int, str], ...] = ((8, "tanh"), (8, "relu")),
         out: tuple[dict[str, Any], ...] = ({"type": "dense", "units": 1},
                                            {"type": "sigmoid"})) -> dict[str, Any]:
    layers: list[dict[str, Any]] = [{"type": "flatten"}]
    for units, act in hidden:
        layers += [{"type": "dense", "units": units}, {"type": act}]
    return {"input": {"channels": features, "height": 1, "width": 1},
            "layers": layers + list(out)}


def lab_settings(**planar: Any) -> dict[str, Any]:
    return {**LAB_SETTINGS, "planar": {**LAB_SETTINGS["planar"], **planar}}  # type: ignore[dict-item]


def create(client, the_spec=None, planar: dict[str, Any] | None = None,
           **settings: Any) -> dict[str, Any]:
    body = {"spec": the_spec or spec(),
            "settings": {**lab_settings(**(planar or {})), **settings}}
    reply = client.post("/api/sessions", json=body)
    assert reply.status_code == 201, reply.text
    return reply.json()


def ws_open(client, sid):
    ws = client.websocket_connect(f"/api/sessions/{sid}/ws")
    return ws


def test_a_lab_session_splits_train_and_test_points(client):
    state = create(client)
    assert state["dataset"] == {"name": "planar", "train": 300, "val": 200, "test": 0}
    assert state["settings"]["planar"]["set"] == "spiral" and state["settings"]["l1"] == 0.0
    assert state["class_names"] == ["0", "1"]
    points = client.get(f"/api/sessions/{state['id']}/planar").json()
    assert points["task"] == "classification" and points["extent"] == {
        "x1": [-6.0, 6.0], "x2": [-6.0, 6.0]}
    assert points["shift"] == [0.0, 0.0] and points["names"] is None
    train, val = points["splits"]["train"], points["splits"]["val"]
    assert tensor(train["x"]).shape == (300, 2) and tensor(val["y"]).shape == (200,)
    assert sorted(set(tensor(train["y"]).tolist())) == [0.0, 1.0]
    # point i of a split is sample i of that split: the forward sees its features
    fwd = client.post(f"/api/sessions/{state['id']}/forward",
                      json={"sample": {"split": "val", "index": 5}}).json()
    np.testing.assert_allclose(tensor(fwd["preprocessed"]).reshape(-1),
                               tensor(val["x"])[5], rtol=1e-6)
    assert fwd["true_label"] == int(tensor(val["y"])[5])


def test_people_points_carry_shift_and_names(client):
    state = create(client, planar={"train_ratio": 0.5, "set": "people"})
    points = client.get(f"/api/sessions/{state['id']}/planar").json()
    assert points["shift"] == [135.0, 66.0] and points["axes"] == ["weight (lb)", "height (in)"]
    assert state["class_names"] == ["male", "female"]
    names = points["names"]["train"] + points["names"]["val"]
    assert sorted(names) == ["Alice", "Bob", "Charlie", "Diana"]
    xs = np.concatenate([tensor(points["splits"][s]["x"]) for s in ("train", "val")])
    assert sorted(map(tuple, xs.tolist())) == [(-15, -6), (-2, -1), (17, 4), (25, 6)]


def test_grid_rest_matches_the_engine(client):
    state = create(client)
    reply = client.get(f"/api/sessions/{state['id']}/grid", params={"size": 16}).json()
    assert reply["size"] == 16 and reply["step"] == 0
    assert [(ly["name"], ly["dense"], ly["role"], ly["units"]) for ly in reply["layers"]] == [
        ("input", None, "input", 2), ("tanh1", "dense1", "hidden", 8),
        ("relu1", "dense2", "hidden", 8), ("sigmoid1", "dense3", "output", 1)]
    model = build(state["spec"], np.random.default_rng(0))
    want = evaluate_grid(model, ["x1", "x2"], ((-6, 6), (-6, 6)), 16)
    for ly, w in zip(reply["layers"], want, strict=True):
        assert ly["grid"]["dtype"] == "uint8"
        got = tensor(ly["grid"])
        step = ly["grid"]["scale"]
        assert got.shape == w.values.shape
        assert np.abs(got - w.values).max() <= step / 2 + 1e-5


def test_ws_grid_command_sends_uint8_frames_then_a_grid_message(client):
    state = create(client)
    with ws_open(client, state["id"]) as ws:
        ws.receive_json()
        ws.send_json({"seq": 3, "cmd": "grid", "size": 24})
        messages, frames = receive_until(ws, 3)
    assert [m["type"] for m in messages] == ["ack", "grid", "done"]
    grid = messages[1]
    assert grid["frames"] == 4 == len(frames) and grid["size"] == 24
    assert [ly["name"] for ly in grid["layers"]] == ["input", "tanh1", "relu1", "sigmoid1"]
    for i, (header, values) in enumerate(frames):
        assert header["type"] == "grid" and header["seq"] == 3
        assert header["grid_id"] == grid["grid_id"] and header["index"] == i
        assert header["count"] == 4 and header["dtype"] == "uint8"
        assert header["shape"] == [grid["layers"][i]["units"], 24, 24]
        assert header["extent"] == {"x1": [-6.0, 6.0], "x2": [-6.0, 6.0]}
        assert values.shape == tuple(header["shape"])
    x1 = frames[0][1][0]
    assert x1[0, 0] == pytest.approx(-6, abs=0.03) and x1[0, -1] == pytest.approx(6, abs=0.03)
    x2 = frames[0][1][1]
    assert x2[0, 0] == pytest.approx(6, abs=0.03) and x2[-1, 0] == pytest.approx(-6, abs=0.03)
    out = frames[-1][1]
    assert 0 <= out.min() and out.max() <= 1


def test_grid_on_a_non_planar_session_is_refused(client):
    other = client.post("/api/sessions", json={"settings": {"dataset_size": 100}}).json()
    with ws_open(client, other["id"]) as ws:
        ws.receive_json()
        ws.send_json({"seq": 1, "cmd": "grid"})
        messages, _ = receive_until(ws, 1)
        assert messages[-1]["type"] == "error" and messages[-1]["field"] == "cmd"
        ws.send_json({"seq": 2, "cmd": "train", "unit": "batches", "count": 1, "grid": 16})
        messages, _ = receive_until(ws, 2)
        assert messages[-1]["type"] == "error" and messages[-1]["field"] == "grid"
    assert client.get(f"/api/sessions/{other['id']}").json()["step"] == 0
    for path in ("planar", "grid"):
        reply = client.get(f"/api/sessions/{other['id']}/{path}")
        assert reply.status_code == 422
        assert reply.json()["detail"]["field"] == "settings.dataset"


def test_train_with_grid_streams_grids_after_steps_and_one_at_the_end(client):
    state = create(client)
    with ws_open(client, state["id"]) as ws:
        ws.receive_json()
        ws.send_json({"seq": 5, "cmd": "train", "unit": "epochs", "count": 2, "grid": 16})
        messages, frames = receive_until(ws, 5)
    done = messages[-1]
    assert done["reason"] == "completed"
    grids = of_type(messages, "grid")
    assert grids, "no grid during the train"
    steps = [g["step"] for g in grids]
    assert all(s >= 1 for s in steps) and steps == sorted(set(steps))
    assert steps[-1] == done["state"]["step"]  # the final weights are drawn
    assert len(frames) == 4 * len(grids)
    # every grid comes after the progress of the step it shows
    seen = 0
    for m in messages:
        if m["type"] == "progress":
            seen = m["step"]
        elif m["type"] == "grid":
            assert m["step"] == seen
    progress = of_type(messages, "progress")
    assert set(progress[0]["grad_sizes"]) == {"dense1", "dense2", "dense3"}
    assert all(v > 0 for v in progress[0]["grad_sizes"].values())
    assert progress[0]["acc"] is not None


def test_one_batch_with_grid_gets_exactly_its_grid(client):
    state = create(client)
    with ws_open(client, state["id"]) as ws:
        ws.receive_json()
        ws.send_json({"seq": 1, "cmd": "train", "unit": "batches", "count": 1, "grid": 8})
        messages, frames = receive_until(ws, 1)
    assert [m["type"] for m in messages] == ["ack", "progress", "grid", "done"]
    assert messages[2]["step"] == 1 and len(frames) == 4


def test_typed_weights_change_the_grid(client):
    state = create(client, spec(hidden=((2, "linear"),)))
    sid = state["id"]
    W = [[1.0, 0.0], [0.0, 1.0]]
    reply = client.put(f"/api/sessions/{sid}/params/dense1", json={"W": W, "b": [0.5, -0.5]})
    assert reply.status_code == 200, reply.text
    grid = client.get(f"/api/sessions/{sid}/grid", params={"size": 8}).json()
    first = grid["layers"][1]
    assert first["name"] == "linear1"
    values = tensor(first["grid"])
    inputs = tensor(grid["layers"][0]["grid"])
    np.testing.assert_allclose(values[0], inputs[0] + 0.5, atol=first["grid"]["scale"])
    np.testing.assert_allclose(values[1], inputs[1] - 0.5, atol=first["grid"]["scale"])


def test_regression_session_reports_no_accuracy(client):
    state = create(client, spec(out=({"type": "dense", "units": 1},)), loss="mse",
                   planar={"set": "plane"})
    sid = state["id"]
    assert state["class_names"] == ["value"]
    points = client.get(f"/api/sessions/{sid}/planar").json()
    assert points["task"] == "regression"
    x, y = tensor(points["splits"]["train"]["x"]), tensor(points["splits"]["train"]["y"])
    np.testing.assert_allclose(y, x.sum(axis=1) / 10, rtol=1e-5, atol=1e-6)
    with ws_open(client, sid) as ws:
        ws.receive_json()
        ws.send_json({"seq": 1, "cmd": "train", "unit": "epochs", "count": 1})
        messages, _ = receive_until(ws, 1)
    progress, end = of_type(messages, "progress"), of_type(messages, "epoch_end")[0]
    assert all(p["acc"] is None and p["running_acc"] is None for p in progress)
    assert end["train_acc"] is None and end["val_acc"] is None and end["confusion"] is None
    assert end["val_rmse"] == pytest.approx(np.sqrt(end["val_loss"]))
    ev = client.get(f"/api/sessions/{sid}/evaluate", params={"split": "val"}).json()
    assert ev["acc"] is None and ev["matrix"] == [] and ev["loss"] == pytest.approx(
        end["val_loss"])


def test_planar_patch_merges_and_resets_l1_does_not(client):
    state = create(client)
    sid = state["id"]
    reply = client.put(f"/api/sessions/{sid}/settings",
                       json={"settings": {"planar": {"set": "xor", "noise": 0.2}}}).json()
    assert reply["weights_reset"] is True
    planar = reply["settings"]["planar"]
    assert planar["set"] == "xor" and planar["noise"] == 0.2 and planar["count"] == 500
    reply = client.put(f"/api/sessions/{sid}/settings", json={"settings": {"l1": 0.01}}).json()
    assert reply["weights_reset"] is False and reply["settings"]["l1"] == 0.01


def test_features_change_with_the_spec_together(client):
    state = create(client)
    sid = state["id"]
    alone = client.put(f"/api/sessions/{sid}/settings",
                       json={"settings": {"planar": {"features": ["x1", "x2", "x1x2"]}}})
    assert alone.status_code == 422
    assert alone.json()["detail"]["field"] == "settings.planar.features"
    reply = client.put(f"/api/sessions/{sid}/spec", json={
        "spec": spec(3), "settings": {"planar": {"features": ["x1", "x2", "x1x2"]}}})
    assert reply.status_code == 200, reply.text
    assert reply.json()["settings"]["planar"]["features"] == ["x1", "x2", "x1x2"]
    grid = client.get(f"/api/sessions/{sid}/grid", params={"size": 8}).json()
    assert grid["layers"][0]["units"] == 3
    bad = client.put(f"/api/sessions/{sid}/spec", json={
        "spec": spec(2), "settings": {"planar": {"features": ["x1", "sinx1", "x2sq"]}}})
    assert bad.status_code == 422
    after = client.get(f"/api/sessions/{sid}").json()
    assert after["spec"]["input"]["channels"] == 3
    assert after["settings"]["planar"]["features"] == ["x1", "x2", "x1x2"]


TOO_MANY = [[0.0, 0.0, 0]] * 2001


@pytest.mark.parametrize(("planar", "extra", "field"), [
    ({"set": "moons"}, {}, "settings.planar.set"),
    ({"noise": 0.7}, {}, "settings.planar.noise"),
    ({"noise": -0.1}, {}, "settings.planar.noise"),
    ({"features": []}, {}, "settings.planar.features"),
    ({"features": ["x3"]}, {}, "settings.planar.features"),
    ({"count": 3}, {}, "settings.planar.count"),
    ({"train_ratio": 0.95}, {}, "settings.planar.train_ratio"),
    ({"set": "custom"}, {}, "settings.planar.points"),
    ({"set": "custom", "points": [[1, 2]]}, {}, "settings.planar.points"),
    ({"set": "custom", "points": [[1, 2, 3]]}, {}, "settings.planar.points"),
    ({"set": "custom", "points": [[1, "x", 0]]}, {}, "settings.planar.points"),
    ({"set": "custom", "points": TOO_MANY}, {}, "settings.planar.points"),
    ({"set": "plane"}, {}, "settings.loss"),
    ({}, {"l1": 2.0}, "settings.l1"),
])
def test_bad_planar_settings_are_422_naming_the_field(client, planar, extra, field):
    state = create(client)
    sid = state["id"]
    reply = client.put(f"/api/sessions/{sid}/settings",
                       json={"settings": {"planar": planar, **extra}})
    assert reply.status_code == 422, reply.text
    assert reply.json()["detail"]["field"].startswith(field), reply.json()
    after = client.get(f"/api/sessions/{sid}").json()
    assert after["settings"] == state["settings"]
    body = {"spec": spec(), "settings": {**lab_settings(**planar), **extra}}
    created = client.post("/api/sessions", json=body)
    assert created.status_code == 422
    assert created.json()["detail"]["field"].startswith(field), created.json()


def test_custom_points_train(client):
    pts = [[-3, -3, 0], [-2, -3, 0], [3, 3, 1], [2, 3, 1], [-3, -2, 0], [3, 2, 1]]
    state = create(client, planar={"set": "custom", "points": pts, "train_ratio": 0.5})
    # stratified: 1.5 of each class of 3 rounds to 2 for train (ties favour train)
    assert state["dataset"]["train"] == 4 and state["dataset"]["val"] == 2
    with ws_open(client, state["id"]) as ws:
        ws.receive_json()
        ws.send_json({"seq": 1, "cmd": "train", "unit": "epochs", "count": 3, "grid": 8})
        messages, _ = receive_until(ws, 1)
    assert messages[-1]["reason"] == "completed"


def test_a_regression_trace_uses_the_samples_target(client):
    state = create(client, spec(out=({"type": "dense", "units": 1},)), loss="mse",
                   planar={"set": "plane"})
    sid = state["id"]
    points = client.get(f"/api/sessions/{sid}/planar").json()
    target = float(tensor(points["splits"]["val"]["y"])[3])
    fwd = client.post(f"/api/sessions/{sid}/forward",
                      json={"sample": {"split": "val", "index": 3}}).json()
    out = fwd["scores"][0]
    with ws_open(client, sid) as ws:
        ws.receive_json()
        ws.send_json({"seq": 1, "cmd": "trace", "sample": {"split": "val", "index": 3},
                      "kinds": ["output"]})
        messages, _ = receive_until(ws, 1)
    trace = of_type(messages, "trace")[0]
    assert trace["label"] is None and trace["target"] == pytest.approx([target])
    assert trace["loss"] == pytest.approx((out - target) ** 2, rel=1e-5)


def test_a_lab_session_survives_a_restart(settings):
    from fastapi.testclient import TestClient

    from server.http.app import create_app
    pts = [[-3, -3, 0], [-2, -3, 0], [3, 3, 1], [2, 3, 1], [-3, -2, 0], [3, 2, 1]]
    with TestClient(create_app(settings)) as first:
        state = create(first, planar={"set": "custom", "points": pts}, l1=0.001)
        sid = state["id"]
        with ws_open(first, sid) as ws:
            ws.receive_json()
            ws.send_json({"seq": 1, "cmd": "train", "unit": "epochs", "count": 2})
            receive_until(ws, 1)
        before = first.get(f"/api/sessions/{sid}/grid", params={"size": 8}).json()
        points = first.get(f"/api/sessions/{sid}/planar").json()
    with TestClient(create_app(settings)) as second:
        state = second.get(f"/api/sessions/{sid}").json()
        assert state["epoch"] == 2 and state["settings"]["planar"]["points"] == pts
        assert state["settings"]["l1"] == 0.001
        assert second.get(f"/api/sessions/{sid}/grid", params={"size": 8}).json() == before
        assert second.get(f"/api/sessions/{sid}/planar").json() == points


def test_bad_grid_sizes_name_the_field(client):
    sid = create(client)["id"]
    reply = client.get(f"/api/sessions/{sid}/grid", params={"size": 4})
    assert reply.status_code == 422 and reply.json()["detail"]["field"] == "query.size"
    with ws_open(client, sid) as ws:
        ws.receive_json()
        ws.send_json({"seq": 1, "cmd": "grid", "size": 200})
        assert ws.receive_json() | {"message": ""} == {"seq": 1, "type": "error",
                                                       "field": "size", "message": ""}
        ws.send_json({"seq": 2, "cmd": "train", "unit": "batches", "count": 1, "grid": 2})
        assert ws.receive_json()["field"] == "grid"
    assert client.get(f"/api/sessions/{sid}").json()["step"] == 0


def test_forward_of_a_point_agrees_with_the_grid(client):
    state = create(client, spec(3), planar={"features": ["x1", "x2", "x1x2"]})
    sid = state["id"]
    grid = client.get(f"/api/sessions/{sid}/grid", params={"size": 9}).json()
    # cell (i, j) = (x1 = -6 + 1.5 j, x2 = 6 - 1.5 i)
    i, j = 2, 7
    point = [-6 + 1.5 * j, 6 - 1.5 * i]
    reply = client.post(f"/api/sessions/{sid}/planar/forward", json={"point": point})
    assert reply.status_code == 200, reply.text
    fwd = reply.json()
    assert fwd["point"] == point and fwd["features"] == ["x1", "x2", "x1x2"]
    np.testing.assert_allclose(tensor(fwd["preprocessed"]).reshape(-1),
                               [point[0], point[1], point[0] * point[1]], rtol=1e-6)
    by_name = {ly["name"]: tensor(ly["output"]) for ly in fwd["layers"]}
    for ly in grid["layers"][1:]:
        got = tensor(ly["grid"])[:, i, j]
        assert np.abs(got - by_name[ly["name"]]).max() <= ly["grid"]["scale"] / 2 + 1e-5
    # it is the last input: a trace of it works, toward the label the person names (a typed
    # point has no true label)
    with ws_open(client, sid) as ws:
        ws.receive_json()
        ws.send_json({"seq": 1, "cmd": "trace", "sample": "last", "kinds": ["output"],
                      "label": 1})
        messages, frames = receive_until(ws, 1)
    assert of_type(messages, "trace")[0]["prediction"] == fwd["prediction"]
    for bad, field in (({"point": [1.0]}, "point"), ({"point": [1.0, 1e9]}, "point"),
                       ({"point": [1.0, "a"]}, "point")):
        reply = client.post(f"/api/sessions/{sid}/planar/forward", json=bad)
        assert reply.status_code == 422 and reply.json()["detail"]["field"].startswith(field)


def test_the_loss_surface_of_a_regression_session_is_centred_on_its_test_loss(client):
    state = create(client, spec(out=({"type": "dense", "units": 1},)), loss="mse",
                   planar={"set": "gmm"})
    sid = state["id"]
    with ws_open(client, sid) as ws:
        ws.receive_json()
        ws.send_json({"seq": 1, "cmd": "train", "unit": "epochs", "count": 3})
        receive_until(ws, 1)
    surface = client.post(f"/api/sessions/{sid}/landscape",
                          json={"directions": "pca", "grid": 11, "eval_size": 256}).json()
    assert surface["eval_count"] == 200
    val = client.get(f"/api/sessions/{sid}/evaluate", params={"split": "val"}).json()
    assert surface["center_loss"] == pytest.approx(val["loss"], rel=1e-4)
