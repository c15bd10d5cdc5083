from server.sessions.architecture import TINY_MNIST_CNN
from tests.server.conftest import app_settings


def test_describe_gives_shapes_and_parameter_counts(client):
    reply = client.post("/api/describe", json={"spec": TINY_MNIST_CNN})
    assert reply.status_code == 200
    body = reply.json()
    rows = {r["name"]: r for r in body["layers"]}
    assert rows["conv1"]["output_shape"] == [8, 28, 28]
    assert rows["conv1"]["param_count"] == 8 * 9 + 8
    assert rows["pool1"]["output_shape"] == [8, 14, 14]
    assert rows["dense1"]["input_shape"] == [8 * 14 * 14]
    assert body["total_params"] == sum(r["param_count"] for r in body["layers"])
    assert body["spec"]["layers"][0]["name"] == "conv1"


def test_impossible_spec_names_the_layer(client):
    spec = {"input": {"channels": 1, "height": 3, "width": 3},
            "layers": [{"type": "relu"}, {"type": "conv2d", "kernel": 5}]}
    reply = client.post("/api/describe", json={"spec": spec})
    assert reply.status_code == 422
    detail = reply.json()["detail"]
    assert detail["layer_index"] == 1
    assert detail["field"] == "spec.layers.1"
    assert "kernel 5 does not fit a 3x3 input" in detail["message"]


def test_server_limits_apply_to_describe(tmp_path):
    from fastapi.testclient import TestClient

    from server.http.app import create_app

    client = TestClient(create_app(app_settings(data_dir=tmp_path, max_filters=4, max_layers=3)))
    spec = {"input": {"channels": 1, "height": 8, "width": 8},
            "layers": [{"type": "conv2d", "filters": 5}]}
    detail = client.post("/api/describe", json={"spec": spec}).json()["detail"]
    assert detail["layer_index"] == 0 and "5 filters" in detail["message"]
    spec["layers"] = [{"type": "relu"}] * 4
    detail = client.post("/api/describe", json={"spec": spec}).json()["detail"]
    assert detail["layer_index"] is None and "4 layers" in detail["message"]


def test_bad_json_and_wrong_types_are_4xx_naming_the_field(client):
    reply = client.post("/api/describe", content=b"{not json",
                        headers={"content-type": "application/json"})
    assert reply.status_code == 400
    assert reply.json()["detail"]["field"] == "body"
    reply = client.post("/api/describe", json={"spec": [1, 2]})
    assert reply.status_code == 422
    assert reply.json()["detail"]["field"] == "spec"
    reply = client.post("/api/describe", json={"spec": TINY_MNIST_CNN, "extra": 1})
    assert reply.status_code == 422
    assert reply.json()["detail"]["field"] == "extra"


def test_layer_type_that_is_a_list_or_object_is_422_not_500(client):
    # A list used as a layer type raised TypeError (unhashable) in engine.spec: HTTP 500.
    for value in (["relu"], {"kind": "relu"}):
        spec = {"input": {"channels": 1, "height": 4, "width": 4}, "layers": [{"type": value}]}
        reply = client.post("/api/describe", json={"spec": spec})
        assert reply.status_code == 422, reply.text
        detail = reply.json()["detail"]
        assert detail["layer_index"] == 0 and detail["field"] == "spec.layers.0"
        assert detail["message"].startswith("layer 1: type must be a string")
