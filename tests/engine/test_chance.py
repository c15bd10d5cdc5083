"""Stuck at chance level: a cross-entropy epoch whose loss and accuracy are a uniform guess's."""

from __future__ import annotations

import math

import numpy as np

from engine.chance import CHANCE, stuck_at_chance
from engine.datasets import shapes
from engine.history import EpochRecord
from engine.model import build
from engine.optimizers import make_optimizer
from engine.trainer import Trainer


def record(val_loss, val_acc, train_loss=1.0, train_acc=0.5, lr=10.0,
           global_step=90) -> EpochRecord:
    return EpochRecord(epoch=3, train_loss=train_loss, train_accuracy=train_acc,
                       val_loss=val_loss, val_accuracy=val_acc, steps=30, samples=960,
                       global_step=global_step, lr=lr)


def test_a_uniform_guess_is_named_with_its_figures():
    stuck = stuck_at_chance(record(2.30, 0.10), "cross_entropy", 10)
    assert stuck is not None and stuck.kind == CHANCE
    message = stuck.message
    assert "epoch 3" in message and "validation loss 2.300" in message
    assert "ln 10 = 2.303" in message and "10.0%" in message and "lr=10" in message


def test_a_network_that_learns_or_a_loss_without_a_chance_level_is_not_stuck():
    assert stuck_at_chance(record(2.30, 0.40), "cross_entropy", 10) is None  # accuracy
    assert stuck_at_chance(record(1.20, 0.10), "cross_entropy", 10) is None  # loss
    assert stuck_at_chance(record(2.30, 0.10), "mse", 10) is None
    assert stuck_at_chance(record(0.70, 0.50), "cross_entropy", 2) is not None
    assert stuck_at_chance(record(0.70, 0.70), "cross_entropy", 2) is None


def test_a_network_that_has_barely_started_is_not_stuck_yet():
    # Two classes of three drawings: one step an epoch, still guessing after the first.
    assert stuck_at_chance(record(None, None, 0.70, 0.5, lr=0.05, global_step=1),
                           "cross_entropy", 2) is None
    # ... but a loss that rose far above the guess's is a stranded network already.
    assert stuck_at_chance(record(2.30, 0.10, train_loss=7.4, global_step=15),
                           "cross_entropy", 10) is not None
    assert stuck_at_chance(record(2.30, 0.10, train_loss=2.4, global_step=15),
                           "cross_entropy", 10) is None
    assert stuck_at_chance(record(2.30, 0.10, train_loss=2.4, global_step=50),
                           "cross_entropy", 10) is not None


def test_without_validation_the_running_train_figures_decide():
    assert stuck_at_chance(record(None, None, 2.4, 0.1), "cross_entropy", 10) is not None
    stuck = stuck_at_chance(record(None, None, 2.4, 0.1), "cross_entropy", 10)
    assert stuck is not None and "training loss 2.400" in stuck.message
    assert stuck_at_chance(record(None, None, 0.5, 0.9), "cross_entropy", 10) is None


SPEC = {"input": {"channels": 1, "height": 12, "width": 12}, "layers": [
    {"type": "conv2d", "filters": 4, "kernel": 3, "padding": 1}, {"type": "relu"},
    {"type": "pool", "mode": "max", "size": 2}, {"type": "flatten"},
    {"type": "dense", "units": 7}, {"type": "softmax"}]}


def train_epochs(lr: float, epochs: int = 3) -> Trainer:
    data = shapes.generate(420, size=12, seed=1)
    train, val = data.subset(np.arange(350)), data.subset(np.arange(350, 420))
    model = build(SPEC, np.random.default_rng(0))
    trainer = Trainer(model, make_optimizer("sgd", lr), train, val=val, batch_size=16, seed=0)
    for _ in range(epochs):
        list(trainer.run_epoch())
    return trainer


def test_a_real_run_with_a_huge_learning_rate_is_stuck_and_a_good_one_is_not():
    wild = train_epochs(lr=10.0)
    assert wild.history[-1].val_accuracy <= 1 / 7 + 0.05
    assert math.isfinite(wild.history[-1].val_loss)  # no NaN: the divergence stop never fired
    stuck = stuck_at_chance(wild.history[-1], "cross_entropy", 7)
    assert stuck is not None and stuck.kind == CHANCE and "chance level" in stuck.message
    good = train_epochs(lr=0.05)
    assert good.history[-1].val_accuracy > 0.5
    assert stuck_at_chance(good.history[-1], "cross_entropy", 7) is None
