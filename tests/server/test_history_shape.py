"""A history entry has one shape wherever it comes from: the state's ``history`` and the
``epoch_end`` message carry the same fields and values (issue 12, item 9)."""

from tests.server.conftest import new_session
from tests.server.helpers import train_epochs


def test_history_entries_equal_their_epoch_end_messages(client):
    sid = new_session(client)["id"]
    ends = train_epochs(client, sid, 2)
    history = client.get(f"/api/sessions/{sid}").json()["history"]
    records = [{k: v for k, v in m.items() if k not in ("type", "seq", "confusion")}
               for m in ends]
    assert history == records
    assert all("stuck" in h for h in history)


def test_a_stuck_epoch_is_stuck_in_the_history_too(client):
    sid = new_session(client, lr=10.0, dataset_size=600)["id"]  # as in test_stuck.py
    ends = train_epochs(client, sid, 5)
    assert ends[-1]["stuck"] is not None and ends[-1]["stuck"]["kind"] == "chance"
    history = client.get(f"/api/sessions/{sid}").json()["history"]
    assert [h["stuck"] for h in history] == [m["stuck"] for m in ends]


def test_a_one_sample_step_says_which_sample_it_trained_on(client):
    from tests.server.helpers import of_type, receive_until

    sid = new_session(client)["id"]
    with client.websocket_connect(f"/api/sessions/{sid}/ws") as ws:
        ws.receive_json()
        ws.send_json({"seq": 0, "cmd": "set_probe_rate", "per_second": 0})
        receive_until(ws, 0)
        ws.send_json({"seq": 1, "cmd": "train", "unit": "samples", "count": 2})
        one, _ = receive_until(ws, 1)
        ws.send_json({"seq": 2, "cmd": "train", "unit": "batches", "count": 1})
        batch, _ = receive_until(ws, 2)
    train_size = client.get(f"/api/sessions/{sid}").json()["dataset"]["train"]
    picked = [m["trained_on"] for m in of_type(one, "progress")]
    assert len(picked) == 2 and all(0 <= i < train_size for i in picked)
    assert picked[0] != picked[1]  # one epoch's order: no sample twice
    assert [m["trained_on"] for m in of_type(batch, "progress")] == [None]
