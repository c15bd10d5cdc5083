"""Fully connected layer: x ``(N, D)``, w ``(D, U)``, b ``(U,)``; ``out = x @ w + b``."""

from __future__ import annotations

from typing import Any

import numpy as np


def forward(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, Any]:
    """out ``(N, U)`` = x @ w + b; cache: (x, w)."""
    out = x @ w
    out += b
    return out, (x, w)


def backward(dout: np.ndarray, cache: Any, need_dx: bool = True,
             need_dw: bool = True) -> tuple[np.ndarray | None, np.ndarray | None,
                                            np.ndarray | None]:
    """(dx = dout @ w^T, dw = x^T @ dout, db = 1^T @ dout); None where not asked for."""
    x, w = cache
    dx = dout @ w.T if need_dx else None
    dw = db = None
    if need_dw:
        dw = x.T @ dout
        db = np.ones(dout.shape[0], dtype=dout.dtype) @ dout
    return dx, dw, db


def forward_reference(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """out[n, u] = b[u] + sum_d x[n, d] w[d, u], looped."""
    n, d = x.shape
    u = w.shape[1]
    out = np.zeros((n, u), dtype=x.dtype)
    for i in range(n):
        for j in range(u):
            out[i, j] = b[j] + sum(x[i, k] * w[k, j] for k in range(d))
    return out
