"""Saved training states: epoch snapshots (for rewind) and within-epoch checkpoints.

A :class:`Snapshot` is everything needed to continue training bit-for-bit from a point:
the weights, the optimizer's state, the trainer's shuffling RNG state and the model's RNG
state (dropout masks). A :class:`Checkpoint` is only a position (in epochs, e.g. 0.25) and
weights: a point on the weight trajectory for the loss-surface PCA.

Everything is plain ndarrays and JSON-able scalars (RNG states via
``Generator.bit_generator.state``), so :func:`to_plain` output can be persisted as is.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import numpy as np


def copy_tree(value: Any) -> Any:
    """Deep copy of nested dicts/lists of ndarrays and scalars (arrays copied, not shared)."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict):
        return {k: copy_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [copy_tree(v) for v in value]
    return copy.deepcopy(value)


@dataclass
class Snapshot:
    """Training state at the end of ``epoch`` (0 = before any training)."""

    epoch: int
    global_step: int
    weights: dict[str, np.ndarray]
    optimizer: dict[str, Any]
    rng: dict[str, Any]
    model_rng: dict[str, Any]

    def to_plain(self) -> dict[str, Any]:
        """Nested dict of arrays and scalars (copies)."""
        return copy_tree({"epoch": self.epoch, "global_step": self.global_step,
                          "weights": self.weights, "optimizer": self.optimizer,
                          "rng": self.rng, "model_rng": self.model_rng})

    @classmethod
    def from_plain(cls, d: dict[str, Any]) -> Snapshot:
        """Inverse of :meth:`to_plain`."""
        d = copy_tree(d)
        return cls(epoch=int(d["epoch"]), global_step=int(d["global_step"]),
                   weights={k: np.asarray(v) for k, v in d["weights"].items()},
                   optimizer=d["optimizer"], rng=d["rng"], model_rng=d["model_rng"])


@dataclass
class Checkpoint:
    """Weights at ``position`` epochs (fractional within an epoch, e.g. 1.5)."""

    position: float
    weights: dict[str, np.ndarray]

    def to_plain(self) -> dict[str, Any]:
        return {"position": self.position, "weights": copy_tree(self.weights)}

    @classmethod
    def from_plain(cls, d: dict[str, Any]) -> Checkpoint:
        return cls(position=float(d["position"]),
                   weights={k: np.array(v) for k, v in d["weights"].items()})
