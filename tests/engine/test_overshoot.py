"""Worse than guessing (engine.overshoot, through engine.chance.stuck_at_chance), trained for
real on the lab's circle: 2 features, 4-2 tanh, one sigmoid output with binary cross-entropy,
500 points (300 trained on, stratified), batch 8 (38 steps an epoch), seed 0 (the lab's
defaults, server.sessions.settings.LAB_SETTINGS, on its circle); and starts from bad weights
(an output bias typed by hand, the gmm regression set) that a sensible step works off."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.baseline import constant_guess
from engine.chance import CHANCE, WORSE, Stuck, stuck_at_chance
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


def judged(trainer: Trainer, epochs: int = EPOCHS, loss: str = "bce",
           classes: int = 2) -> list[Stuck | None]:
    """Train ``epochs`` epochs; each one's judgement, given the epoch before it as the server
    gives it (server.sessions.training.Training.history_json)."""
    guesses = (constant_guess(loss, trainer.train, 1), constant_guess(loss, trainer.val, 1))
    out = []
    for _ in range(epochs):
        list(trainer.run_epoch())
        previous = trainer.history[-2] if len(trainer.history) > 1 else None
        out.append(stuck_at_chance(trainer.history[-1], loss, classes, *guesses,
                                   previous=previous))
    return out


@pytest.mark.parametrize("seed", [0, 1])
def test_sgd_at_lr_10_on_the_circle_is_worse_than_guessing_within_a_few_epochs(seed):
    trainer = circle_trainer("sgd", 10.0, seed)
    said = judged(trainer)
    chance = constant_guess("bce", trainer.train, 1).loss
    assert chance == pytest.approx(math.log(2))  # the circle is balanced
    assert all(math.isfinite(r.train_loss) for r in trainer.history)  # no divergence stop
    worse = [(r, s.message) for r, s in zip(trainer.history, said, strict=True)
             if s and s.kind == WORSE]
    assert worse, [r.train_loss / chance for r in trainer.history]
    assert all("worse than guessing" in m for _, m in worse)
    assert not any(s and s.kind == CHANCE and "worse than guessing" in s.message for s in said)
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
    assert judged(trainer) == [None] * EPOCHS
    chance = constant_guess("bce", trainer.train, 1).loss
    assert trainer.history[-1].train_loss < chance  # it learns: below the guess
    assert trainer.history[-1].val_accuracy > 0.8


def record(train_loss: float, global_step: int, steps: int = 37, epoch: int = 3) -> EpochRecord:
    return EpochRecord(epoch=epoch, train_loss=train_loss, train_accuracy=0.5, val_loss=0.7,
                       val_accuracy=0.5, steps=steps, samples=300, global_step=global_step,
                       lr=3.0)


def test_only_an_epoch_begun_after_the_first_steps_counts():
    guess = constant_guess("bce", circle_trainer("sgd", 1.0).train, 1)
    high = RATIO * guess.loss + 0.01
    assert worse_than_guessing(record(high, MIN_STEPS + 37), guess) is not None
    assert worse_than_guessing(record(high, MIN_STEPS + 36), guess) is None  # began at 49
    assert worse_than_guessing(record(RATIO * guess.loss - 0.01, 500), guess) is None


def test_before_the_first_steps_only_a_loss_that_did_not_come_down_counts():
    guess = constant_guess("bce", circle_trainer("sgd", 1.0).train, 1)
    high = RATIO * guess.loss + 0.01
    second = record(high, 74, epoch=2)  # began at step 37
    assert worse_than_guessing(second, guess) is None  # no epoch before it to compare with
    assert worse_than_guessing(second, guess, record(high - 0.005, 37, epoch=1)) is not None
    assert worse_than_guessing(second, guess, record(high, 37, epoch=1)) is not None
    assert worse_than_guessing(second, guess, record(high + 0.005, 37, epoch=1)) is None
    # only the epoch just before counts, and only above RATIO L0
    assert worse_than_guessing(second, guess, record(high - 0.005, 37, epoch=3)) is None
    low = RATIO * guess.loss - 0.01
    assert worse_than_guessing(record(low, 74, epoch=2), guess,
                               record(low - 0.2, 37, epoch=1)) is None


@pytest.mark.parametrize("seed", [0, 1])
def test_sgd_at_lr_10_on_the_circle_is_worse_than_guessing_from_its_second_epoch(seed):
    trainer = circle_trainer("sgd", 10.0, seed)
    said = judged(trainer, 2)
    first, second = trainer.history
    chance = constant_guess("bce", trainer.train, 1).loss
    assert second.global_step - second.steps < MIN_STEPS  # the step rule alone would wait
    assert second.train_loss >= first.train_loss >= RATIO * chance  # it did not come down
    assert said[1] is not None and said[1].kind == WORSE
    assert "after epoch 2 the network does worse than guessing" in said[1].message
    assert said[0] is None or said[0].kind == CHANCE  # a first epoch is never "worse"


def with_output_bias(trainer: Trainer, value: float) -> Trainer:
    """The output unit's bias typed by hand: every point confidently class 1 at the start."""
    last = [layer for layer in trainer.model.layers if layer.params][-1]
    last.params["b"][...] = value
    return trainer


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_bad_start_that_adam_at_0_02_works_off_is_never_worse_than_guessing(seed):
    trainer = with_output_bias(circle_trainer("adam", 0.02, seed), 6.0)
    said = judged(trainer, 4)
    losses = [r.train_loss for r in trainer.history]
    chance = constant_guess("bce", trainer.train, 1).loss
    # it starts as badly as lr 10 runs, and its second epoch (begun at step 38) is still
    # worse than guessing by the ratio: only its coming down tells it from lr 10
    assert losses[0] >= RATIO * chance and losses[1] >= RATIO * chance
    assert trainer.history[1].global_step - trainer.history[1].steps < MIN_STEPS
    assert losses[1] < losses[0]
    assert not any(s and s.kind == WORSE for s in said), [x / chance for x in losses]


