"""Conv2D layer: W ``(F, C, k, k)``, b ``(F,)``; ``(N, H, W, C) -> (N, Ho, Wo, F)`` inside."""

from __future__ import annotations

import numpy as np

from engine.layers.base import Layer
from engine.ops import conv
from engine.spec import resolve_padding


class Conv2D(Layer):
    """out = conv(x, W) + b (see :mod:`engine.ops.conv`)."""

    @property
    def kernel(self) -> int:
        return int(self._spec["kernel"])

    @property
    def stride(self) -> int:
        return int(self._spec["stride"])

    @property
    def padding(self) -> int:
        return resolve_padding(self._spec["padding"], self.kernel, self.stride)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        out, self.cache = conv.forward(x, self.params["W"], self.params["b"], self.stride,
                                       self.padding)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        dx, dw, db = conv.backward(dout, self.cache, need_dx=self.need_input_grad,
                                   need_dw=not self.frozen)
        if dw is not None and db is not None:
            self.grads = {"W": dw, "b": db}
        return dx
