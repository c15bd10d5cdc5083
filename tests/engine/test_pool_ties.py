"""The max/min pooling tie rule: the gradient goes to ONE cell, the first in row-major order.

At a tie the pool is not differentiable in every direction, but it is along any direction
that keeps tied cells tied (here: a perturbation that is a function of the cell's value).
Along such directions the finite difference must equal ``grad . v``. The first-winner rule
passes; a mask ``x == max`` that feeds every tied cell fails (shown below, so the check can
fail).
"""

from __future__ import annotations

import numpy as np
import pytest

from engine.ops import pool
from tests.engine.helpers import rel_error


def tie_preserving_direction(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """v = g(x) for a random g on the distinct values of x: equal cells move equally."""
    values = np.unique(x)
    table = dict(zip(values.tolist(), rng.standard_normal(values.size).tolist(), strict=True))
    return np.vectorize(table.__getitem__)(x)


def directional_fd(x: np.ndarray, v: np.ndarray, w: np.ndarray, mode: str, k: int, s: int,
                   eps: float = 1e-4) -> float:
    """(f(x + eps v) - f(x - eps v)) / (2 eps) for f = sum(pool(x) * w).

    The pool is piecewise linear and distinct values differ by >= 0.25, so eps = 1e-4 changes
    no ordering and keeps rounding error small.
    """
    fp = float(np.sum(pool.forward(x + eps * v, mode, k, s)[0] * w))
    fm = float(np.sum(pool.forward(x - eps * v, mode, k, s)[0] * w))
    return (fp - fm) / (2 * eps)


def mnist_like(rng: np.random.Generator) -> np.ndarray:
    """Mostly flat background with a few stroke values: many tied windows."""
    x = np.zeros((2, 8, 8, 3))
    x[:, 2:6, 3:5, :] = 1.0
    x[:, 4:6, 2:4, 1] = 0.5
    x += rng.integers(0, 2, x.shape) * 0.25
    return x


@pytest.mark.parametrize("mode", ["max", "min"])
@pytest.mark.parametrize(("k", "s"), [(2, 2), (3, 1), (2, 1), (3, 2)])
def test_first_winner_rule_agrees_with_finite_differences(mode, k, s) -> None:
    rng = np.random.default_rng(k * 7 + s)
    x = mnist_like(rng)
    out, cache = pool.forward(x, mode, k, s)
    windows_tied = _tied_fraction(x, out, mode, k, s)
    assert windows_tied > 0.3, "the input must actually tie"
    w = rng.standard_normal(out.shape)
    grad = pool.backward(w, cache)
    for _ in range(5):
        v = tie_preserving_direction(x, rng)
        assert rel_error(np.sum(grad * v), directional_fd(x, v, w, mode, k, s)) < 1e-6


def test_every_tied_cell_rule_would_fail_the_same_check() -> None:
    rng = np.random.default_rng(0)
    x = mnist_like(rng)
    out, _ = pool.forward(x, "max", 2, 2)
    w = rng.standard_normal(out.shape)
    up = np.repeat(np.repeat(out, 2, axis=1), 2, axis=2)
    wrong = (x == up) * np.repeat(np.repeat(w, 2, axis=1), 2, axis=2)
    v = tie_preserving_direction(x, rng)
    assert rel_error(np.sum(wrong * v), directional_fd(x, v, w, "max", 2, 2)) > 1e-2


def test_tie_goes_to_the_first_cell_in_row_major_order() -> None:
    x = np.array([[1.0, 1.0], [0.0, 1.0]]).reshape(1, 2, 2, 1)
    _, cache = pool.forward(x, "max", 2, 2)
    dx = pool.backward(np.ones((1, 1, 1, 1)), cache)
    np.testing.assert_array_equal(dx[0, :, :, 0], [[1.0, 0.0], [0.0, 0.0]])
    x = np.array([[3.0, 2.0], [2.0, 2.0]]).reshape(1, 2, 2, 1)
    _, cache = pool.forward(x, "min", 2, 2)
    dx = pool.backward(np.ones((1, 1, 1, 1)), cache)
    np.testing.assert_array_equal(dx[0, :, :, 0], [[0.0, 1.0], [0.0, 0.0]])


def test_flat_window_sends_exactly_one_gradient() -> None:
    x = np.zeros((1, 4, 4, 1))
    _, cache = pool.forward(x, "max", 2, 2)
    dx = pool.backward(np.ones((1, 2, 2, 1)), cache)
    assert dx.sum() == 4.0
    np.testing.assert_array_equal(dx[0, :, :, 0], [[1, 0, 1, 0], [0, 0, 0, 0],
                                                   [1, 0, 1, 0], [0, 0, 0, 0]])


def _tied_fraction(x: np.ndarray, out: np.ndarray, mode: str, k: int, s: int) -> float:
    count = np.zeros(out.shape)
    for u in range(k):
        for v in range(k):
            count += pool.offset_view(x, u, v, k, s) == out
    return float(np.mean(count > 1))
