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
    # The value from the logits: the path the trainer takes, checked against the fused dout.
    return loss_and_grad(loss, out, y, logits=model.logits)[0]


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


ATTEMPTS = 20


def _targets(model: Sequential, y_kind: str, n: int, rng: np.random.Generator,
             scale: float) -> tuple[np.ndarray, Any, np.ndarray, dict[str, np.ndarray]]:
    """Perturb the weights by ``scale`` standard normals, draw x and y; (x, y, dL/dx,
    parameter grads)."""
    init = model.get_weights()
    # Non-zero biases so that every gradient path is exercised.
    model.set_weights({k: v + rng.standard_normal(v.shape) * scale for k, v in init.items()})
    c, h, w = model.input_shape
    x = rng.standard_normal((n, c, h, w))
    out_shape = (n, *model.shapes[-1])
    k = model.shapes[-1][0]
    if y_kind == "linear":
        y: Any = rng.standard_normal(out_shape)
    elif y_kind == "cross_entropy":
        y = rng.integers(0, k, n)
    elif y_kind == "bce":
        y = rng.random(out_shape)
    else:
        y = rng.standard_normal(out_shape)
    dx = analytic(model, x, y, y_kind)
    grads = {k_: g.copy() for k_, g in model.named_grads().items()}
    return x, y, dx, grads


def check_model(spec: dict[str, Any], seed: int = 0, n: int = 2, loss: str = "linear",
                max_entries: int = 40) -> dict[str, float]:
    """Relative errors of every parameter gradient and of dL/dx; asserts each < 1e-6.

    A check where some gradient is zero everywhere (dead ReLUs, say) would pass without
    checking anything there, so weights (perturbed more each time) and data are redrawn
    until every gradient is non-zero somewhere (an AssertionError if that never happens).
    Large arrays are checked at ``max_entries`` entries: half drawn uniformly, half among
    the non-zero analytic ones.
    """
    rng = np.random.default_rng(seed)
    model = build(spec, rng, dtype=np.float64)
    init = model.get_weights()
    for attempt in range(ATTEMPTS):
        model.set_weights(init)
        x, y, dx, grads = _targets(model, loss, n, rng, 0.1 * (1 + attempt))
        if np.any(dx) and all(np.any(g) for g in grads.values()):
            break
    else:
        raise AssertionError(f"some gradient stays zero everywhere in {spec}")
    errors = {}
    targets = [("x", x, dx)] + [(name, model.named_params()[name], g)
                                for name, g in grads.items()]
    for name, arr, g in targets:
        idx = _indices(g, rng, max_entries)
        num = numeric_grad(lambda: loss_value(model, x, y, loss), arr, indices=idx)
        got = g if idx is None else np.array([g[i] for i in idx])
        want = num if idx is None else np.array([num[i] for i in idx])
        errors[name] = rel_error(got, want)
        assert np.linalg.norm(want) > 0 or np.linalg.norm(got) == 0, name
    bad = {k_: e for k_, e in errors.items() if not e < 1e-6}
    assert not bad, f"gradient check failed for {bad} in {spec}"
    return errors


def _indices(g: np.ndarray, rng: np.random.Generator,
             count: int) -> list[tuple[int, ...]] | None:
    """None (every entry) when g is small; else up to ``count`` distinct entries, half
    uniformly drawn and the rest among the entries where g is non-zero."""
    if g.size <= count:
        return None
    uniform = sample_indices(g.shape, rng, (count + 1) // 2)
    assert uniform is not None
    chosen = set(uniform)
    nonzero = [tuple(int(i) for i in ix) for ix in np.argwhere(g != 0)]
    rest = [ix for ix in nonzero if ix not in chosen]
    if rest:
        pick = rng.choice(len(rest), min(count - len(chosen), len(rest)), replace=False)
        chosen.update(rest[int(i)] for i in pick)
    return sorted(chosen)
