"""GET /api/sessions/{id}/params/{layer}: a layer's parameters as they are (issue 12, item 7:
the hand-set filter panel shows what conv1 holds)."""

import numpy as np

from tests.server.helpers import tensor, weights


def test_get_params_returns_what_put_set_and_what_export_holds(client, session):
    sid = session["id"]
    got = client.get(f"/api/sessions/{sid}/params/conv1").json()
    w = weights(client, sid)
    np.testing.assert_array_equal(tensor(got["W"]), w["conv1.W"])
    np.testing.assert_array_equal(tensor(got["b"]), w["conv1.b"])
    mine = np.round(np.random.default_rng(3).standard_normal(w["conv1.W"].shape), 2)
    assert client.put(f"/api/sessions/{sid}/params/conv1",
                      json={"W": mine.tolist()}).status_code == 200
    np.testing.assert_array_equal(
        tensor(client.get(f"/api/sessions/{sid}/params/conv1").json()["W"]),
        mine.astype(np.float32))
    assert tensor(client.get(f"/api/sessions/{sid}/params/dense1").json()["W"]).shape == \
        w["dense1.W"].shape


def test_get_params_of_a_layer_without_parameters_is_404_naming_layer(client, session):
    reply = client.get(f"/api/sessions/{session['id']}/params/relu1")
    assert reply.status_code == 404
    assert reply.json()["detail"]["field"] == "layer"
