"""Losses and the gradient that starts the backward pass.

``loss_and_grad(kind, out, y) -> (loss, dout)``; ``dout`` is what ``Sequential.backward(dout,
loss=kind)`` expects:

* ``cross_entropy``: ``out`` are softmax probabilities ``(N, K)``, ``y`` integer labels ``(N,)``.
  ``L = -mean_n log p[n, y_n]``; fused with the softmax, ``dout = dL/dz = (p - onehot) / N``
  (the gradient of the softmax's input: nothing divides by a probability).
* ``bce``: ``out`` are sigmoid outputs, ``y`` targets in [0, 1] of the same shape (or integer
  labels, one-hot encoded; against a single output ``(N, 1)``, labels 0/1 are the targets).
  ``L = -mean(y log p + (1 - y) log(1 - p))``; fused with the sigmoid,
  ``dout = dL/dz = (p - y) / out.size``.
* ``mse``: ``L = mean((out - y)^2)``, ``dout = dL/dout = 2 (out - y) / out.size``; ``y`` of
  ``out``'s shape or integer labels (one-hot encoded). :func:`report` also gives the RMSE.

The loss value takes ``log(max(p, tiny))`` so a probability that underflowed to 0 gives a
large finite loss, never inf; the gradients are exact.
"""

from __future__ import annotations

from typing import Any

import numpy as np

KINDS = ("cross_entropy", "mse", "bce")
FUSED_WITH = {"cross_entropy": "softmax", "bce": "sigmoid"}


def _onehot(y: np.ndarray, k: int, dtype: Any) -> np.ndarray:
    if y.min() < 0 or y.max() >= k:
        raise ValueError(f"labels must lie in 0..{k - 1}, got {int(y.min())}..{int(y.max())}")
    t = np.zeros((y.shape[0], k), dtype=dtype)
    t[np.arange(y.shape[0]), y] = 1
    return t


def _targets(out: np.ndarray, y: np.ndarray) -> np.ndarray:
    """y as an array of out's shape: integer labels (N,) against (N, K) become one-hot;
    against a single output (N, 1) (two classes, one unit) labels 0/1 are the targets."""
    y = np.asarray(y)
    if out.ndim == 2 and y.ndim == 1 and np.issubdtype(y.dtype, np.integer):
        if y.shape[0] != out.shape[0]:
            raise ValueError(f"{y.shape[0]} labels for {out.shape[0]} outputs")
        if out.shape[1] == 1:
            return _onehot(y, 2, out.dtype)[:, 1:]
        return _onehot(y, out.shape[1], out.dtype)
    if y.shape != out.shape:
        raise ValueError(f"targets of shape {y.shape} do not match outputs {out.shape}")
    return y.astype(out.dtype, copy=False)


def cross_entropy(p: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """(-mean log p[n, y_n], (p - onehot) / N)."""
    y = np.asarray(y)
    if p.ndim != 2 or y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"cross_entropy needs probabilities (N, K) and integer labels (N,), "
                         f"got {p.shape} and {y.shape} {y.dtype}")
    n = p.shape[0]
    t = _onehot(y, p.shape[1], p.dtype)
    picked = p[np.arange(n), y].astype(np.float64)
    loss = float(-np.mean(np.log(np.maximum(picked, np.finfo(np.float64).tiny))))
    return loss, (p - t) / p.dtype.type(n)


def mse(out: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """(mean (out - y)^2, 2 (out - y) / size)."""
    diff = out - _targets(out, y)
    return float(np.mean(diff.astype(np.float64) ** 2)), diff * out.dtype.type(2.0 / out.size)


def bce(p: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """(-mean(y log p + (1-y) log(1-p)), (p - y) / size) with the sigmoid fused."""
    t = _targets(p, y)
    tiny = np.finfo(np.float64).tiny
    p64, t64 = p.astype(np.float64), t.astype(np.float64)
    loss = -np.mean(t64 * np.log(np.maximum(p64, tiny))
                    + (1 - t64) * np.log(np.maximum(1 - p64, tiny)))
    return float(loss), (p - t) * p.dtype.type(1.0 / p.size)


def loss_and_grad(kind: str, out: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """(loss, dout) for ``kind`` in cross_entropy | mse | bce (see the module docstring)."""
    if kind == "cross_entropy":
        return cross_entropy(out, y)
    if kind == "mse":
        return mse(out, y)
    if kind == "bce":
        return bce(out, y)
    raise ValueError(f"unknown loss {kind!r} (known: {', '.join(KINDS)})")


def report(kind: str, out: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """{"loss": L} plus {"rmse": sqrt(L)} for mse."""
    loss, _ = loss_and_grad(kind, out, y)
    result = {"loss": loss}
    if kind == "mse":
        result["rmse"] = float(np.sqrt(loss))
    return result


def check_pairing(kind: str, last_layer_type: str) -> None:
    """Raise ValueError when a loss cannot start the backward pass of this output layer."""
    if kind not in KINDS:
        raise ValueError(f"unknown loss {kind!r} (known: {', '.join(KINDS)})")
    need = FUSED_WITH.get(kind)
    if need is not None and last_layer_type != need:
        raise ValueError(f"loss {kind} needs a final {need} layer, the model ends in "
                         f"{last_layer_type}")
