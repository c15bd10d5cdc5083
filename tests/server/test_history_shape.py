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
    assert ends[-1]["stuck"] is not None
    history = client.get(f"/api/sessions/{sid}").json()["history"]
    assert [h["stuck"] for h in history] == [m["stuck"] for m in ends]
