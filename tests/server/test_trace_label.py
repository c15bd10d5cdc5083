"""Which label a trace's loss is for: a dataset sample's true label, or the one the caller
names; never the network's own guess (issue 12, item 1)."""

from fastapi.testclient import TestClient

from server.http.app import create_app
from tests.server.conftest import new_session
from tests.server.helpers import of_type, receive_until


def _trace(client, sid, **command):  # type: ignore[no-untyped-def]
    with client.websocket_connect(f"/api/sessions/{sid}/ws") as ws:
        ws.receive_json()
        ws.send_json({"seq": 1, "cmd": "trace", "sample": "last", "kinds": ["output"],
                      **command})
        messages, _ = receive_until(ws, 1)
    return messages[-2] if messages[-1]["type"] == "done" else messages[-1]


def _mistaken_sample(client, sid):  # type: ignore[no-untyped-def]
    """Forward validation samples until one the (untrained) network gets wrong: its reply."""
    for index in range(50):
        reply = client.post(f"/api/sessions/{sid}/forward",
                            json={"sample": {"split": "val", "index": index}}).json()
        if reply["prediction"] != reply["true_label"]:
            return reply
    raise AssertionError("the untrained network read 50 samples right")


def test_a_forwarded_dataset_sample_is_traced_with_its_true_label(client):
    sid = new_session(client)["id"]
    forward = _mistaken_sample(client, sid)
    trace = _trace(client, sid)
    assert trace["type"] == "trace"
    assert trace["label"] == forward["true_label"]
    assert trace["prediction"] == forward["prediction"] != trace["label"]
    # a label named by the caller wins
    other = (forward["true_label"] + 1) % 10
    assert _trace(client, sid, label=other)["label"] == other


def test_a_drawing_has_no_label_of_its_own_the_caller_names_it(client):
    sid = new_session(client)["id"]
    client.post(f"/api/sessions/{sid}/forward", json={"sample": {"split": "val", "index": 0}})
    reply = client.post(f"/api/sessions/{sid}/forward",
                        json={"pixels": [0.0] * 50 + [255.0] * 50, "width": 10, "height": 10})
    assert reply.status_code == 200, reply.text
    refused = _trace(client, sid)
    assert refused["type"] == "error" and refused["field"] == "label"
    assert "drawing" in refused["message"]
    assert _trace(client, sid, label=4)["label"] == 4


def test_the_last_inputs_label_survives_a_restart(settings):
    with TestClient(create_app(settings)) as first:
        sid = new_session(first)["id"]
        forward = _mistaken_sample(first, sid)
    with TestClient(create_app(settings)) as second:
        trace = _trace(second, sid)
        assert trace["label"] == forward["true_label"]
        assert of_type([trace], "trace")
