"""Dense layer: W ``(in, out)``, b ``(out,)``; ``(N, in) -> (N, out)``."""

from __future__ import annotations

import numpy as np

from engine.layers.base import Layer
from engine.ops import dense


class Dense(Layer):
    """out = x @ W + b."""

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        out, self.cache = dense.forward(x, self.params["W"], self.params["b"])
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        dx, dw, db = dense.backward(dout, self.cache, need_dx=self.need_input_grad,
                                    need_dw=not self.frozen)
        if dw is not None and db is not None:
            self.grads = {"W": dw, "b": db}
        return dx
