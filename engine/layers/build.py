"""make_layer: the one place that maps a spec ``type`` to a Layer class."""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.layers.base import Layer
from engine.layers.conv import Conv2D
from engine.layers.dense import Dense
from engine.layers.pool import GlobalPool, Pool
from engine.layers.simple import Activation, Dropout, Flatten, Softmax

CLASSES: dict[str, type[Layer]] = {
    "conv2d": Conv2D, "dense": Dense, "pool": Pool, "global_pool": GlobalPool,
    "relu": Activation, "leaky_relu": Activation, "sigmoid": Activation, "tanh": Activation,
    "linear": Activation,
    "flatten": Flatten, "softmax": Softmax,
}


def make_layer(d: dict[str, Any], rng: np.random.Generator) -> Layer:
    """A parameter-less Layer for one normalized spec dict (init fills W and b)."""
    if d["type"] == "dropout":
        return Dropout(d, rng)
    return CLASSES[d["type"]](d)
