"""Loss landscapes around the current weights (Li et al., 2018).

* :mod:`.directions`: filter-normalised random planes, PCA of the weight trajectory.
* :mod:`.evaluator`: the batched evaluator (many weight vectors per forward).
* :mod:`.surface`: grids, progressive coarse-then-fine surfaces, 1-D slices, trajectory.
* :mod:`.subset`: the fixed stratified evaluation subset.
* :mod:`.from_trainer`: all of it for a :class:`engine.trainer.Trainer`.
* :mod:`.reference`: the slow one-forward-per-point reference for tests.
"""

from engine.landscape.directions import Plane, filter_normalize, pca_plane, random_plane
from engine.landscape.evaluator import BatchedEvaluator
from engine.landscape.from_trainer import trainer_plane, trainer_slice, trainer_surfaces
from engine.landscape.subset import eval_subset
from engine.landscape.surface import (
    Slice,
    Surface,
    TrajectoryPoint,
    loss_slice,
    loss_surface,
    loss_surfaces,
)

__all__ = [
    "BatchedEvaluator", "Plane", "Slice", "Surface", "TrajectoryPoint", "eval_subset",
    "filter_normalize", "loss_slice", "loss_surface", "loss_surfaces", "pca_plane",
    "random_plane", "trainer_plane", "trainer_slice", "trainer_surfaces",
]
