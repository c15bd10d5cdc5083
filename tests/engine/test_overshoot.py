"""Worse than guessing (engine.overshoot, through engine.chance.stuck_at_chance), trained for
real on the lab's circle: 2 features, 4-2 tanh, one sigmoid output with binary cross-entropy,
500 points (300 trained on, stratified), batch 8, seed 0 (the lab's defaults,
server.sessions.settings.LAB_SETTINGS, on its circle)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.baseline import constant_guess
from engine.chance import stuck_at_chance
from engine.datasets import planar
from engine.datasets.split import stratified_split
from engine.history import EpochRecord
from engine.model import build
from engine.optimizers import make_optimizer
from engine.overshoot import MIN_STEPS, RATIO, worse_than_guessing
from engine.trainer import Trainer

SPEC = {"input": {"channels": 2, "height": 1, "width": 1}, "layers": [
    {"type": "flatten"}, {"type": "dense", "units": 4}, {"type": "tanh"},
    {"type": "dense", "units": 2}, {"type": "tanh"}, {"type": "dense", "units": 1},
    {"type": "sigmoid"}]}
EPOCHS = 5


def circle_trainer(optimizer: str, lr: float, seed: int = 0) -> Trainer:
    data = planar.generate("circle", 500, 0.0, seed).dataset(["x1", "x2"])
    train, val, _ = stratified_split(data.labels, (0.6, 0.4, 0.0), seed)
    model = build(SPEC, np.random.default_rng(seed))
    return Trainer(model, make_optimizer(optimizer, lr), data.subset(train), data.subset(val),
                   loss="bce", batch_size=8, seed=seed)


def messages(trainer: Trainer, epochs: int = EPOCHS) -> list[str | None]:
    guesses = (constant_guess("bce", trainer.train, 1), constant_guess("bce", trainer.val, 1))
    out = []
    for _ in range(epochs):
        list(trainer.run_epoch())
        out.append(stuck_at_chance(trainer.history[-1], "bce", 2, *guesses))
    return out


@pytest.mark.parametrize("seed", [0, 1])
def test_sgd_at_lr_10_on_the_circle_is_worse_than_guessing_within_a_few_epochs(seed):
    trainer = circle_trainer("sgd", 10.0, seed)
    said = messages(trainer)
    chance = constant_guess("bce", trainer.train, 1).loss
    assert chance == pytest.approx(math.log(2))  # the circle is balanced
    assert all(math.isfinite(r.train_loss) for r in trainer.history)  # no divergence stop
    worse = [(r, m) for r, m in zip(trainer.history, said, strict=True)
             if m and "worse than guessing" in m]
    assert worse, [r.train_loss / chance for r in trainer.history]
    record, message = worse[0]
    assert record.train_loss >= RATIO * chance
    assert f"{record.train_loss:.3f}" in message and "ln 2 = 0.693" in message
    assert f"{record.train_loss / chance:.1f} times" in message
    assert "lr=10" in message and "Lower it (try 1)" in message and "rewind" in message
    # every epoch that began after MIN_STEPS steps is flagged: the loss never comes down
    later = [r for r in trainer.history if r.global_step - r.steps >= MIN_STEPS]
    assert later and all(r.train_loss >= RATIO * chance for r in later)


@pytest.mark.parametrize("seed", [0, 1])
def test_the_labs_default_adam_at_0_02_is_not_flagged_over_the_same_epochs(seed):
    trainer = circle_trainer("adam", 0.02, seed)
    assert messages(trainer) == [None] * EPOCHS
    chance = constant_guess("bce", trainer.train, 1).loss
    assert trainer.history[-1].train_loss < chance  # it learns: below the guess
    assert trainer.history[-1].val_accuracy > 0.8


def record(train_loss: float, global_step: int, steps: int = 37) -> EpochRecord:
    return EpochRecord(epoch=3, train_loss=train_loss, train_accuracy=0.5, val_loss=0.7,
                       val_accuracy=0.5, steps=steps, samples=300, global_step=global_step,
                       lr=3.0)


def test_only_an_epoch_begun_after_the_first_steps_counts():
    guess = constant_guess("bce", circle_trainer("sgd", 1.0).train, 1)
    high = RATIO * guess.loss + 0.01
    assert worse_than_guessing(record(high, MIN_STEPS + 37), guess) is not None
    assert worse_than_guessing(record(high, MIN_STEPS + 36), guess) is None  # began at 49
    assert worse_than_guessing(record(RATIO * guess.loss - 0.01, 500), guess) is None
