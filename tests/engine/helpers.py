"""Shared test helpers: finite differences in float64 and small specs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

EPS = 1e-6
TOL = 1e-6


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """||a - b|| / (||a|| + ||b||), 0 when both are zero."""
    num = float(np.linalg.norm(np.asarray(a) - np.asarray(b)))
    den = float(np.linalg.norm(a) + np.linalg.norm(b))
    return 0.0 if den == 0 else num / den


def numeric_grad(f: Callable[[], float], arr: np.ndarray, eps: float = EPS,
                 indices: list[tuple[int, ...]] | None = None) -> np.ndarray:
    """Central differences of f() with respect to arr (changed in place and restored).

    With ``indices`` only those entries are computed (the rest stay 0).
    """
    assert arr.dtype == np.float64, "finite differences need float64"
    grad = np.zeros_like(arr)
    idx_list = indices if indices is not None else list(np.ndindex(arr.shape))
    for idx in idx_list:
        old = arr[idx]
        arr[idx] = old + eps
        fp = f()
        arr[idx] = old - eps
        fm = f()
        arr[idx] = old
        grad[idx] = (fp - fm) / (2 * eps)
    return grad


def sample_indices(shape: tuple[int, ...], rng: np.random.Generator,
                   count: int) -> list[tuple[int, ...]] | None:
    """Up to ``count`` distinct random indices of ``shape`` (None = all when small)."""
    size = int(np.prod(shape))
    if size <= count:
        return None
    flat = rng.choice(size, count, replace=False)
    return [tuple(int(i) for i in np.unravel_index(k, shape)) for k in flat]


def spec_of(channels: int, height: int, width: int, *layers: dict[str, Any]) -> dict[str, Any]:
    """A spec dict with the given input block and layers."""
    return {"input": {"channels": channels, "height": height, "width": width},
            "layers": list(layers)}


TINY_CNN = {"input": {"channels": 1, "height": 28, "width": 28}, "layers": [
    {"type": "conv2d", "filters": 8, "kernel": 3, "stride": 1, "padding": 1}, {"type": "relu"},
    {"type": "pool", "mode": "max", "size": 2, "stride": 2}, {"type": "flatten"},
    {"type": "dense", "units": 10}, {"type": "softmax"}]}  # fmt: skip


def train_on_shipped_mnist(spec: dict[str, Any], count: int, epochs: int) -> Any:
    """``spec`` built with seed 0 and trained with Adam (lr 0.005, batches of 50) for
    ``epochs`` epochs on the first ``count`` shipped MNIST digits: a network that reads digits,
    for tests of what it sees."""
    from engine.datasets import mnist
    from engine.losses import loss_and_grad
    from engine.model import build
    from engine.optimizers import make_optimizer

    rng = np.random.default_rng(0)
    model = build(spec, rng)
    opt = make_optimizer("adam", 0.005)
    ds = mnist.load_shipped()
    x, y = ds.images[:count], ds.labels[:count]
    for _ in range(epochs):
        order = rng.permutation(len(y))
        for i in range(0, len(y), 50):
            idx = order[i : i + 50]
            _, dout = loss_and_grad("cross_entropy", model.forward(x[idx], training=True), y[idx])
            model.zero_grad()
            model.backward(dout, loss="cross_entropy")
            opt.step(model.trainable_params(), model.named_grads())
    return model
