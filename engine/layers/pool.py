"""Pool and GlobalPool layers (max/min/avg; first-winner tie rule, see :mod:`engine.ops.pool`)."""

from __future__ import annotations

import numpy as np

from engine.layers.base import Layer
from engine.ops import global_pool, pool


class Pool(Layer):
    """k x k pooling at stride s, channels-last."""

    @property
    def mode(self) -> str:
        return str(self._spec["mode"])

    @property
    def size(self) -> int:
        return int(self._spec["size"])

    @property
    def stride(self) -> int:
        return int(self._spec["stride"])

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        out, self.cache = pool.forward(x, self.mode, self.size, self.stride)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        return pool.backward(dout, self.cache) if self.need_input_grad else None


class GlobalPool(Layer):
    """(N, H, W, C) -> (N, C) by max or mean over the whole map."""

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        out, self.cache = global_pool.forward(x, str(self._spec["mode"]))
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        return global_pool.backward(dout, self.cache) if self.need_input_grad else None
