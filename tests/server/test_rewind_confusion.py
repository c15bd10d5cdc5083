"""Rewinding restores the confusion matrix of the epoch rewound to, also after a restart
(issue 12, item 4)."""

from fastapi.testclient import TestClient

from server.http.app import create_app
from tests.server.conftest import new_session
from tests.server.helpers import receive_until, train_epochs


def _rewind(client, sid, epoch):  # type: ignore[no-untyped-def]
    with client.websocket_connect(f"/api/sessions/{sid}/ws") as ws:
        ws.receive_json()
        ws.send_json({"seq": 1, "cmd": "rewind", "epoch": epoch})
        messages, _ = receive_until(ws, 1)
    assert messages[-1]["type"] == "done", messages[-1]
    return messages[-1]["state"]


def test_rewind_restores_that_epochs_confusion_and_it_survives_a_restart(settings):
    with TestClient(create_app(settings)) as first:
        sid = new_session(first)["id"]
        ends = train_epochs(first, sid, 3)
        assert ends[0]["confusion"] != ends[2]["confusion"]
        state = _rewind(first, sid, 1)
        assert state["epoch"] == 1
        assert state["confusion"] == ends[0]["confusion"]
        assert first.get(f"/api/sessions/{sid}").json()["confusion"] == ends[0]["confusion"]
    with TestClient(create_app(settings)) as second:
        assert second.get(f"/api/sessions/{sid}").json()["confusion"] == ends[0]["confusion"]
        # training on from epoch 1 makes a new epoch 2; rewinding to it gives the new matrix
        again = train_epochs(second, sid, 1)
        assert again[0]["epoch"] == 2
        assert _rewind(second, sid, 2)["confusion"] == again[0]["confusion"]
        assert _rewind(second, sid, 0)["confusion"] is None
    with TestClient(create_app(settings)) as third:
        assert third.get(f"/api/sessions/{sid}").json()["confusion"] is None
        assert _rewind(third, sid, 0)["epoch"] == 0
