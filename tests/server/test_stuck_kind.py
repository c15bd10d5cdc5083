"""A history entry's ``stuck`` is null or ``{"kind": "worse" | "chance", "message": ...}``
(engine.chance.Stuck), the same in the WebSocket's epoch_end, the REST state's history and a
session loaded back from the store. The store keeps only the epochs' records, as every save
before the kind existed did: the judgement, kind included, is made afresh on every load."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from server.http.app import create_app
from server.persist import blob_codec
from tests.server.conftest import new_session, store_sql
from tests.server.helpers import train_epochs

# Softmax regression on the digits at SGD lr 10: no unit to kill, so it stays far above the
# guess's loss (ln 10) without settling at it: worse than guessing by its third epoch.
LINEAR = [{"type": "flatten"}, {"type": "dense", "units": 10}, {"type": "softmax"}]
WORSE = {"optimizer": "sgd", "lr": 10.0, "dataset_size": 600, "batch_size": 16}
CHANCE = {"lr": 10.0, "dataset_size": 600}  # the default CNN: its ReLUs die (test_stuck.py)


def linear_session(client: TestClient) -> str:
    spec = {"input": new_session(client)["spec"]["input"], "layers": LINEAR}
    reply = client.post("/api/sessions", json={"spec": spec, "settings": WORSE})
    assert reply.status_code == 201, reply.text
    return str(reply.json()["id"])


def records(ends: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in m.items() if k not in ("type", "seq", "confusion")} for m in ends]


def assert_one_shape(history: list[dict[str, Any]]) -> None:
    for entry in history:
        stuck = entry["stuck"]
        if stuck is None:
            continue
        assert set(stuck) == {"kind", "message"}, stuck
        words = {"worse": "does worse than guessing", "chance": "is at chance level"}
        assert words[stuck["kind"]] in stuck["message"], stuck
        assert stuck["message"].startswith(f"after epoch {entry['epoch']} ")


def test_each_kind_is_the_same_in_epoch_end_and_in_the_history(client):
    worse_id = linear_session(client)
    worse_ends = train_epochs(client, worse_id, 3)
    chance_id = new_session(client, **CHANCE)["id"]
    chance_ends = train_epochs(client, chance_id, 5)
    assert worse_ends[-1]["stuck"]["kind"] == "worse"
    assert chance_ends[-1]["stuck"]["kind"] == "chance"
    for sid, ends in ((worse_id, worse_ends), (chance_id, chance_ends)):
        history = client.get(f"/api/sessions/{sid}").json()["history"]
        assert history == records(ends)
        assert_one_shape(history)


def test_a_session_saved_without_the_field_loads_with_its_kind(settings):
    with TestClient(create_app(settings)) as first:
        sid = linear_session(first)
        ends = train_epochs(first, sid, 3)
        before = first.get(f"/api/sessions/{sid}").json()["history"]
    assert before == records(ends) and before[-1]["stuck"]["kind"] == "worse"
    # what is stored of the history: the records' own fields, no judgement (as before it had
    # a kind, and before it had a message)
    (blob,) = store_sql(settings, "SELECT data FROM blobs WHERE session_id = ? AND name = ?",
                        (sid, "trainer"))
    stored = blob_codec.unpack(bytes(blob[0]))["history"]
    assert len(stored) == 3 and all("stuck" not in r and "kind" not in r for r in stored)
    with TestClient(create_app(settings)) as second:
        after = second.get(f"/api/sessions/{sid}").json()["history"]
    assert after == before
    assert_one_shape(after)


def test_a_worse_epoch_that_answers_most_digits_right_says_so(client):
    """Softmax regression at lr 10 answers most digits right with its loss far above ln 10:
    the message names both, so "worse than guessing" does not read as a wrong accuracy."""
    end = train_epochs(client, linear_session(client), 3)[-1]
    assert end["stuck"]["kind"] == "worse"
    right = f"It answers {end['train_acc']:.0%} of the training examples right"
    assert end["train_acc"] > 0.5
    assert right in end["stuck"]["message"], end["stuck"]["message"]
