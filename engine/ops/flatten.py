"""Flatten channels-last ``(N, H, W, C)`` to ``(N, C*H*W)`` in NCHW (C, H, W) order.

The public order is NCHW so that a dense weight row ``c*H*W + h*W + w`` means the same
thing whatever layout the engine uses inside. Vectors ``(N, D)`` pass through unchanged.
"""

from __future__ import annotations

import numpy as np


def forward(x: np.ndarray) -> tuple[np.ndarray, tuple[int, ...]]:
    """out ``(N, C*H*W)``; cache: the input shape."""
    if x.ndim == 2:
        return x, x.shape
    return x.transpose(0, 3, 1, 2).reshape(x.shape[0], -1), x.shape


def backward(dout: np.ndarray, cache: tuple[int, ...]) -> np.ndarray:
    """dx with the input's shape (the inverse permutation)."""
    if len(cache) == 2:
        return dout
    n, h, w, c = cache
    return dout.reshape(n, c, h, w).transpose(0, 2, 3, 1)
