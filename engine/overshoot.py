"""Worse than guessing: a loss that stays well above the best constant guess's.

A network that answered the same for every sample would score the best constant guess's loss
``L0`` (:mod:`engine.baseline`: ``ln 2`` on balanced two-class data). Training whose running
loss over a whole epoch stays at ``RATIO`` times ``L0`` or more does worse than that: each
step throws the weights past the minimum and the next step's batch pays for it, so the
learning rate is too large. The loss stays finite, so the divergence stop (``Diverged``)
never fires. Measured on the lab's circle (4-2 tanh, sigmoid + binary cross-entropy, batch
8, seeds 0-2, 8 epochs): SGD at lr 10 runs at 2.0-4.0 ``L0`` every epoch; Adam at the lab's
default 0.02 at 0.95-0.99 ``L0`` over its first epoch and lower after
(tests/engine/test_overshoot.py).

Weights that start far off (typed by hand, say, or a regression output that begins far from
the targets' mean) also begin above ``L0``, and a sensible learning rate brings them down
only over some steps (SGD at 0.02 on the lab's bumps: 2.8 ``L0`` over its first epoch, 1.2
over its second). So only an epoch that began after ``MIN_STEPS`` steps counts: the lab's
circle (37 steps an epoch) from epoch 3.

Judged on the epoch's running train loss (each step's loss on its batch before its update),
not on the validation loss at the end-of-epoch weights: the running figure averages every
step, the end-of-epoch one is a single draw (at lr 10 it swings between 1.2 and 8 ``L0``).
"""

from __future__ import annotations

from engine.baseline import ConstantGuess, named
from engine.history import EpochRecord

RATIO = 1.5  # the epoch's running train loss is at least this many times the guess's
MIN_STEPS = 50  # optimizer steps so far: a start from bad weights may begin above it


def worse_than_guessing(record: EpochRecord, guess: ConstantGuess) -> str | None:
    """A message when ``record.train_loss >= 1.5 L0`` (``L0 = guess.loss``, the best constant
    guess on the train split) and the epoch began after at least 50 steps, else None."""
    if guess.loss <= 0 or record.global_step - record.steps < MIN_STEPS:
        return None
    ratio = record.train_loss / guess.loss
    if ratio < RATIO:
        return None
    lower = f"{record.lr / 10:g}"
    return (f"after epoch {record.epoch} the network does worse than guessing: its training "
            f"loss over the epoch, {record.train_loss:.3f}, is {ratio:.1f} times the chance "
            f"level ({named(guess)}). The learning rate (lr={record.lr:g}) is too large: each "
            f"step throws the weights past the minimum. Lower it (try {lower}) and rewind to "
            f"an epoch before the loss rose.")

