"""Loss surfaces for a :class:`Trainer`: its weights, its trajectory, its data.

The evaluation batch is a fixed stratified subset (``count`` samples, ``seed``) of the
validation split, or of the train split when there is none. Random planes are drawn from
``seed``, zero along frozen layers (training does not move them); PCA planes come from
``trainer.trajectory()`` (epoch snapshots, plus within-epoch checkpoints while fewer than
three epochs are finished). With ``span=None`` a random plane spans 1 (one filter norm) and a
PCA plane 1.25 times the trajectory's extent on each axis.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from engine.datasets.dataset import Dataset
from engine.landscape.directions import Plane, pca_plane, project, random_plane
from engine.landscape.subset import eval_subset
from engine.landscape.surface import Slice, Surface, loss_slice, loss_surfaces
from engine.trainer import Trainer

MARGIN = 1.25


def evaluation_data(trainer: Trainer, count: int = 256, seed: int = 0) -> Dataset:
    """The fixed stratified evaluation subset (val split, else train)."""
    source = trainer.val if trainer.val is not None and len(trainer.val) else trainer.train
    return eval_subset(source, count, seed)


def trainer_plane(trainer: Trainer, kind: str = "random", seed: int = 0) -> Plane:
    """random | pca plane through the trainer's current weights."""
    model = trainer.model
    center = model.get_weights()
    if kind == "random":
        frozen = frozenset(model.named_params()) - frozenset(model.trainable_params())
        return random_plane(center, seed, frozen)
    if kind == "pca":
        return pca_plane([c.weights for c in trainer.trajectory()], center)
    raise ValueError(f"unknown direction kind {kind!r} (random or pca)")


def auto_span(trainer: Trainer, plane: Plane) -> tuple[float, float]:
    """1 for random planes; for PCA ``MARGIN`` x the largest |coordinate| per axis."""
    if plane.kind != "pca":
        return (1.0, 1.0)
    center = trainer.model.get_weights()
    coords = project([c.weights for c in trainer.trajectory()], center, plane)
    extent = np.abs(coords).max(axis=0) * MARGIN
    return (float(max(extent[0], 1e-3)), float(max(extent[1], 1e-3)))


def trainer_surfaces(trainer: Trainer, kind: str = "random", grid: int = 21,
                     span: float | tuple[float, float] | None = None, count: int = 256,
                     seed: int = 0, coarse: int = 11) -> Iterator[Surface]:
    """Coarse then refined surfaces (see :func:`loss_surfaces`) with the trajectory."""
    plane = trainer_plane(trainer, kind, seed)
    data = evaluation_data(trainer, count, seed)
    traj = [(c.position, c.weights) for c in trainer.trajectory()]
    return loss_surfaces(trainer.model, plane, data.images, data.y(), trainer.loss, grid,
                         auto_span(trainer, plane) if span is None else span,
                         trajectory=traj, coarse=coarse)


def trainer_slice(trainer: Trainer, kind: str = "random", points: int = 41,
                  span: float | None = None, count: int = 256, seed: int = 0,
                  axis: int = 1) -> Slice:
    """Loss along the plane's direction ``axis`` (1 or 2) through the current weights."""
    if axis not in (1, 2):
        raise ValueError(f"axis must be 1 or 2 (the plane's first or second direction), "
                         f"got {axis!r}")
    plane = trainer_plane(trainer, kind, seed)
    data = evaluation_data(trainer, count, seed)
    width = auto_span(trainer, plane)[axis - 1] if span is None else span
    direction = plane.d1 if axis == 1 else plane.d2
    return loss_slice(trainer.model, direction, data.images, data.y(), trainer.loss,
                      points, width)
