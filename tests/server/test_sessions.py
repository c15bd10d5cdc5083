import re

from tests.server.conftest import new_session
from tests.server.helpers import same_weights, tensor, weights

TWO_CONV = {
    "input": {"channels": 1, "height": 28, "width": 28},
    "layers": [
        {"type": "conv2d", "filters": 4, "kernel": 3, "padding": 1}, {"type": "relu"},
        {"type": "pool", "size": 2}, {"type": "conv2d", "filters": 6, "kernel": 3},
        {"type": "relu"}, {"type": "flatten"}, {"type": "dense", "units": 10},
        {"type": "softmax"},
    ],
}


def test_create_has_default_tiny_cnn_and_unguessable_id(client):
    state = new_session(client)
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", state["id"])
    assert [layer["type"] for layer in state["layers"]] == [
        "conv2d", "relu", "pool", "flatten", "dense", "softmax"]
    assert state["epoch"] == 0 and state["history"] == [] and state["diverged"] is None
    assert state["class_names"] == [str(d) for d in range(10)]
    sizes = state["dataset"]
    assert sizes["train"] + sizes["val"] + sizes["test"] == 300
    other = new_session(client)
    assert other["id"] != state["id"]


def test_get_returns_the_same_state(client, session):
    reply = client.get(f"/api/sessions/{session['id']}")
    assert reply.status_code == 200
    got = reply.json()
    for key in ("spec", "settings", "layers", "total_params", "epoch", "history"):
        assert got[key] == session[key]


def test_unknown_and_malformed_ids_are_404(client):
    for sid in ("A" * 32, "nope", "x" * 300):
        reply = client.get(f"/api/sessions/{sid}")
        assert reply.status_code == 404
        assert reply.json()["detail"]["field"] == "id"


def test_put_spec_resets_weights_and_says_so(client, session):
    sid = session["id"]
    before = weights(client, sid)
    reply = client.put(f"/api/sessions/{sid}/spec", json={"spec": TWO_CONV})
    assert reply.status_code == 200
    body = reply.json()
    assert body["weights_reset"] is True
    assert [r["name"] for r in body["layers"]][:4] == ["conv1", "relu1", "pool1", "conv2"]
    assert client.get(f"/api/sessions/{sid}").json()["spec"] == body["spec"]
    assert not same_weights(weights(client, sid), before)


def test_bad_spec_changes_nothing(client, session):
    sid = session["id"]
    before = weights(client, sid)
    bad = {"input": {"channels": 1, "height": 28, "width": 28},
           "layers": [{"type": "softmax"}, {"type": "flatten"}]}
    reply = client.put(f"/api/sessions/{sid}/spec", json={"spec": bad})
    assert reply.status_code == 422
    assert reply.json()["detail"]["layer_index"] == 0
    after = client.get(f"/api/sessions/{sid}").json()
    assert after["spec"] == session["spec"]
    assert same_weights(weights(client, sid), before)


def test_settings_that_keep_weights_and_those_that_reset_them(client, session):
    sid = session["id"]
    before = weights(client, sid)
    reply = client.put(f"/api/sessions/{sid}/settings", json={"settings": {"lr": 0.01}})
    assert reply.status_code == 200
    assert reply.json()["weights_reset"] is False
    assert reply.json()["settings"]["lr"] == 0.01
    assert reply.json()["settings"]["batch_size"] == 50  # untouched fields stay
    assert same_weights(weights(client, sid), before)
    reply = client.put(f"/api/sessions/{sid}/settings", json={"settings": {"seed": 7}})
    assert reply.json()["weights_reset"] is True
    assert not same_weights(weights(client, sid), before)


def test_settings_refusals_name_the_field_and_change_nothing(client, session):
    sid = session["id"]
    cases = [
        ({"lr": -1}, "settings.lr"),
        ({"lr": "0.1"}, "settings.lr"),
        ({"batch_size": 0}, "settings.batch_size"),
        ({"optimizer": "rmsprop"}, "settings.optimizer"),
        ({"split": {"train": 0.5, "val": 0.1, "test": 0.1}}, "settings.split"),
        ({"bogus": 1}, "settings.bogus"),
        ({"loss": "bce"}, "settings.loss"),  # bce needs a sigmoid output
    ]
    for patch, field in cases:
        reply = client.put(f"/api/sessions/{sid}/settings", json={"settings": patch})
        assert reply.status_code == 422, (patch, reply.text)
        detail = reply.json()["detail"]
        assert detail["field"] == field, (patch, detail)
        assert field.split(".")[-1] in detail["message"]
    assert client.get(f"/api/sessions/{sid}").json()["settings"] == session["settings"]


