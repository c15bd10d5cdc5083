"""A train relayed from a Ray actor that died goes on with what the store had not done: the
part saved before the death is never trained again, whether or not its progress reached the
page (``server.runtime.ray_relay.Relay``; no cluster is started here, but Ray is imported, so
these run with the cluster tests, where Ray is installed)."""

from __future__ import annotations

import time

import pytest

from server.runtime.ray_relay import Relay
from server.runtime.train_loop import TrainOrder

pytestmark = pytest.mark.cluster


def test_steps_saved_but_not_relayed_are_not_trained_again() -> None:
    relay = Relay(TrainOrder(seq=3, unit="batches", count=10))
    relay.started({"epoch": 0, "step": 0})
    for step in (1, 2):  # relayed to the page; steps 3 and 4 were saved, not relayed
        relay.seen("json", {"seq": 3, "type": "progress", "step": step})
    notice = relay.moved({"epoch": 0, "step": 4}, time.monotonic())
    assert relay.left().count == 6 and notice["seq"] == 3 and notice["kind"] == "moved"
    relay.started({"epoch": 0, "step": 4})  # the restarted actor's stream starts there
    relay.seen("json", {"seq": 3, "type": "progress", "step": 5})
    relay.moved({"epoch": 0, "step": 4}, time.monotonic())  # step 5 was lost: redone
    assert relay.left().count == 6


def test_epochs_done_by_the_store_are_taken_off_and_a_partial_one_is_not() -> None:
    relay = Relay(TrainOrder(seq=1, unit="epochs", count=3))
    relay.started({"epoch": 1, "step": 40})  # mid-epoch 2 when the command came
    relay.moved({"epoch": 2, "step": 95}, time.monotonic())  # epoch 2 ended, 3 half done
    assert relay.left().count == 2  # the rest of epoch 3 (the trainer resumes it), then 4
