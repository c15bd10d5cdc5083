"""Parameter-free layers: activations, flatten, dropout, softmax."""

from __future__ import annotations

from typing import Any

import numpy as np

from engine import layer_types
from engine.layers.base import Layer
from engine.ops import dropout, flatten, softmax


class Activation(Layer):
    """An element-wise activation (relu, sigmoid, ...) on any shape: the op pair of its type
    in :mod:`engine.layer_types`, called with the layer's own fields (a leaky slope)."""

    def __init__(self, d: dict[str, Any]) -> None:
        super().__init__(d)
        self._type = layer_types.get(self.kind)
        assert self._type.elementwise, f"{self.kind} is not an element-wise activation"
        self._args = layer_types.op_args(d)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        out, self.cache = self._type.forward()(x, **self._args)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        if not self.need_input_grad:
            return None
        return self._type.backward()(dout, self.cache)


class Flatten(Layer):
    """(N, H, W, C) -> (N, C*H*W) in NCHW order."""

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        out, self.cache = flatten.forward(x)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        return flatten.backward(dout, self.cache) if self.need_input_grad else None


class Dropout(Layer):
    """Inverted dropout, active only when ``training``; masks come from ``self.rng``."""

    def __init__(self, d: dict[str, Any], rng: np.random.Generator) -> None:
        super().__init__(d)
        self.rng = rng

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        out, self.cache = dropout.forward(x, float(self._spec["rate"]), self.rng, training)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        return dropout.backward(dout, self.cache) if self.need_input_grad else None


class Softmax(Layer):
    """Softmax over classes; with cross-entropy the model skips this backward (fused)."""

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        out, self.cache = softmax.forward(x)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        return softmax.backward(dout, self.cache) if self.need_input_grad else None
