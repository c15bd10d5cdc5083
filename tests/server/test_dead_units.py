"""GET /api/sessions/{id}/dead: dead ReLU maps and units, known by construction (issue 12,
item 5)."""

from __future__ import annotations

import numpy as np

from tests.server.helpers import weights
from tests.server.test_softmax_dead import SPEC


def test_dead_maps_and_units_known_by_construction(client):
    """conv1 filter 2 with bias -1000 never fires (a dead map); dense1 with zero weights and
    biases -1, -1, 1, 1, 1, 1: units 0 and 1 of lrelu1 never fire."""
    sid = client.post("/api/sessions", json={"spec": SPEC, "settings": {
        "dataset_size": 300, "batch_size": 50}}).json()["id"]
    w = weights(client, sid)
    assert client.put(f"/api/sessions/{sid}/params/conv1", json={
        "W": (np.abs(w["conv1.W"]) + 0.01).tolist(), "b": [0.1, 0.1, -1000, 0.1]}
    ).status_code == 200
    assert client.put(f"/api/sessions/{sid}/params/dense1", json={
        "W": np.zeros_like(w["dense1.W"]).tolist(), "b": [-1, -1, 1, 1, 1, 1]}
    ).status_code == 200
    reply = client.get(f"/api/sessions/{sid}/dead")
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["batch"] == {"source": "first_batch", "size": 50}
    relu, lrelu = body["layers"]
    assert relu == {"name": "relu1", "type": "relu", "shape": [4, 28, 28], "fraction": 0.25,
                    "channels": [0.0, 0.0, 1.0, 0.0], "dead": [2]}
    assert lrelu["name"] == "lrelu1" and lrelu["shape"] == [6]
    assert lrelu["channels"] == [1.0, 1.0, 0.0, 0.0, 0.0, 0.0] and lrelu["dead"] == [0, 1]
    assert lrelu["fraction"] == 2 / 6


def test_dead_of_an_unknown_session_is_404(client):
    assert client.get("/api/sessions/nope/dead").status_code == 404
