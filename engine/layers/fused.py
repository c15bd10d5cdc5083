"""ReluMaxPool: a relu layer and the max pool after it, run as one step (training speed).

It stands in for the two layers in :meth:`engine.model.Sequential.forward`/``backward`` and
gives exactly their values and gradients (see :mod:`engine.ops.relu_pool`); the per-layer
path (``run_forward``, used by traces) still runs them one by one.
"""

from __future__ import annotations

import numpy as np

from engine.layers.base import Layer
from engine.layers.pool import Pool
from engine.ops import relu_pool


class ReluMaxPool:
    """relu then max pool (size k, stride s) on ``(N, H, W, C)``."""

    def __init__(self, relu: Layer, pool: Pool) -> None:
        self.relu = relu
        self.pool = pool
        self.name = f"{relu.name}+{pool.name}"
        self.kind = "relu+pool"
        self.trainable = False
        self.need_input_grad = True
        self.cache: object = None

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        out, self.cache = relu_pool.forward(x, self.pool.size, self.pool.stride)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        return relu_pool.backward(dout, self.cache) if self.need_input_grad else None


def fusable(first: Layer, second: Layer) -> bool:
    """True for a relu directly followed by a max pool."""
    return (first.kind == "relu" and isinstance(second, Pool) and second.mode == "max")
