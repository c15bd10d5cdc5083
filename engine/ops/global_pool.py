"""Global max or average pooling: ``(N, H, W, C)`` -> ``(N, C)``.

avg: ``out[n, c] = mean_{h,w} x[n, h, w, c]``; max: the maximum, its gradient routed to the
first maximum in row-major (h, w) order (the same tie rule as :mod:`engine.ops.pool`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

Cache = tuple[Any, ...]


def forward(x: np.ndarray, mode: str) -> tuple[np.ndarray, Cache]:
    """out ``(N, C)``; the cache holds the flat winner index for max."""
    n, h, w, c = x.shape
    flat = x.reshape(n, h * w, c)
    if mode == "avg":
        return flat.mean(axis=1), (mode, x.shape, None)
    if mode != "max":
        raise ValueError(f"global_pool mode must be max or avg, got {mode!r}")
    idx = flat.argmax(axis=1)  # argmax returns the first maximum
    out = np.take_along_axis(flat, idx[:, None, :], axis=1)[:, 0, :]
    return out, (mode, x.shape, idx)


def backward(dout: np.ndarray, cache: Cache) -> np.ndarray:
    """dx ``(N, H, W, C)``."""
    mode, shape, idx = cache
    n, h, w, c = shape
    if mode == "avg":
        return np.broadcast_to((dout / (h * w))[:, None, None, :], shape).copy()
    dx = np.zeros((n, h * w, c), dtype=dout.dtype)
    np.put_along_axis(dx, idx[:, None, :], dout[:, None, :], axis=1)
    return dx.reshape(shape)


def forward_reference(x: np.ndarray, mode: str) -> np.ndarray:
    """Loops over samples and channels."""
    n, h, w, c = x.shape
    out = np.zeros((n, c), dtype=x.dtype)
    for i in range(n):
        for j in range(c):
            vals = [x[i, r, q, j] for r in range(h) for q in range(w)]
            out[i, j] = max(vals) if mode == "max" else sum(vals) / (h * w)
    return out


def backward_reference(dout: np.ndarray, x: np.ndarray, mode: str) -> np.ndarray:
    """Loops: avg shares equally; max feeds the first maximum only."""
    n, h, w, c = x.shape
    dx = np.zeros_like(x)
    for i in range(n):
        for j in range(c):
            if mode == "avg":
                dx[i, :, :, j] += dout[i, j] / (h * w)
                continue
            vals = [x[i, r, q, j] for r in range(h) for q in range(w)]
            r, q = divmod(vals.index(max(vals)), w)
            dx[i, r, q, j] += dout[i, j]
    return dx
