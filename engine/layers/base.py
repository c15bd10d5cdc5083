"""The Layer base class: naming, parameters, gradients and the pure shape function."""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.spec import Shape, layer_output_shape


class Layer:
    """One layer built from a normalized spec dict.

    ``forward(x, training)`` keeps exactly one cache for the following ``backward(dout)``.
    ``backward`` overwrites ``grads`` (it does not accumulate) and returns dL/dx, or None when
    ``need_input_grad`` is False (the model sets that on its first layer to save work).
    """

    kind: str = ""

    def __init__(self, d: dict[str, Any]) -> None:
        self._spec = dict(d)
        self.name: str = d["name"]
        self.kind = d["type"]
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.frozen: bool = bool(d.get("frozen", False))
        self.need_input_grad = True
        self.cache: Any = None

    def spec(self) -> dict[str, Any]:
        """The normalized spec dict this layer was built from (a copy)."""
        return dict(self._spec)

    def output_shape(self, in_shape: Shape) -> Shape:
        """Output shape for an input of ``in_shape`` (no arrays involved)."""
        return layer_output_shape(self._spec, tuple(in_shape))

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        raise NotImplementedError

    @property
    def trainable(self) -> bool:
        """True when the layer has parameters and is not frozen."""
        return bool(self.params) and not self.frozen

    def zero_grad(self) -> None:
        """Set every gradient to zeros of its parameter's shape."""
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}

    def astype(self, dtype: Any) -> None:
        """Convert parameters (and gradients) to ``dtype`` in place of the old arrays."""
        self.params = {k: v.astype(dtype) for k, v in self.params.items()}
        self.grads = {k: v.astype(dtype) for k, v in self.grads.items()}
        self.cache = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"
