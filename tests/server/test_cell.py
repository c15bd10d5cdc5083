import numpy as np

from tests.server.helpers import pixels_of_digit, tensor

SPEC = {
    "input": {"channels": 1, "height": 28, "width": 28},
    "layers": [
        {"type": "conv2d", "filters": 3, "kernel": 3, "padding": 1}, {"type": "relu"},
        {"type": "pool", "size": 2}, {"type": "conv2d", "filters": 4, "kernel": 3, "stride": 2},
        {"type": "relu"}, {"type": "flatten"}, {"type": "dense", "units": 10},
        {"type": "softmax"},
    ],
}


def _forward(client, sid):
    reply = client.post(f"/api/sessions/{sid}/forward",
                        json={"pixels": pixels_of_digit(), "width": 56, "height": 56})
    assert reply.status_code == 200
    return {layer["name"]: tensor(layer["output"]) for layer in reply.json()["layers"]}


def _session(client):
    reply = client.post("/api/sessions", json={"spec": SPEC,
                                               "settings": {"dataset_size": 100}})
    assert reply.status_code == 201
    return reply.json()["id"]


def test_conv_cell_arithmetic_adds_up_to_the_feature_map(client):
    sid = _session(client)
    outputs = _forward(client, sid)
    for layer, channel, row, col in (("conv1", 2, 0, 0), ("conv1", 0, 14, 13),
                                     ("conv2", 3, 2, 5)):
        reply = client.get(f"/api/sessions/{sid}/cell", params={
            "layer": layer, "channel": channel, "row": row, "col": col})
        assert reply.status_code == 200, reply.text
        cell = reply.json()
        window, kernel = tensor(cell["window"]), tensor(cell["kernel"])
        products = tensor(cell["products"])
        assert np.allclose(products, window * kernel, atol=1e-6)
        assert np.allclose(tensor(cell["channel_sums"]).sum(), cell["sum"], atol=1e-5)
        assert abs(cell["sum"] + cell["bias"] - cell["result"]) < 1e-5
        assert abs(cell["result"] - outputs[layer][channel, row, col]) < 1e-4
    corner = client.get(f"/api/sessions/{sid}/cell", params={
        "layer": "conv1", "channel": 0, "row": 0, "col": 0}).json()
    mask = tensor(corner["padding_mask"])
    assert mask[0].tolist() == [1, 1, 1] and mask[:, 0].tolist() == [1, 1, 1]
    assert mask[1:, 1:].sum() == 0
    assert corner["origin"] == [-1, -1]


def test_pool_and_dense_cells(client):
    sid = _session(client)
    outputs = _forward(client, sid)
    pool = client.get(f"/api/sessions/{sid}/cell", params={
        "layer": "pool1", "channel": 1, "row": 7, "col": 6}).json()
    window = tensor(pool["window"])
    r, c = pool["winner"]
    assert window[r, c] == window.max() == pool["result"]
    assert abs(pool["result"] - outputs["pool1"][1, 7, 6]) < 1e-6
    dense = client.get(f"/api/sessions/{sid}/cell", params={
        "layer": "dense1", "channel": 4}).json()
    inputs, w = tensor(dense["inputs"]), tensor(dense["weights"])
    assert np.allclose(inputs, outputs["flatten1"])
    assert abs(float(inputs @ w) - dense["sum"]) < 1e-4
    assert abs(dense["sum"] + dense["bias"] - dense["result"]) < 1e-5
    assert abs(dense["result"] - outputs["dense1"][4]) < 1e-4
    assert dense["activation"] is None or dense["activation"]["type"] == "softmax"


def test_cell_on_a_dataset_sample(client):
    sid = _session(client)
    reply = client.post(f"/api/sessions/{sid}/forward",
                        json={"sample": {"split": "val", "index": 2}})
    value = tensor(reply.json()["layers"][0]["output"])[1, 5, 9]
    cell = client.get(f"/api/sessions/{sid}/cell", params={
        "layer": "conv1", "channel": 1, "row": 5, "col": 9, "input": "sample:2"}).json()
    assert abs(cell["result"] - value) < 1e-5


def test_cell_refusals_name_the_parameter(client):
    sid = _session(client)
    reply = client.get(f"/api/sessions/{sid}/cell", params={"layer": "conv1"})
    assert reply.status_code == 422 and reply.json()["detail"]["field"] == "query.input"
    _forward(client, sid)
    cases = [
        ({"layer": "conv9"}, "query.layer"),
        ({"layer": "relu1"}, "query.layer"),
        ({"layer": "conv1", "channel": 3}, "query.channel"),
        ({"layer": "conv1", "row": 28}, "query.row"),
        ({"layer": "conv1", "col": 28}, "query.col"),
        ({"layer": "dense1", "channel": 10}, "query.channel"),
        ({"layer": "conv1", "row": -1}, "query.row"),
        ({"layer": "conv1", "row": "x"}, "query.row"),
        ({"layer": "conv1", "input": "sample:x"}, "query.input"),
        ({}, "query.layer"),
    ]
    for params, field in cases:
        reply = client.get(f"/api/sessions/{sid}/cell", params=params)
        assert reply.status_code == 422, (params, reply.text)
        assert reply.json()["detail"]["field"] == field, (params, reply.json())
