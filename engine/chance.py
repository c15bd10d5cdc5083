"""Is training stuck at chance level? A network that guesses, after a whole epoch.

Too large a step rarely makes a network's loss infinite (the fused softmax / sigmoid and
cross-entropy are stable): more often it throws the weights where every ReLU is off or every
tanh / sigmoid saturated, or the scores no longer depend on the input, and the network answers
every sample alike. Its loss then sits at the best constant guess's ``L0`` (the entropy of the
class prior, ``ln K`` when K classes are balanced; the targets' variance for mse: see
:mod:`engine.baseline`) or above, and its accuracy at the most common class's share, epoch
after epoch. This names that state, so a caller can say so as plainly as it reports a diverged
loss. A network that has barely started (a few steps, as a handful of own drawings gives per
epoch) is at chance level too, for want of training: it counts only after ``MIN_STEPS``
steps, or when the epoch's running loss rose well above the guess's (``RISE`` L0), which a
slow start on classes does not do.

:func:`stuck_at_chance` names the first of two states that holds, as a :class:`Stuck` whose
``kind`` a caller reads (never its words): ``"worse"``, worse than guessing
(:mod:`engine.overshoot`: the running loss stays well above ``L0``, the learning rate is too
large), then ``"chance"``, at chance level (the loss is ``L0``, the accuracy the majority
share).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from engine.baseline import ConstantGuess, named, uniform
from engine.history import EpochRecord
from engine.overshoot import worse_than_guessing

LOSS_SHARE = 0.97  # the epoch's loss is at least this share of L0
ACCURACY_MARGIN = 0.05  # and its accuracy at most the majority share plus this
MIN_STEPS = 50  # optimizer steps so far before a guessing network counts as stuck
RISE = 1.5  # ... unless the epoch's running train loss reached this many times L0

StuckKind = Literal["worse", "chance"]
WORSE: StuckKind = "worse"  # worse than guessing: the learning rate is too large
CHANCE: StuckKind = "chance"  # at chance level: the output no longer depends on the input


@dataclass(frozen=True)
class Stuck:
    """An epoch judged stuck: ``kind`` (``WORSE`` or ``CHANCE``) for code to act on,
    ``message`` (naming the figures and the learning rate) for a person to read."""

    kind: StuckKind
    message: str


def stuck_at_chance(record: EpochRecord, loss: str, classes: int,
                    train_guess: ConstantGuess | None = None,
                    val_guess: ConstantGuess | None = None,
                    previous: EpochRecord | None = None) -> Stuck | None:
    """The epoch's :class:`Stuck` when it did worse than guessing (kind ``"worse"``, checked
    first) or ended at chance level (kind ``"chance"``), else None.

    ``previous``: the record of the epoch before (``record.epoch - 1``) in the same history,
    if any: a loss that did not come down from it counts before 50 steps
    (:func:`engine.overshoot.worse_than_guessing`).

    ``train_guess`` / ``val_guess``: the best constant guess on each split
    (:func:`engine.baseline.constant_guess`). Without them only ``cross_entropy`` is judged,
    against the uniform guess over ``classes`` (``ln K``, accuracy ``1/K``).
    """
    if train_guess is None:
        if loss != "cross_entropy" or classes < 2:
            return None
        train_guess = val_guess = uniform(classes)
    worse = worse_than_guessing(record, train_guess, previous)
    if worse is not None:
        return Stuck(WORSE, worse)
    chance = at_chance(record, train_guess, val_guess)
    return None if chance is None else Stuck(CHANCE, chance)


def at_chance(record: EpochRecord, train_guess: ConstantGuess,
              val_guess: ConstantGuess | None) -> str | None:
    """A message when the epoch ended at chance level, else None.

    Judged on the validation figures (the end-of-epoch weights) when there are some, else on
    the epoch's running train figures: ``loss >= 0.97 L0`` and (classification) ``accuracy <=
    majority share + 0.05``, after at least 50 steps in all or with the epoch's train loss at
    ``1.5 L0`` or more.
    """
    use_val = record.val_loss is not None and val_guess is not None
    guess = val_guess if use_val and val_guess is not None else train_guess
    value = record.val_loss if use_val else record.train_loss
    accuracy = record.val_accuracy if use_val else record.train_accuracy
    assert value is not None
    if guess.loss <= 0 or value < LOSS_SHARE * guess.loss:
        return None
    if guess.accuracy is not None and (
            accuracy is None or accuracy > guess.accuracy + ACCURACY_MARGIN):
        return None
    if record.global_step < MIN_STEPS and not _rose(record, train_guess):
        return None  # not trained long enough to tell a slow start from a stranded network
    split = "validation" if use_val else "training"
    score = "" if accuracy is None or guess.accuracy is None else (
        f", accuracy {accuracy:.1%} (always answering the most common class: "
        f"{guess.accuracy:.1%})")
    return (f"after epoch {record.epoch} the network is at chance level: {split} loss "
            f"{value:.3f} ({named(guess)}){score}. {_cause(record, train_guess)}")


def _rose(record: EpochRecord, train_guess: ConstantGuess) -> bool:
    """The epoch's running train loss reached ``RISE`` L0: on classes, where a network starts
    near ``L0`` (small initial weights answer about the class shares), a sign of too large a
    step; a regression output may start anywhere, so there it tells nothing."""
    return (train_guess.accuracy is not None
            and record.train_loss >= RISE * train_guess.loss)


def _cause(record: EpochRecord, train_guess: ConstantGuess) -> str:
    """Why, and what to do: a running loss that rose to ``RISE`` L0 took too large steps;
    otherwise the step may be too large, too small, or the network too small."""
    lr = f"lr={record.lr:g}"
    if _rose(record, train_guess):
        return (f"Likely cause: learning rate too high ({lr}) knocked the network where its "
                f"output no longer depends on the input (dead ReLUs, saturated tanh or "
                f"sigmoid). Rewind to an earlier epoch and lower it.")
    return (f"Its output hardly depends on the input: a learning rate too high ({lr}) strands "
            f"units where they no longer respond (dead ReLUs, saturated tanh or sigmoid), one "
            f"too small has not moved them yet, or the network is too small for the data. "
            f"Rewind and lower it if it is large; raise it or train on if it is small.")
