"""An epoch's record (engine.history.EpochRecord) as JSON: a ``history`` entry of the state
and the body of an ``epoch_end`` message (docs/protocol.md)."""

from __future__ import annotations

from typing import Any

from engine.chance import Stuck
from engine.history import EpochRecord
from server.wire.tensors import finite_or_none


def optional(value: float | None) -> float | None:
    """A finite float, or None for None / NaN / infinity."""
    return finite_or_none(value) if value is not None else None


def record_json(record: EpochRecord) -> dict[str, Any]:
    """One history entry; ``*_rmse`` null unless the loss is mse, a metric the split had no
    samples for null."""
    return {
        "epoch": record.epoch,
        "train_loss": finite_or_none(record.train_loss),
        "train_acc": optional(record.train_accuracy),
        "val_loss": optional(record.val_loss),
        "val_acc": optional(record.val_accuracy),
        "train_rmse": optional(record.train_rmse),
        "val_rmse": optional(record.val_rmse),
        "steps": record.steps,
        "step": record.global_step,
        "lr": record.lr,
    }


def stuck_json(stuck: Stuck | None) -> dict[str, str] | None:
    """A history entry's ``stuck``: null, or ``{"kind": "worse" | "chance", "message": ...}``
    (engine.chance.Stuck). Never stored: judged afresh from the saved records on every load,
    so a session saved before the field existed gets it too."""
    return None if stuck is None else {"kind": stuck.kind, "message": stuck.message}
