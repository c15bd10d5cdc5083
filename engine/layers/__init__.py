"""Layer objects: thin, stateful wrappers around :mod:`engine.ops`.

Every layer has ``name``, ``kind``, ``params`` (``W``, ``b`` in the public NCHW layouts),
``grads``, ``frozen``, ``forward(x, training) -> out``, ``backward(dout) -> dx``,
``output_shape(in_shape)`` (pure, shapes ``(C, H, W)`` or ``(D,)``) and ``spec()``.

Inside the engine images travel channels-last, ``(N, H, W, C)``; :class:`engine.model.Sequential`
converts from and to NCHW at its edges.
"""

from engine.layers.base import Layer
from engine.layers.build import make_layer

__all__ = ["Layer", "make_layer"]
