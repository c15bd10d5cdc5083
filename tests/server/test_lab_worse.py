"""The lab's sessions judge their epochs against the best constant guess on their own data
(server.sessions.training.Training.guesses, engine.baseline): SGD at lr 10 on the circle is
said to do worse than guessing in its history entries, the lab's defaults are not, and a
set of the user's own points with unequal classes gets its own, lower, chance figure."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from engine.model import build
from server.sessions.data import load_planar
from server.sessions.settings import LAB_SETTINGS, TrainSettings
from server.sessions.training import Training

SPEC = {"input": {"channels": 2, "height": 1, "width": 1}, "layers": [
    {"type": "flatten"}, {"type": "dense", "units": 4}, {"type": "tanh"},
    {"type": "dense", "units": 2}, {"type": "tanh"}, {"type": "dense", "units": 1},
    {"type": "sigmoid"}]}


def lab_training(**changes: Any) -> Training:
    planar = {**LAB_SETTINGS["planar"], "set": "circle", **changes.pop("planar", {})}  # type: ignore[dict-item]
    settings = TrainSettings.model_validate({**LAB_SETTINGS, "planar": planar, **changes})
    model = build(SPEC, np.random.default_rng(settings.seed))
    return Training.new(model, load_planar(settings, model.input_shape), settings)


def stuck_after(training: Training, epochs: int) -> list[dict[str, str] | None]:
    for _ in range(epochs):
        list(training.trainer.run_epoch())
    return [training.history_json(r)["stuck"] for r in training.trainer.history]


def test_sgd_at_lr_10_is_worse_than_guessing_in_the_history():
    stuck = stuck_after(lab_training(optimizer="sgd", lr=10.0), 4)
    worse = [s for s in stuck if s and s["kind"] == "worse"]
    assert worse, stuck
    assert all("worse than guessing" in s["message"] and "lr=10" in s["message"] for s in worse)
    # a loss that did not come down names the second epoch already (engine.overshoot): on
    # the circle, seed 0, epoch 2 began at step 38, before the 50 steps of the step rule
    assert stuck[1] is not None and stuck[1]["kind"] == "worse", stuck


def test_the_labs_defaults_are_not_stuck():
    assert stuck_after(lab_training(), 4) == [None] * 4


def test_unequal_classes_of_own_points_get_their_own_chance_figure():
    rng = np.random.default_rng(3)
    pts = [[float(x), float(y), int(k)] for (x, y), k in
           zip(rng.uniform(-5, 5, size=(40, 2)), [0] * 30 + [1] * 10, strict=True)]
    training = lab_training(planar={"set": "custom", "points": pts})
    train, val = training.guesses()
    labels = training.trainer.train.labels
    share = labels.mean()
    entropy = -(share * math.log(share) + (1 - share) * math.log(1 - share))
    assert train.loss == pytest.approx(entropy, rel=1e-12) and entropy < math.log(2)
    assert train.accuracy == max(share, 1 - share)
    assert val is not None and val.loss < math.log(2)
