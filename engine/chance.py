"""Is training stuck at chance level? A network that guesses, after a whole epoch.

Too large a step rarely makes a softmax network's loss infinite (the fused softmax and
cross-entropy are stable): more often it throws the weights where every ReLU is off, or the
scores no longer depend on the input, and the network predicts every class about alike. Its
cross-entropy then sits at ``ln K`` (the loss of the uniform guess over K classes) or above,
and its accuracy at ``1 / K``, epoch after epoch. This names that state, so a caller can say
so as plainly as it reports a diverged loss. A network that has barely started (a few
steps, as a handful of own drawings gives per epoch) is at chance level too, for want of
training: it counts only after ``MIN_STEPS`` steps, or when the epoch's running loss rose
well above the guess's (``RISE`` ln K), which a slow start does not do.
"""

from __future__ import annotations

import math

from engine.history import EpochRecord

LOSS_SHARE = 0.97  # the epoch's loss is at least this share of ln K
ACCURACY_MARGIN = 0.05  # and its accuracy at most 1/K plus this
MIN_STEPS = 50  # optimizer steps so far before a guessing network counts as stuck
RISE = 1.5  # ... unless the epoch's running train loss reached this many times ln K


def stuck_at_chance(record: EpochRecord, loss: str, classes: int) -> str | None:
    """A message when a cross-entropy epoch ended at chance level, else None.

    Judged on the validation figures (the end-of-epoch weights) when there are some, else on
    the epoch's running train figures: ``loss >= 0.97 ln K`` and ``accuracy <= 1/K + 0.05``,
    after at least 50 steps in all or with the epoch's train loss at ``1.5 ln K`` or more.
    """
    if loss != "cross_entropy" or classes < 2:
        return None
    use_val = record.val_loss is not None and record.val_accuracy is not None
    value = record.val_loss if use_val else record.train_loss
    accuracy = record.val_accuracy if use_val else record.train_accuracy
    assert value is not None and accuracy is not None
    chance = math.log(classes)
    if not (value >= LOSS_SHARE * chance and accuracy <= 1 / classes + ACCURACY_MARGIN):
        return None
    if record.global_step < MIN_STEPS and record.train_loss < RISE * chance:
        return None  # not trained long enough to tell a slow start from a stranded network
    split = "validation" if use_val else "training"
    return (f"after epoch {record.epoch} the network is at chance level: {split} loss "
            f"{value:.3f} (ln {classes} = {chance:.3f} is a uniform guess), accuracy "
            f"{accuracy:.1%} (1 in {classes} is {1 / classes:.1%}). Likely cause: learning "
            f"rate too high (lr={record.lr:g}) knocked the network where its output no longer "
            f"depends on the input (dead ReLUs). Rewind to an earlier epoch and lower it.")
