"""Random loss-surface planes leave frozen layers where they are."""

from __future__ import annotations

import copy

import numpy as np

from engine.datasets import shapes
from engine.landscape import random_plane, trainer_surfaces
from engine.landscape.from_trainer import trainer_plane
from engine.model import build
from engine.optimizers import make_optimizer
from engine.trainer import Trainer
from tests.engine.test_landscape import SIZE, SMALL


def frozen_small() -> dict:
    spec = copy.deepcopy(SMALL)
    spec["layers"][0]["frozen"] = True  # conv1, as in the shapes preset with hand-set filters
    return spec


def test_random_plane_is_zero_along_frozen_parameters_and_unchanged_elsewhere():
    model = build(frozen_small(), np.random.default_rng(0))
    weights = model.get_weights()
    free = random_plane(weights, seed=3)
    plane = random_plane(weights, seed=3, frozen=frozenset({"conv1.W", "conv1.b"}))
    for d, d_free in ((plane.d1, free.d1), (plane.d2, free.d2)):
        assert not d["conv1.W"].any() and not d["conv1.b"].any()
        assert d_free["conv1.W"].any()
        for name in weights:
            if not name.startswith("conv1."):
                np.testing.assert_array_equal(d[name], d_free[name])


def test_trainer_surface_of_a_frozen_first_layer_keeps_it_and_matches_a_free_plane():
    data = shapes.generate(70, size=SIZE, seed=5)
    model = build(frozen_small(), np.random.default_rng(0))
    tr = Trainer(model, make_optimizer("sgd", 0.05), data.subset(np.arange(50)),
                 val=data.subset(np.arange(50, 70)), batch_size=8, seed=0)
    list(tr.run_epoch())
    plane = trainer_plane(tr, "random", seed=1)
    assert not plane.d1["conv1.W"].any() and not plane.d2["conv1.W"].any()
    assert plane.d1["conv2.W"].any() and plane.d2["dense1.W"].any()
    fine = list(trainer_surfaces(tr, "random", grid=5, count=20, coarse=5))[-1]
    assert np.isfinite(fine.losses).all()
    assert np.isclose(fine.center_loss, tr.evaluate("val").loss, rtol=1e-5)