def test_own_dataset_without_samples_is_allowed_but_cannot_train_yet(client, session):
    reply = client.put(f"/api/sessions/{session['id']}/settings",
                       json={"settings": {"dataset": "own"}})
    assert reply.status_code == 200
    assert "two classes" in reply.json()["training_problem"]
    assert reply.json()["dataset"] == {"name": "own", "train": 0, "val": 0, "test": 0}


def test_create_refuses_bad_settings_and_specs(client):
    reply = client.post("/api/sessions", json={"settings": {"batch_size": 5000}})
    assert reply.status_code == 422
    assert reply.json()["detail"]["field"] == "settings.batch_size"
    reply = client.post("/api/sessions", json={"spec": {"input": {}, "layers": []}})
    assert reply.status_code == 422
    assert reply.json()["detail"]["field"].startswith("spec")
    reply = client.post("/api/sessions", json={
        "spec": {"input": {"channels": 1, "height": 32, "width": 32},
                 "layers": [{"type": "flatten"}, {"type": "dense"}, {"type": "softmax"}]}})
    assert reply.status_code == 422
    assert reply.json()["detail"]["field"] == "settings.dataset"  # MNIST is 28x28


def test_shapes_dataset_fits_any_square_input(client):
    spec = {"input": {"channels": 1, "height": 20, "width": 20},
            "layers": [{"type": "conv2d", "filters": 2}, {"type": "relu"}, {"type": "flatten"},
                       {"type": "dense", "units": 7}, {"type": "softmax"}]}
    reply = client.post("/api/sessions", json={
        "spec": spec, "settings": {"dataset": "shapes", "dataset_size": 140}})
    assert reply.status_code == 201, reply.text
    state = reply.json()
    assert len(state["class_names"]) == 7
    strip = client.get(f"/api/sessions/{state['id']}/dataset/samples",
                       params={"split": "train", "count": 3}).json()
    assert tensor(strip["images"]).shape == (3, 1, 20, 20)


def test_delete_removes_the_session(client, session):
    sid = session["id"]
    assert client.delete(f"/api/sessions/{sid}").status_code == 204
    assert client.get(f"/api/sessions/{sid}").status_code == 404
    assert client.delete(f"/api/sessions/{sid}").status_code == 404


def test_hand_set_filters(client, session):
    sid = session["id"]
    sobel = [[[[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]]]] * 8
    reply = client.put(f"/api/sessions/{sid}/params/conv1", json={"W": sobel, "b": [0.5] * 8})
    assert reply.status_code == 200, reply.text
    assert reply.json()["history_reset"] is True
    got = weights(client, sid)
    assert got["conv1.W"].tolist() == sobel and got["conv1.b"].tolist() == [0.5] * 8
    before = weights(client, sid)
    cases = [
        ("conv1", {"W": [[[[1.0]]]]}, 422, "W"),
        ("conv1", {"W": [[1.0, 2.0], [3.0]]}, 422, "W"),
        ("conv1", {"b": [1.0] * 3}, 422, "b"),
        ("relu1", {"b": [1.0]}, 404, "layer"),
        ("conv1", {"W": "x"}, 422, "W"),
    ]
    for layer, body, status, field in cases:
        reply = client.put(f"/api/sessions/{sid}/params/{layer}", json=body)
        assert reply.status_code == status, (body, reply.text)
        assert reply.json()["detail"]["field"] == field, reply.json()
    assert same_weights(weights(client, sid), before)


def test_evaluate_a_split_on_request(client, session):
    sid = session["id"]
    reply = client.get(f"/api/sessions/{sid}/evaluate", params={"split": "test"})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    matrix = body["matrix"]
    assert body["count"] == session["dataset"]["test"] == sum(map(sum, matrix))
    assert abs(sum(matrix[i][i] for i in range(10)) / body["count"] - body["acc"]) < 1e-12
    assert client.get(f"/api/sessions/{sid}/evaluate",
                      params={"split": "nope"}).json()["detail"]["field"] == "query.split"
