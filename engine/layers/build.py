"""make_layer: the one place that maps a spec ``type`` to a Layer class.

Every element-wise activation of :mod:`engine.layer_types` is an :class:`Activation` running
its table op; the other types have a class of their own here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engine import layer_types
from engine.layers.base import Layer
from engine.layers.conv import Conv2D
from engine.layers.dense import Dense
from engine.layers.pool import GlobalPool, Pool
from engine.layers.simple import Activation, Dropout, Flatten, Softmax

# The class of each type that is not an element-wise activation (its code, not its facts).
CLASSES: dict[str, type[Layer]] = {
    "conv2d": Conv2D,
    "dense": Dense,
    "pool": Pool,
    "global_pool": GlobalPool,
    "flatten": Flatten,
    "softmax": Softmax,
}


def make_layer(d: dict[str, Any], rng: np.random.Generator) -> Layer:
    """A parameter-less Layer for one normalized spec dict (init fills W and b)."""
    if d["type"] == "dropout":
        return Dropout(d, rng)
    if layer_types.get(d["type"]).elementwise:
        return Activation(d)
    return CLASSES[d["type"]](d)
