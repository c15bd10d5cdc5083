"""Softmax over the last axis of ``(N, K)``: ``p_k = exp(z_k - max z) / sum_j exp(z_j - max z)``.

The backward here is the Jacobian-vector product ``dz = p * (dp - sum_k dp_k p_k)``; it never
divides by a probability. With cross-entropy the model skips it and the loss hands back
``dz = (p - onehot) / N`` directly (see :mod:`engine.losses`).
"""

from __future__ import annotations

import math

import numpy as np


def forward(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """p ``(N, K)``; cache: p."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    return p, p


def backward(dp: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """dz = p * (dp - sum(dp * p))."""
    p = cache
    return p * (dp - (dp * p).sum(axis=1, keepdims=True))


def reference(z: np.ndarray) -> np.ndarray:
    """Row by row with Python's math."""
    out = np.zeros_like(z)
    for i, row in enumerate(z):
        m = max(float(v) for v in row)
        e = [math.exp(float(v) - m) for v in row]
        out[i] = [v / sum(e) for v in e]
    return out
