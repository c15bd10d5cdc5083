"""Fused steps for training speed: relu + max pool, and conv + relu + max pool (size = stride).

Each stands in for its layers in :meth:`engine.model.Sequential.forward`/``backward`` and
gives their values and gradients (see :mod:`engine.ops.relu_pool` and
:mod:`engine.ops.conv_relu_pool`); the per-layer path (``run_forward``, used by traces)
still runs them one by one.
"""

from __future__ import annotations

import numpy as np

from engine.layers.base import Layer
from engine.layers.conv import Conv2D
from engine.layers.pool import Pool
from engine.ops import conv_relu_pool, relu_pool


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


class ConvReluMaxPool:
    """conv2d, relu, then a max pool whose size equals its stride."""

    def __init__(self, conv: Conv2D, relu: Layer, pool: Pool) -> None:
        self.conv = conv
        self.pool = pool
        self.name = f"{conv.name}+{relu.name}+{pool.name}"
        self.kind = "conv+relu+pool"
        self.need_input_grad = True
        self.cache: object = None

    @property
    def trainable(self) -> bool:
        return self.conv.trainable

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        c = self.conv
        out, self.cache = conv_relu_pool.forward(x, c.params["W"], c.params["b"], c.stride,
                                                 c.padding, self.pool.size)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        dx, dw, db = conv_relu_pool.backward(dout, self.cache, need_dx=self.need_input_grad,
                                             need_dw=not self.conv.frozen)
        if dw is not None and db is not None:
            self.conv.grads = {"W": dw, "b": db}
        return dx


def fusable3(first: Layer, second: Layer, third: Layer) -> bool:
    """True for conv2d, relu, then a max pool with size == stride."""
    return (isinstance(first, Conv2D) and fusable(second, third)
            and isinstance(third, Pool) and third.size == third.stride)
