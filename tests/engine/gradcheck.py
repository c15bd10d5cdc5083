"""Finite-difference gradient check of a whole model in float64."""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.losses import loss_and_grad
from engine.model import Sequential, build
from tests.engine.helpers import numeric_grad, rel_error, sample_indices

DROPOUT_SEED = 1234


def _reseed_dropout(model: Sequential) -> None:
    for layer in model.layers:
        if layer.kind == "dropout":
            layer.rng = np.random.default_rng(DROPOUT_SEED)  # type: ignore[attr-defined]


def loss_value(model: Sequential, x: np.ndarray, y: Any, loss: str) -> float:
    """The scalar under test: a real loss, or "linear" = sum(out * y) for a fixed y."""
    _reseed_dropout(model)
    out = model.forward(x, training=True)
    if loss == "linear":
        return float(np.sum(out * y))
    return loss_and_grad(loss, out, y)[0]


def analytic(model: Sequential, x: np.ndarray, y: Any, loss: str) -> np.ndarray:
    """Fills the model's grads and returns dL/dx."""
    _reseed_dropout(model)
    out = model.forward(x, training=True)
    if loss == "linear":
        dx = model.backward(np.asarray(y), input_grad=True)
    else:
        dx = model.backward(loss_and_grad(loss, out, y)[1], loss=loss, input_grad=True)
    assert dx is not None
    return dx


def check_model(spec: dict[str, Any], seed: int = 0, n: int = 2, loss: str = "linear",
                max_entries: int = 40) -> dict[str, float]:
    """Relative errors of every parameter gradient and of dL/dx; asserts each < 1e-6."""
    rng = np.random.default_rng(seed)
    model = build(spec, rng, dtype=np.float64)
    # Non-zero biases so that every gradient path is exercised.
    for p in model.named_params().values():
        p += rng.standard_normal(p.shape) * 0.1
    c, h, w = model.input_shape
    x = rng.standard_normal((n, c, h, w))
    out_shape = (n, *model.shapes[-1])
    k = model.shapes[-1][0]
    if loss == "linear":
        y: Any = rng.standard_normal(out_shape)
    elif loss == "cross_entropy":
        y = rng.integers(0, k, n)
    elif loss == "bce":
        y = rng.random(out_shape)
    else:
        y = rng.standard_normal(out_shape)
    dx = analytic(model, x, y, loss)
    grads = {k_: g.copy() for k_, g in model.named_grads().items()}
    errors = {}
    targets = [("x", x, dx)] + [(name, model.named_params()[name], g)
                                for name, g in grads.items()]
    for name, arr, g in targets:
        idx = sample_indices(arr.shape, rng, max_entries)
        num = numeric_grad(lambda: loss_value(model, x, y, loss), arr, indices=idx)
        got = g if idx is None else np.array([g[i] for i in idx])
        want = num if idx is None else np.array([num[i] for i in idx])
        errors[name] = rel_error(got, want)
        assert np.linalg.norm(want) > 0 or np.linalg.norm(got) == 0, name
    bad = {k_: e for k_, e in errors.items() if not e < 1e-6}
    assert not bad, f"gradient check failed for {bad} in {spec}"
    return errors
