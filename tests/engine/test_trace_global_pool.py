"""The arithmetic of one global-pool output: the max (first maximum) or the mean of a map."""

from __future__ import annotations

import numpy as np
import pytest

from engine import build
from engine.model import to_public
from engine.trace import global_pool_cell
from tests.engine.helpers import spec_of


@pytest.mark.parametrize("mode", ["max", "avg"])
def test_global_pool_cell_is_the_layers_own_output(mode: str) -> None:
    spec = spec_of(1, 6, 5, {"type": "conv2d", "filters": 3, "kernel": 3, "padding": 1},
                   {"type": "relu"}, {"type": "global_pool", "mode": mode},
                   {"type": "dense", "units": 4}, {"type": "softmax"})
    model = build(spec, np.random.default_rng(2))
    x = np.random.default_rng(3).uniform(0, 1, (1, 6, 5)).astype(np.float32)
    acts = model.run_forward(x[None], training=False)
    maps = to_public(acts[2])[0]  # relu1's output, (3, 6, 5): what the pool reads
    for c in range(3):
        cell = global_pool_cell(model, "gpool1", x, c)
        np.testing.assert_array_equal(cell.window, maps[c])
        assert cell.feature_value == float(acts[3][0, c])
        if mode == "max":
            assert cell.result == float(maps[c].max())
            r, k = cell.winner
            assert maps[c][r, k] == maps[c].max()
            assert (maps[c].ravel()[:r * 5 + k] < maps[c].max()).all()  # the first maximum
        else:
            assert cell.winner is None
            assert cell.result == pytest.approx(float(maps[c].astype(np.float64).mean()),
                                                rel=1e-6)
        assert cell.result == pytest.approx(cell.feature_value, rel=1e-6, abs=1e-7)
    with pytest.raises(IndexError, match="channel 3 is outside 0..2"):
        global_pool_cell(model, "gpool1", x, 3)
    with pytest.raises(ValueError, match="not a global_pool"):
        global_pool_cell(model, "conv1", x, 0)


def test_ties_pick_the_first_maximum() -> None:
    spec = spec_of(1, 3, 3, {"type": "global_pool", "mode": "max"}, {"type": "dense",
                                                                     "units": 2})
    model = build(spec, np.random.default_rng(0))
    x = np.array([[[0, 1, 0], [0, 0, 1], [1, 0, 0]]], dtype=np.float32)
    assert global_pool_cell(model, "gpool1", x, 0).winner == (0, 1)
