"""Weight initialisation from an explicit ``numpy.random.Generator``.

He (normal, ``std = sqrt(2 / ((1 + a^2) fan_in))``, ``a`` the leaky slope or 0) for a conv or
dense layer whose next activation is in the ReLU family; Glorot (uniform,
``limit = sqrt(6 / (fan_in + fan_out))``) otherwise. Biases start at zero.
fan_in = C*k*k, fan_out = F*k*k for conv; in, out for dense. Layers draw in spec order.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from engine import layer_types
from engine.spec import ACTIVATIONS, RELU_FAMILY, Shape

PASS_THROUGH = layer_types.names_where(pass_through=True)


def next_activation(layers: list[dict[str, Any]], i: int) -> dict[str, Any] | None:
    """The first activation after layer i, skipping pooling, flatten and dropout."""
    for d in layers[i + 1:]:
        if d["type"] in ACTIVATIONS:
            return d
        if d["type"] not in PASS_THROUGH:
            return None
    return None


def weight_shape(d: dict[str, Any], in_shape: Shape) -> tuple[int, ...]:
    """conv W (F, C, k, k); dense W (in, out)."""
    if d["type"] == "conv2d":
        return (d["filters"], in_shape[0], d["kernel"], d["kernel"])
    return (in_shape[0], d["units"])


def fans(d: dict[str, Any], in_shape: Shape) -> tuple[int, int]:
    """(fan_in, fan_out) of a conv or dense layer."""
    if d["type"] == "conv2d":
        k2 = d["kernel"] ** 2
        return in_shape[0] * k2, d["filters"] * k2
    return in_shape[0], d["units"]


def init_weight(d: dict[str, Any], in_shape: Shape, act: dict[str, Any] | None,
                rng: np.random.Generator, dtype: Any) -> np.ndarray:
    """He normal before the ReLU family, Glorot uniform otherwise (drawn in float64)."""
    shape = weight_shape(d, in_shape)
    fan_in, fan_out = fans(d, in_shape)
    if act is not None and act["type"] in RELU_FAMILY:
        slope = act.get("slope", 0.0)  # a rectifier's negative slope (0 for relu)
        std = math.sqrt(2.0 / ((1.0 + slope ** 2) * fan_in))
        w = rng.standard_normal(shape) * std
    else:
        limit = math.sqrt(6.0 / (fan_in + fan_out))
        w = rng.uniform(-limit, limit, shape)
    return w.astype(dtype)


def init_params(spec: dict[str, Any], shapes: list[Shape], rng: np.random.Generator,
                dtype: Any = np.float32) -> dict[str, dict[str, np.ndarray]]:
    """{layer name: {"W", "b"}} for every conv/dense of a normalized spec.

    ``shapes[i]`` is layer i's input shape.
    """
    layers = spec["layers"]
    out: dict[str, dict[str, np.ndarray]] = {}
    for i, d in enumerate(layers):
        if not layer_types.get(d["type"]).params:
            continue
        w = init_weight(d, shapes[i], next_activation(layers, i), rng, dtype)
        b = np.zeros(w.shape[0] if d["type"] == "conv2d" else w.shape[1], dtype=dtype)
        out[d["name"]] = {"W": w, "b": b}
    return out
