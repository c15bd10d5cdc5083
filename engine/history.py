"""One record per finished epoch: what the loss and accuracy were when it ended.

Train figures are running means over the epoch's own steps (each step's loss measured on its
batch before that batch's update, weighted by the batch's size), as most trainers report them;
validation figures are measured on the validation split with the end-of-epoch weights.
For an mse loss the RMSEs go alongside: ``train_rmse = sqrt(train_loss)`` (the root of the
epoch's running mean squared error) and ``val_rmse = sqrt(val_loss)``; None for other losses.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from engine.losses import rmse


@dataclass(frozen=True)
class EpochRecord:
    """epoch is 1-based; val_* are None without a validation split; *_rmse are None for
    losses other than mse; the accuracies are None for regression data."""

    epoch: int
    train_loss: float
    train_accuracy: float | None
    val_loss: float | None
    val_accuracy: float | None
    steps: int
    samples: int
    global_step: int
    lr: float
    train_rmse: float | None = None
    val_rmse: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able scalars."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any], loss: str | None = None) -> EpochRecord:
        """Inverse of :meth:`to_dict`. A record saved before the RMSEs existed has no
        ``*_rmse`` keys: given the trainer's ``loss``, they are derived from its losses."""
        d = dict(d)
        if loss is not None and "train_rmse" not in d:
            d["train_rmse"] = rmse(loss, d["train_loss"])
            d["val_rmse"] = rmse(loss, d.get("val_loss"))
        return cls(**d)
