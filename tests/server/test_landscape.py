import numpy as np

from tests.server.helpers import of_type, receive_until, tensor


def test_random_surface_is_centred_on_the_current_loss(client, session):
    sid = session["id"]
    reply = client.post(f"/api/sessions/{sid}/landscape",
                        json={"directions": "random", "grid": 5, "span": 0.5, "eval_size": 16})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    surface = tensor(body["surface"])
    assert surface.shape == (5, 5) and np.isfinite(surface).all()
    assert body["axes"]["x"] == [-0.5, -0.25, 0.0, 0.25, 0.5]
    assert abs(surface[2, 2] - body["center_loss"]) < 1e-4 * max(1, body["center_loss"])
    current = body["trajectory"][-1]
    assert abs(current["loss"] - body["center_loss"]) < 1e-6 * max(1, current["loss"])
    assert body["explained_variance"] is None
    assert len(body["slice"]["x"]) == 5 and len(body["slice"]["loss"]) == 5
    assert abs(body["slice"]["loss"][2] - body["center_loss"]) < 1e-4 * body["center_loss"]


def test_landscape_refusals(client, session):
    sid = session["id"]
    cases = [
        ({"directions": "pca", "grid": 5}, "directions"),  # no trajectory yet
        ({"grid": 4}, "grid"),
        ({"grid": 99}, "grid"),  # over max_grid
        ({"span": 0}, "span"),
        ({"eval_size": 5000}, "eval_size"),
        ({"directions": "up"}, "directions"),
    ]
    for body, field in cases:
        reply = client.post(f"/api/sessions/{sid}/landscape", json=body)
        assert reply.status_code == 422, (body, reply.text)
        assert reply.json()["detail"]["field"] == field, (body, reply.json())


def test_pca_landscape_streams_coarse_then_refined(client, session):
    with client.websocket_connect(f"/api/sessions/{session['id']}/ws") as ws:
        ws.receive_json()
        ws.send_json({"seq": 1, "cmd": "set_probe_rate", "per_second": 0})
        receive_until(ws, 1)
        ws.send_json({"seq": 2, "cmd": "train", "unit": "epochs", "count": 1})
        receive_until(ws, 2)
        ws.send_json({"seq": 3, "cmd": "landscape", "directions": "pca", "grid": 21,
                      "eval_size": 16})
        messages, _ = receive_until(ws, 3)
    surfaces = of_type(messages, "landscape")
    assert [s["refined"] for s in surfaces] == [False, True]
    assert [s["grid"] for s in surfaces] == [11, 21]
    fine = surfaces[-1]
    assert tensor(fine["surface"]).shape == (21, 21)
    explained = fine["explained_variance"]
    assert len(explained) == 2 and explained[0] >= explained[1] > 0 and sum(explained) <= 1
    assert fine["trajectory"][0]["position"] == 0.0
    assert fine["trajectory"][-1]["position"] == 1.0
