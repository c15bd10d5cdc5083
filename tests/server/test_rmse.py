"""MSE sessions report the RMSE alongside: epoch_end, history entries, the evaluate reply.

Sessions saved before the RMSE existed keep loading; their mse records get it from their
losses.
"""

from __future__ import annotations

import math

import pytest
from fastapi.testclient import TestClient

from server.http.app import create_app
from server.persist import blob_codec as codec
from tests.server.conftest import new_session, store_sql
from tests.server.helpers import train_epochs


def test_mse_epoch_end_history_and_evaluate_carry_the_rmse(client):
    sid = new_session(client, loss="mse")["id"]
    [end] = train_epochs(client, sid)
    assert end["train_rmse"] == pytest.approx(math.sqrt(end["train_loss"]), rel=1e-12)
    assert end["val_rmse"] == pytest.approx(math.sqrt(end["val_loss"]), rel=1e-12)
    [entry] = client.get(f"/api/sessions/{sid}").json()["history"]
    assert (entry["train_rmse"], entry["val_rmse"]) == (end["train_rmse"], end["val_rmse"])
    reply = client.get(f"/api/sessions/{sid}/evaluate", params={"split": "val"}).json()
    assert reply["rmse"] == pytest.approx(math.sqrt(reply["loss"]), rel=1e-12)
    assert reply["loss"] == pytest.approx(end["val_loss"], rel=1e-12)  # same weights


def test_other_losses_send_null_rmse(client):
    sid = new_session(client)["id"]  # cross_entropy
    [end] = train_epochs(client, sid)
    assert end["train_rmse"] is None and end["val_rmse"] is None
    [entry] = client.get(f"/api/sessions/{sid}").json()["history"]
    assert entry["train_rmse"] is None and entry["val_rmse"] is None
    reply = client.get(f"/api/sessions/{sid}/evaluate", params={"split": "test"}).json()
    assert "rmse" in reply and reply["rmse"] is None


def test_history_saved_without_rmse_still_loads(settings):
    """A trainer blob written before the RMSE existed: its records lack the *_rmse keys."""
    with TestClient(create_app(settings)) as first:
        sid = new_session(first, loss="mse")["id"]
        train_epochs(first, sid)
        before = first.get(f"/api/sessions/{sid}").json()["history"]
    [(blob,)] = store_sql(settings, "SELECT data FROM blobs "
                          "WHERE session_id = ? AND name = 'trainer'", (sid,))
    state = codec.unpack(bytes(blob))
    assert "train_rmse" in state["history"][0]
    for record in state["history"]:
        del record["train_rmse"], record["val_rmse"]
    store_sql(settings, "UPDATE blobs SET data = ? WHERE session_id = ? AND name = 'trainer'",
              (codec.pack(state), sid))
    with TestClient(create_app(settings)) as second:
        after = second.get(f"/api/sessions/{sid}").json()["history"]
    assert after == before  # derived again from the saved mse losses
    assert after[0]["train_rmse"] == pytest.approx(math.sqrt(after[0]["train_loss"]))
