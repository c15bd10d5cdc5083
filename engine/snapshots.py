"""Saved training states: epoch snapshots (for rewind) and within-epoch checkpoints.

A :class:`Snapshot` is everything needed to continue training bit-for-bit from a point:
the weights, the optimizer's state, the trainer's shuffling RNG state and the model's RNG
state (dropout masks). A :class:`Checkpoint` is only a position (in epochs, e.g. 0.25) and
weights: a point on the weight trajectory for the loss-surface PCA.

Snapshots are thinned as training goes on (:func:`keeps`): every epoch of the last
``RECENT``, every tenth epoch of the last hundred, every hundredth, and epoch 0, so a long
run keeps about ``RECENT + 10 + epochs / 100`` of them. A snapshot may be held *partial*
(weights only, for the trajectory) when its owner keeps the whole of it elsewhere (on disk).

Everything is plain ndarrays and JSON-able scalars (RNG states via
``Generator.bit_generator.state``), so :func:`to_plain` output can be persisted as is.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import numpy as np

RECENT = 10  # the last this many epochs all keep their snapshot


def keeps(epoch: int, latest: int) -> bool:
    """True when the snapshot of ``epoch`` is kept once ``latest`` epochs are finished:
    epoch 0, the last ``RECENT`` epochs, multiples of 10 of the last 100, multiples of 100.
    Once dropped, an epoch is never kept again (the kept set only shrinks as ``latest``
    grows, apart from the new epoch)."""
    age = latest - epoch
    return (epoch == 0 or 0 <= age < RECENT or (epoch % 10 == 0 and 0 <= age < 100)
            or epoch % 100 == 0)


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
    partial: bool = False  # weights only: the optimizer and RNG states are kept elsewhere

    def light(self) -> Snapshot:
        """The same snapshot holding only its weights (shared, not copied)."""
        return Snapshot(self.epoch, self.global_step, self.weights, {}, {}, {}, partial=True)

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
