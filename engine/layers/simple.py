"""Parameter-free layers: activations, flatten, dropout, softmax."""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.layers.base import Layer
from engine.ops import activations as act
from engine.ops import dropout, flatten, softmax


class Activation(Layer):
    """relu, leaky_relu, sigmoid, tanh or linear (identity), element-wise on any shape."""

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        if self.kind == "relu":
            out, self.cache = act.relu_forward(x)
        elif self.kind == "leaky_relu":
            out, self.cache = act.leaky_relu_forward(x, float(self._spec["slope"]))
        elif self.kind == "sigmoid":
            out, self.cache = act.sigmoid_forward(x)
        elif self.kind == "linear":
            out, self.cache = act.linear_forward(x)
        else:
            out, self.cache = act.tanh_forward(x)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        if not self.need_input_grad:
            return None
        back = {"relu": act.relu_backward, "leaky_relu": act.leaky_relu_backward,
                "sigmoid": act.sigmoid_backward, "tanh": act.tanh_backward,
                "linear": act.linear_backward}[self.kind]
        return back(dout, self.cache)


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
