"""Textbook values every introduction to CNNs uses, computed by the engine."""

from __future__ import annotations

import numpy as np

from engine import build, dense_unit, describe, pool_cell
from engine.ops import pool, softmax
from tests.engine.helpers import spec_of


def test_softmax_of_2_5_1_8_0_2() -> None:
    p, _ = softmax.forward(np.array([[2.5, 1.8, 0.2]]))
    np.testing.assert_allclose(p[0], [0.63, 0.31, 0.06], atol=0.005)
    assert p[0].argmax() == 0 and abs(p.sum() - 1) < 1e-12


def _relu_unit(weights: tuple[float, float]):  # type: ignore[no-untyped-def]
    model = build(spec_of(1, 1, 2, {"type": "flatten"}, {"type": "dense", "units": 1},
                          {"type": "relu"}), np.random.default_rng(0), dtype=np.float64)
    model.set_weights({"dense1.W": np.array([[weights[0]], [weights[1]]]),
                       "dense1.b": np.zeros(1)})
    return model, np.array([[[155.0, 60.0]]])


def test_relu_unit_with_positive_sum() -> None:
    model, x = _relu_unit((0.27, 0.2))
    unit = dense_unit(model, "dense1", x, 0)
    assert abs(unit.weighted_sum - 53.85) < 1e-9
    assert unit.activation == "relu" and abs(unit.activated - 53.85) < 1e-9  # type: ignore[operator]
    assert abs(model.forward(x[None])[0, 0] - 53.85) < 1e-9


def test_relu_unit_with_negative_sum_gives_zero() -> None:
    model, x = _relu_unit((-0.1, -0.4))
    unit = dense_unit(model, "dense1", x, 0)
    assert abs(unit.weighted_sum - (-39.5)) < 1e-9
    assert unit.activated == 0.0
    assert model.forward(x[None])[0, 0] == 0.0


def test_4x4_input_3x3_kernel() -> None:
    (row,) = describe(spec_of(1, 4, 4, {"type": "conv2d", "filters": 1, "kernel": 3}))
    assert row.output_shape == (1, 2, 2)
    (row,) = describe(spec_of(1, 4, 4, {"type": "conv2d", "filters": 1, "kernel": 3,
                                         "padding": 1}))
    assert row.output_shape == (1, 4, 4)
    model = build(spec_of(1, 4, 4, {"type": "conv2d", "filters": 1, "kernel": 3,
                                    "padding": 1}), np.random.default_rng(0))
    assert model.forward(np.zeros((1, 1, 4, 4), np.float32)).shape == (1, 1, 4, 4)


def test_avg_and_max_pool_of_a_2x2_window() -> None:
    x = np.array([[1.0, 0.0], [4.0, 6.0]]).reshape(1, 2, 2, 1)
    assert pool.forward(x, "avg", 2, 2)[0].item() == 2.75
    assert pool.forward(x, "max", 2, 2)[0].item() == 6.0
    for mode, value in (("avg", 2.75), ("max", 6.0), ("min", 0.0)):
        model = build(spec_of(1, 2, 2, {"type": "pool", "mode": mode}),
                      np.random.default_rng(0), dtype=np.float64)
        cell = pool_cell(model, "pool1", x[0].transpose(2, 0, 1), 0, 0, 0)
        assert cell.result == value == cell.feature_value
    assert cell.winner == (0, 1)


def test_vertical_sobel_lights_up_exactly_along_the_edge() -> None:
    img = np.zeros((1, 1, 8, 8))
    img[..., 4:] = 1.0  # one vertical edge between columns 3 and 4
    model = build(spec_of(1, 8, 8, {"type": "conv2d", "filters": 1, "kernel": 3}),
                  np.random.default_rng(0), dtype=np.float64)
    sobel = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
    model.set_weights({"conv1.W": sobel[None, None], "conv1.b": np.zeros(1)})
    fmap = model.forward(img)[0, 0]
    assert fmap.shape == (6, 6)
    lit = np.argwhere(fmap != 0)
    assert set(lit[:, 1].tolist()) == {2, 3}  # windows that straddle the edge
    assert len(lit) == 12 and np.all(fmap[:, 2:4] == 4.0)


def test_32x32x3_input_one_5x5_filter() -> None:
    (row,) = describe(spec_of(3, 32, 32, {"type": "conv2d", "filters": 1, "kernel": 5}))
    assert row.output_shape == (1, 28, 28)
    assert row.param_count == 5 * 5 * 3 + 1
    model = build(spec_of(3, 32, 32, {"type": "conv2d", "filters": 1, "kernel": 5}),
                  np.random.default_rng(0))
    assert model.forward(np.ones((2, 3, 32, 32), np.float32)).shape == (2, 1, 28, 28)