def gmm_trainer(optimizer: str, lr: float, seed: int) -> Trainer:
    """The lab's gmm regression set: one linear output, mse; 300 points trained on."""
    data = planar.generate("gmm", 500, 0.0, seed).dataset(["x1", "x2"])
    order = np.random.default_rng(seed).permutation(len(data))
    model = build({**SPEC, "layers": SPEC["layers"][:-1]}, np.random.default_rng(seed))
    return Trainer(model, make_optimizer(optimizer, lr), data.subset(order[:300]),
                   data.subset(order[300:]), loss="mse", batch_size=8, seed=seed)


@pytest.mark.parametrize("seed", [0, 3])
def test_a_regression_output_that_starts_far_off_is_not_worse_than_guessing(seed):
    trainer = gmm_trainer("sgd", 0.02, seed)
    said = judged(trainer, 4, loss="mse", classes=0)
    losses = [r.train_loss for r in trainer.history]
    chance = constant_guess("mse", trainer.train, 1).loss
    assert losses[0] >= RATIO * chance and losses[1] < losses[0]
    assert not any(s and s.kind == WORSE for s in said), [x / chance for x in losses]


def _with_accuracy(rec: EpochRecord, accuracy: float) -> EpochRecord:
    return EpochRecord(**{**rec.__dict__, "train_accuracy": accuracy})


def test_an_accuracy_well_above_the_guess_is_said_beside_the_loss():
    guess = constant_guess("bce", circle_trainer("sgd", 1.0).train, 1)
    high = record(RATIO * guess.loss + 0.01, 500)
    assert guess.accuracy is not None
    plain = worse_than_guessing(_with_accuracy(high, guess.accuracy + 0.09), guess)
    said = worse_than_guessing(_with_accuracy(high, 0.83), guess)
    assert plain is not None and "right" not in plain
    assert said is not None
    assert (f"It answers 83% of the training examples right (guessing: {guess.accuracy:.0%})"
            in said)


def test_rewinding_is_advised_only_when_the_loss_rose():
    guess = constant_guess("bce", circle_trainer("sgd", 1.0).train, 1)
    high = RATIO * guess.loss + 0.5
    rose = worse_than_guessing(record(high, 500, epoch=3), guess, record(high - 0.1, 463, epoch=2))
    fell = worse_than_guessing(record(high, 500, epoch=3), guess, record(high + 0.1, 463, epoch=2))
    assert rose is not None and rose.endswith("Lower it (try 0.3) and rewind to an epoch before "
                                              "the loss rose.")
    assert fell is not None and fell.endswith("Lower it (try 0.3) and train on.")
