"""Worse than guessing: a loss that stays well above the best constant guess's.

A network that answered the same for every sample would score the best constant guess's loss
``L0`` (:mod:`engine.baseline`: ``ln 2`` on balanced two-class data). Training whose running
loss over a whole epoch stays at ``RATIO`` times ``L0`` or more does worse than that: each
step throws the weights past the minimum and the next step's batch pays for it, so the
learning rate is too large. The loss stays finite, so the divergence stop (``Diverged``)
never fires. Measured on the lab's circle (4-2 tanh, sigmoid + binary cross-entropy, batch
8, 38 steps an epoch, seeds 0-5, 4 epochs): SGD at lr 10 runs at 2.1-4.1 ``L0`` every epoch
(2.6-3.9 over its first); Adam at the lab's default 0.02 at 0.95-0.99 ``L0`` over its first
epoch and lower after, SGD at 1 or 3 at most 1.21, Adam at 0.1 below 1
(tests/engine/test_overshoot.py).

Weights that start far off also begin above ``L0``, and a sensible learning rate brings them
down only over some steps: the circle's output bias typed as 6 by hand, Adam at 0.02 (seeds
0-2): 3.5-3.9 ``L0`` over the first epoch, 1.56-2.22 over the second, 1.0-1.1 over the third;
typed as 4: 2.2-2.5, then 1.1-1.3; a regression output that begins far from the targets' mean
(the lab's gmm, mse, SGD at 0.02 or 0.1 or Adam at 0.02, seeds 0-3): up to 2.8 over the first,
at most 1.24 over the second. So the loss alone tells neither a first epoch nor a second from
such a start. An epoch counts when it began after ``MIN_STEPS`` steps (the circle's third),
or earlier when it is not the first and its loss did not come down from the epoch before
(``record.train_loss >= previous.train_loss``): a start from bad weights under a sensible
step comes down (all 18 such runs above fell from the first epoch to the second), a step too
large need not. On the circle at SGD lr 10 that names the second epoch in 4 of 6 seeds (0, 1,
4, 5: 2.6-3.2 ``L0``, then 3.1-3.7), the third in the others, as before.

Not solved here: a start far enough off stays above ``1.5 L0`` past 50 steps under a sensible
step (the bias typed as 8 under Adam at 0.02, seed 0: 1.79 ``L0`` over its third epoch; as 6
under Adam at 0.01: 1.6-2.5), and is named worse than guessing then, though coming down; a
rule on how fast the loss falls does not help: SGD at lr 10 also falls by 28-47 % from one
epoch to the next at times (seeds 1-4), as much as such a start does (23-49 %).

Judged on the epoch's running train loss (each step's loss on its batch before its update),
not on the validation loss at the end-of-epoch weights: the running figure averages every
step, the end-of-epoch one is a single draw (at lr 10 it swings between 1.2 and 8 ``L0``).
"""

from __future__ import annotations

from engine.baseline import ConstantGuess, named
from engine.history import EpochRecord

RATIO = 1.5  # the epoch's running train loss is at least this many times the guess's
MIN_STEPS = 50  # optimizer steps so far: a start from bad weights may begin above it
RIGHT_MARGIN = 0.1  # an accuracy this far above the guess's is said beside the loss


def worse_than_guessing(record: EpochRecord, guess: ConstantGuess,
                        previous: EpochRecord | None = None) -> str | None:
    """A message when ``record.train_loss >= 1.5 L0`` (``L0 = guess.loss``, the best constant
    guess on the train split) and the epoch began after at least 50 steps or its loss did not
    come down from ``previous`` (the epoch before it, of the same history), else None."""
    if guess.loss <= 0:
        return None
    ratio = record.train_loss / guess.loss
    if ratio < RATIO or not (_late(record) or _not_down(record, previous)):
        return None
    return (f"after epoch {record.epoch} the network does worse than guessing: its training "
            f"loss over the epoch, {record.train_loss:.3f}, is {ratio:.1f} times the chance "
            f"level ({named(guess)}).{_though_right(record, guess)} The learning rate "
            f"(lr={record.lr:g}) is too large: each step throws the weights past the minimum. "
            f"{_what_to_do(record, previous)}")


def _though_right(record: EpochRecord, guess: ConstantGuess) -> str:
    """A sentence when the epoch's accuracy beats the guess's by ``RIGHT_MARGIN``, else "".

    Too large a step on classes can leave most answers right and the loss still far above
    ``L0``: cross-entropy charges ``-ln p`` for each wrong answer given with near certainty
    (the playground's MNIST at SGD lr 10: 83 % right at 2.6 ``L0``). Said, so "worse than
    guessing" beside an accuracy far above guessing's does not read as a wrong number."""
    right, guessed = record.train_accuracy, guess.accuracy
    if right is None or guessed is None or right < guessed + RIGHT_MARGIN:
        return ""
    return (f" It answers {right:.0%} of the training examples right (guessing: {guessed:.0%}), "
            f"but it is so sure of its wrong answers that each costs the loss a lot.")


def _what_to_do(record: EpochRecord, previous: EpochRecord | None) -> str:
    """Lower the rate; rewind only when the loss rose from the epoch before."""
    lower = f"Lower it (try {record.lr / 10:g})"
    if _not_down(record, previous):
        return f"{lower} and rewind to an epoch before the loss rose."
    return f"{lower} and train on."


def _late(record: EpochRecord) -> bool:
    """The epoch began after ``MIN_STEPS`` steps: past where a bad start is worked off."""
    return record.global_step - record.steps >= MIN_STEPS


def _not_down(record: EpochRecord, previous: EpochRecord | None) -> bool:
    """``previous`` is the epoch just before and the loss did not come down from it."""
    return (previous is not None and previous.epoch == record.epoch - 1
            and record.train_loss >= previous.train_loss)
