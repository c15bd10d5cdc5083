"""What the trainer reports as it steps: plain dataclasses, one per kind of event.

* :class:`StepProgress` after every step (one sample or one batch).
* :class:`EpochEnd` when a step finishes an epoch (carries the epoch's record).
* :class:`Diverged` when a loss or an update stops being finite; nothing of that step is
  applied.
* :class:`Cancelled` when ``run_epoch`` is stopped between batches; the position in the epoch
  is kept and the next step or ``run_epoch`` resumes there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.history import EpochRecord


@dataclass(frozen=True)
class StepProgress:
    """One training step done.

    epoch: 1-based epoch in progress; batch: 1-based number of this step within the epoch;
    batches_in_epoch: steps done plus those still needed at the current batch size;
    loss/accuracy: this batch's (measured before its update); running_*: sample-weighted
    means over the epoch so far; samples_seen of epoch_size; global_step counts every step
    ever applied; indices ``(B,)``: the train-split positions of this batch's samples.
    accuracy and running_accuracy are None for regression data (real-valued targets).
    grad_sizes: ``{layer: mean |dL/dW|}`` per trainable weighted layer on this batch.
    """

    epoch: int
    batch: int
    batches_in_epoch: int
    batch_size: int
    loss: float
    accuracy: float | None
    running_loss: float
    running_accuracy: float | None
    samples_seen: int
    epoch_size: int
    global_step: int
    indices: np.ndarray
    grad_sizes: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class EpochEnd:
    """An epoch finished; ``record`` is also appended to the trainer's history."""

    record: EpochRecord


@dataclass(frozen=True)
class Diverged:
    """The loss (or the update) of step ``global_step`` was not finite; it was not applied.

    epoch/batch: where the step would have been (1-based); loss: the value seen (nan/inf, or
    the finite loss whose update overflowed); cause: "loss" or "update"; message: for people.
    """

    epoch: int
    batch: int
    global_step: int
    loss: float
    lr: float
    cause: str
    message: str


@dataclass(frozen=True)
class Cancelled:
    """run_epoch was stopped between batches; nothing was half-applied."""

    epoch: int
    batch: int
    samples_seen: int
    epoch_size: int
    message: str


TrainEvent = StepProgress | EpochEnd | Diverged | Cancelled
