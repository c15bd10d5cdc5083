"""The best constant guess (engine.baseline): its loss is the lowest any constant output
scores under the engine's own loss functions, its accuracy the majority share."""

from __future__ import annotations

import numpy as np
import pytest

from engine import losses
from engine.baseline import constant_guess, named
from engine.datasets.dataset import Dataset
from engine.metrics import predictions


def points(labels: list[int], targets: np.ndarray | None = None, classes: int = 2) -> Dataset:
    n = len(labels)
    rng = np.random.default_rng(0)
    return Dataset(rng.normal(size=(n, 2, 1, 1)), np.array(labels), [str(k) for k in
                   range(classes)], targets=targets, bounded=False)


def constant_loss(loss: str, data: Dataset, c: np.ndarray) -> float:
    """The engine's loss of answering ``c`` (D,) for every sample."""
    out = np.tile(np.asarray(c, dtype=np.float64), (len(data), 1))
    return losses.loss_and_grad(loss, out, data.y())[0]


def best_on_a_grid(loss: str, data: Dataset) -> float:
    """The lowest loss of a constant single output over a fine grid of values."""
    grid = np.linspace(0.0005, 0.9995, 1999) if loss == "bce" else np.linspace(-2, 2, 4001)
    return min(constant_loss(loss, data, [c]) for c in grid)


BALANCED = [0] * 30 + [1] * 30
UNBALANCED = [0] * 45 + [1] * 15


@pytest.mark.parametrize("labels", [BALANCED, UNBALANCED])
@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_one_output_on_two_classes_scores_the_best_constant(labels, loss):
    data = points(labels)
    guess = constant_guess(loss, data, outputs=1)
    best = best_on_a_grid(loss, data)
    assert guess.loss == pytest.approx(best, abs=1e-6)
    assert guess.loss <= best + 1e-12  # no constant on the grid does better
    share = np.mean(labels)  # the best constant: the share of class 1
    assert guess.loss == pytest.approx(constant_loss(loss, data, [share]), rel=1e-12)
    right = predictions(np.full((len(labels), 1), share)) == np.array(labels)
    assert guess.accuracy == pytest.approx(right.mean())  # the majority share
    assert guess.accuracy == max(np.mean(labels), 1 - np.mean(labels))


def test_balanced_is_ln_2_and_unbalanced_is_lower():
    balanced = constant_guess("bce", points(BALANCED), 1)
    unbalanced = constant_guess("bce", points(UNBALANCED), 1)
    assert balanced.balanced and not unbalanced.balanced
    assert balanced.loss == pytest.approx(np.log(2), rel=1e-12)
    assert unbalanced.loss < balanced.loss
    assert "ln 2 = 0.693" in named(balanced) and "ln 2" not in named(unbalanced)


@pytest.mark.parametrize("labels", [[0] * 10 + [1] * 10 + [2] * 10, [0] * 20 + [1] * 7 + [2] * 3])
def test_softmax_cross_entropy_is_the_priors_entropy_not_ln_k(labels):
    data = points(labels, classes=3)
    guess = constant_guess("cross_entropy", data, outputs=3)
    prior = np.bincount(labels, minlength=3) / len(labels)
    assert guess.loss == pytest.approx(constant_loss("cross_entropy", data, prior), rel=1e-12)
    rng = np.random.default_rng(1)
    for _ in range(200):  # any other constant answer scores more (Gibbs' inequality)
        other = rng.dirichlet(np.ones(3))
        assert constant_loss("cross_entropy", data, other) >= guess.loss - 1e-12
    uniform = constant_loss("cross_entropy", data, np.full(3, 1 / 3))
    assert uniform == pytest.approx(np.log(3))
    assert (guess.loss == pytest.approx(uniform)) == guess.balanced
    assert guess.accuracy == pytest.approx(prior.max())


def test_regression_scores_the_targets_variance():
    rng = np.random.default_rng(2)
    targets = rng.normal(0.3, 0.5, size=(80, 1))
    data = points([0] * 80, targets=targets, classes=1)
    guess = constant_guess("mse", data, outputs=1)
    assert guess.accuracy is None and guess.classes == 0
    # the mean answered for every point, through the engine's mse (float32 targets)
    assert guess.loss == pytest.approx(constant_loss("mse", data, [data.y().mean()]), rel=1e-6)
    assert guess.loss == pytest.approx(best_on_a_grid("mse", data), abs=1e-6)
    assert "the mean target" in named(guess)
    with pytest.raises(ValueError, match="class labels"):
        constant_guess("cross_entropy", data, outputs=1)
