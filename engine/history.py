"""One record per finished epoch: what the loss and accuracy were when it ended.

Train figures are running means over the epoch's own steps (each step's loss measured on its
batch before that batch's update, weighted by the batch's size), as most trainers report them;
validation figures are measured on the validation split with the end-of-epoch weights.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class EpochRecord:
    """epoch is 1-based; val_* are None without a validation split."""

    epoch: int
    train_loss: float
    train_accuracy: float
    val_loss: float | None
    val_accuracy: float | None
    steps: int
    samples: int
    global_step: int
    lr: float

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able scalars."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> EpochRecord:
        """Inverse of :meth:`to_dict`."""
        return cls(**d)
