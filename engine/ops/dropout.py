"""Inverted dropout: in training ``out = x * mask / (1 - rate)``, identity at inference.

The mask is drawn from the caller's ``numpy.random.Generator`` (float64 uniforms, so float32
and float64 models draw identical masks for the same seed).
"""

from __future__ import annotations

import numpy as np


def forward(x: np.ndarray, rate: float, rng: np.random.Generator,
            training: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """out = x * scale with scale = (u >= rate) / (1 - rate), u ~ U[0, 1); cache: scale."""
    if not training or rate == 0:
        return x, None
    keep = rng.random(x.shape) >= rate
    scale = keep.astype(x.dtype) * x.dtype.type(1.0 / (1.0 - rate))
    return x * scale, scale


def backward(dout: np.ndarray, cache: np.ndarray | None) -> np.ndarray:
    """dx = dout * scale (dout itself when dropout was inactive)."""
    return dout if cache is None else dout * cache
