"""Losses and the gradient that starts the backward pass.

``loss_and_grad(kind, out, y, logits=None) -> (loss, dout)``; ``dout`` is what
``Sequential.backward(dout, loss=kind)`` expects:

* ``cross_entropy``: ``out`` are softmax probabilities ``(N, K)``, ``y`` integer labels ``(N,)``.
  ``L = -mean_n log p[n, y_n] = mean_n (logsumexp(z_n) - z[n, y_n])`` with ``z`` the softmax's
  input; fused with the softmax, ``dout = dL/dz = (p - onehot) / N`` (the gradient of the
  softmax's input: nothing divides by a probability).
* ``bce``: ``out`` are sigmoid outputs, ``y`` targets in [0, 1] of the same shape (or integer
  labels, one-hot encoded; against a single output ``(N, 1)``, labels 0/1 are the targets).
  ``L = -mean(y log p + (1 - y) log(1 - p)) = mean(max(z, 0) - z y + log1p(exp(-|z|)))`` with
  ``z`` the sigmoid's input; fused with the sigmoid, ``dout = dL/dz = (p - y) / out.size``.
* ``mse``: ``L = mean((out - y)^2)``, ``dout = dL/dout = 2 (out - y) / out.size``; ``y`` of
  ``out``'s shape or integer labels (one-hot encoded). The RMSE ``sqrt(L)`` goes alongside:
  :func:`rmse`, :func:`report`, ``Evaluation.rmse``, ``EpochRecord.train_rmse/val_rmse``.

The loss value. Pass ``logits`` (the final softmax's / sigmoid's input, of ``out``'s shape:
``Sequential.logits`` after a forward) and the value is computed from them in float64 by the
formulas on the right above: exact for any logits. Without them the value falls back to the
probabilities, ``log(max(p, tiny))`` in float64, which is wrong once a float32 probability has
underflowed to 0 or rounded to 1: every cross-entropy gap above ~104 (float32 ``exp``
underflow) and every BCE logit above ~17 against target 0 (``1 - p`` rounds to 0) then reads
708.4 (``-log(tiny)``), and already before that the rounding of ``p`` shows (BCE logit 16.5
reads 15.94). The gradients are the same either way (from ``out``) and exact.
``logits`` are ignored by ``mse``.
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


def as_targets(out: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``y`` as the losses compare it with ``out`` ``(N, D)``: integer labels one-hot against
    D > 1 outputs, as 0/1 against one output; real targets ``(N, D)`` unchanged."""
    return _targets(out, y)


def _logits64(logits: np.ndarray, out: np.ndarray) -> np.ndarray:
    z = np.asarray(logits)
    if z.shape != out.shape:
        raise ValueError(f"logits of shape {z.shape} do not match outputs {out.shape}")
    return z.astype(np.float64)


def cross_entropy(p: np.ndarray, y: np.ndarray,
                  logits: np.ndarray | None = None) -> tuple[float, np.ndarray]:
    """(-mean log p[n, y_n], (p - onehot) / N); p, logits ``(N, K)``, y ``(N,)`` int.

    With ``logits`` z the value is ``mean_n(logsumexp(z_n) - z[n, y_n])`` in float64."""
    y = np.asarray(y)
    if p.ndim != 2 or y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"cross_entropy needs probabilities (N, K) and integer labels (N,), "
                         f"got {p.shape} and {y.shape} {y.dtype}")
    n = p.shape[0]
    t = _onehot(y, p.shape[1], p.dtype)
    rows = np.arange(n)
    if logits is not None:
        z = _logits64(logits, p)
        m = z.max(axis=1)
        lse = m + np.log(np.exp(z - m[:, None]).sum(axis=1))
        loss = float(np.mean(lse - z[rows, y]))
    else:
        picked = p[rows, y].astype(np.float64)
        loss = float(-np.mean(np.log(np.maximum(picked, np.finfo(np.float64).tiny))))
    return loss, (p - t) / p.dtype.type(n)


def mse(out: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """(mean (out - y)^2, 2 (out - y) / size)."""
    diff = out - _targets(out, y)
    return float(np.mean(diff.astype(np.float64) ** 2)), diff * out.dtype.type(2.0 / out.size)


def bce(p: np.ndarray, y: np.ndarray,
        logits: np.ndarray | None = None) -> tuple[float, np.ndarray]:
    """(-mean(y log p + (1-y) log(1-p)), (p - y) / size) with the sigmoid fused; any shape.

    With ``logits`` z the value is ``mean(max(z, 0) - z y + log1p(exp(-|z|)))`` in float64."""
    t = _targets(p, y)
    t64 = t.astype(np.float64)
    if logits is not None:
        z = _logits64(logits, p)
        loss = np.mean(np.maximum(z, 0) - z * t64 + np.log1p(np.exp(-np.abs(z))))
    else:
        tiny = np.finfo(np.float64).tiny
        p64 = p.astype(np.float64)
        loss = -np.mean(t64 * np.log(np.maximum(p64, tiny))
                        + (1 - t64) * np.log(np.maximum(1 - p64, tiny)))
    return float(loss), (p - t) * p.dtype.type(1.0 / p.size)


def loss_and_grad(kind: str, out: np.ndarray, y: np.ndarray,
                  logits: np.ndarray | None = None) -> tuple[float, np.ndarray]:
    """(loss, dout) for ``kind`` in cross_entropy | mse | bce (see the module docstring);
    ``logits`` (the final softmax's / sigmoid's input) make the value exact."""
    if kind == "cross_entropy":
        return cross_entropy(out, y, logits)
    if kind == "mse":
        return mse(out, y)
    if kind == "bce":
        return bce(out, y, logits)
    raise ValueError(f"unknown loss {kind!r} (known: {', '.join(KINDS)})")


def rmse(kind: str, loss: float | None) -> float | None:
    """sqrt(L) for an mse loss value L (the root of the mean squared error), else None."""
    if kind != "mse" or loss is None:
        return None
    return float(np.sqrt(loss))


def report(kind: str, out: np.ndarray, y: np.ndarray,
           logits: np.ndarray | None = None) -> dict[str, float]:
    """{"loss": L} plus {"rmse": sqrt(L)} for mse."""
    loss, _ = loss_and_grad(kind, out, y, logits)
    result = {"loss": loss}
    root = rmse(kind, loss)
    if root is not None:
        result["rmse"] = root
    return result


def check_pairing(kind: str, last_layer_type: str) -> None:
    """Raise ValueError when a loss cannot start the backward pass of this output layer."""
    if kind not in KINDS:
        raise ValueError(f"unknown loss {kind!r} (known: {', '.join(KINDS)})")
    need = FUSED_WITH.get(kind)
    if need is not None and last_layer_type != need:
        raise ValueError(f"loss {kind} needs a final {need} layer, the model ends in "
                         f"{last_layer_type}")
