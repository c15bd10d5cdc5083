"""Element-wise activations, any shape: relu, leaky_relu, sigmoid, tanh, linear.

relu ``max(x, 0)`` (gradient 0 at x = 0); leaky_relu ``x if x > 0 else slope*x``;
sigmoid ``1 / (1 + exp(-x))`` computed from ``e = exp(-|x|)`` (no overflow, full relative
precision on both tails);
tanh; linear ``x`` (the identity, gradient 1). Each backward is ``dout * f'(x)``, with f'
written from the cached output where possible.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def relu_forward(x: np.ndarray) -> tuple[np.ndarray, Any]:
    """out = max(x, 0); cache: the output."""
    out = np.maximum(x, 0)
    return out, out


def relu_backward(dout: np.ndarray, cache: Any) -> np.ndarray:
    """dx = dout where x > 0 else 0."""
    return np.where(cache > 0, dout, 0).astype(dout.dtype, copy=False)


def leaky_relu_forward(x: np.ndarray, slope: float) -> tuple[np.ndarray, Any]:
    """out = x if x > 0 else slope * x; cache: (x > 0 mask, slope)."""
    pos = x > 0
    return np.where(pos, x, x * slope).astype(x.dtype, copy=False), (pos, slope)


def leaky_relu_backward(dout: np.ndarray, cache: Any) -> np.ndarray:
    """dx = dout if x > 0 else slope * dout."""
    pos, slope = cache
    return np.where(pos, dout, dout * slope).astype(dout.dtype, copy=False)


def sigmoid_forward(x: np.ndarray) -> tuple[np.ndarray, Any]:
    """out = 1 / (1 + e) for x >= 0, e / (1 + e) otherwise, e = exp(-|x|); cache: out."""
    e = np.exp(-np.abs(x))
    out = np.where(x >= 0, 1, e) / (1 + e)
    out = out.astype(x.dtype, copy=False)
    return out, out


def sigmoid_backward(dout: np.ndarray, cache: Any) -> np.ndarray:
    """dx = dout * s * (1 - s)."""
    return (dout * cache * (1 - cache)).astype(dout.dtype, copy=False)


def tanh_forward(x: np.ndarray) -> tuple[np.ndarray, Any]:
    """out = tanh(x); cache: the output."""
    out = np.tanh(x)
    return out, out


def tanh_backward(dout: np.ndarray, cache: Any) -> np.ndarray:
    """dx = dout * (1 - tanh(x)^2)."""
    return dout * (1 - cache * cache)


def linear_forward(x: np.ndarray) -> tuple[np.ndarray, Any]:
    """out = x (a copy, so that a caller changing it leaves the input alone); no cache."""
    return x.copy(), None


def linear_backward(dout: np.ndarray, cache: Any) -> np.ndarray:
    """dx = dout (f'(x) = 1)."""
    return dout.copy()


def reference(kind: str, x: np.ndarray, slope: float = 0.01) -> np.ndarray:
    """Element by element with Python's math, the textbook definitions."""
    import math

    def f(v: float) -> float:
        if kind == "relu":
            return v if v > 0 else 0.0
        if kind == "leaky_relu":
            return v if v > 0 else slope * v
        if kind == "sigmoid":
            return 1.0 / (1.0 + math.exp(-v)) if v >= 0 else math.exp(v) / (1.0 + math.exp(v))
        if kind == "linear":
            return v
        return math.tanh(v)

    flat = [f(float(v)) for v in x.ravel()]
    return np.array(flat, dtype=x.dtype).reshape(x.shape)
