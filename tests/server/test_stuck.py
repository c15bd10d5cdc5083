"""An epoch that ends at chance level says so in its epoch_end message (engine.chance), as
``stuck: {"kind": "chance", "message": ...}``."""

from __future__ import annotations

from tests.server.conftest import new_session
from tests.server.helpers import train_epochs


def test_a_learning_rate_that_kills_the_network_is_reported_as_stuck(client):
    sid = new_session(client, lr=10.0, dataset_size=600)["id"]  # batch 50: ~10 steps an epoch
    ends = train_epochs(client, sid, count=5)
    assert ends[-1]["val_acc"] <= 0.15  # 10 classes: a guess
    stuck = ends[-1]["stuck"]
    assert stuck is not None and stuck["kind"] == "chance"
    assert f"after epoch {ends[-1]['epoch']}" in stuck["message"]
    assert "lr=10" in stuck["message"] and "chance level" in stuck["message"]


def test_a_network_that_learns_is_not_stuck(client):
    sid = new_session(client, dataset_size=600, batch_size=16)["id"]
    ends = train_epochs(client, sid, count=2)
    assert ends[-1]["val_acc"] > 0.5
    assert [e["stuck"] for e in ends] == [None, None]
