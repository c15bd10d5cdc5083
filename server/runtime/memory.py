"""What the sessions in memory hold, in bytes: the estimate the manager's ceiling counts.

A session's own bytes are its arrays: the model's weights, gradients and layer caches, the
optimizer's moments, the epoch snapshots still in memory, the within-epoch checkpoints, the
epoch order, its own samples and last input, plus per-entry costs of its Python lists
(``batch_losses``: a float object and a pointer each). A split of a built-in dataset is
shared by every session that asks for the same one, so the manager counts each distinct
:class:`SplitData` once (:func:`data_bytes`), not once per session.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np

from server.sessions.data import SPLITS, SplitData

if TYPE_CHECKING:
    from server.sessions.session import Session
    from server.sessions.training import Training

FLOAT_IN_LIST = 32  # a Python float (24 bytes) and its slot in a list (8)
HISTORY_RECORD = 600  # an EpochRecord dataclass with its floats
MIB = 1024 * 1024
SHARED = ("mnist", "shapes")  # datasets server.sessions.data shares between sessions


def tree_bytes(value: Any, seen: set[int] | None = None) -> int:
    """Bytes of every distinct ndarray in nested dicts, lists, tuples and dataclasses (an
    array counted once however often it appears; a view counts its own extent)."""
    seen = set() if seen is None else seen
    if isinstance(value, np.ndarray):
        if id(value) in seen:
            return 0
        seen.add(id(value))
        return int(value.nbytes)
    if isinstance(value, dict):
        return sum(tree_bytes(v, seen) for v in value.values())
    if isinstance(value, (list, tuple)):
        return sum(tree_bytes(v, seen) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return sum(tree_bytes(getattr(value, f.name), seen) for f in dataclasses.fields(value))
    return 0


def data_bytes(data: SplitData | None) -> int:
    """Bytes of the images, labels and targets of a split dataset (three parts)."""
    if data is None:
        return 0
    total = 0
    for name in SPLITS:
        part = data.part(name)
        total += part.images.nbytes + part.labels.nbytes
        total += part.targets.nbytes if part.targets is not None else 0
    return int(total)


def training_bytes(training: Training | None, seen: set[int]) -> int:
    """Optimizer moments, snapshots and checkpoints in memory, epoch order, history and
    the per-step losses."""
    if training is None:
        return 0
    t = training.trainer
    total = tree_bytes(t.optimizer.slots, seen)
    total += sum(tree_bytes([s.weights, s.optimizer], seen) for s in t.snapshots)
    total += sum(tree_bytes(c.weights, seen) for c in t.checkpoints)
    total += tree_bytes(t._order, seen)  # noqa: SLF001 (the one array the trainer keeps aside)
    total += tree_bytes(training.last_batch, seen)
    total += len(t.history) * HISTORY_RECORD + len(training.batch_losses) * FLOAT_IN_LIST
    return total


def session_bytes(session: Session) -> int:
    """The session's own bytes (not its shared dataset: see :func:`data_bytes`)."""
    seen: set[int] = set()
    model = session.model
    total = 0
    for layer in model.layers:
        total += tree_bytes([layer.params, layer.grads, layer.cache], seen)
    for step in model.plan:
        total += tree_bytes(getattr(step, "cache", None), seen)
    total += tree_bytes(model.logits, seen)
    total += training_bytes(session.training, seen)
    total += tree_bytes([s.image for s in session.own.items], seen)
    total += tree_bytes(session.last_input, seen)
    if session.data is not None and session.data.name not in SHARED:
        total += data_bytes(session.data)  # own samples, the lab's points: split per session
    return total
