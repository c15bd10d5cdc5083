"""The activations the neuron view offers, each as f(z) and f'(z) on any array of z.

sigmoid, tanh, relu and leaky relu are the engine's own ops (``engine.ops.activations``):
``f(z) = forward(z)`` and ``f'(z) = backward(ones, cache)``. Two are defined here:
``linear`` (f(z) = z, f'(z) = 1) and ``step`` (binary step: f(z) = 1 if z >= 0 else 0),
which is forward only: its derivative is 0 for every z != 0 and does not exist at 0, so a
gradient through it is always 0 and gradient descent cannot change a weight before it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine.ops import activations as ops

NAMES = ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "step")
STEP_NOTE = ("The binary step cannot be trained by gradients: its derivative is 0 for every "
             "z other than 0 (and does not exist at 0), so every gradient that passes "
             "through it is 0 and gradient descent never changes the weights before it.")


@dataclass(frozen=True)
class Activation:
    """``name``, its formula and derivative as text, and f, f' on float64 arrays
    (``derivative_formula`` None: forward only)."""

    name: str
    label: str
    formula: str
    derivative_formula: str | None
    f: Callable[[np.ndarray], np.ndarray]
    df: Callable[[np.ndarray], np.ndarray]


def _from_op(forward: Callable[..., tuple[np.ndarray, object]],
             backward: Callable[[np.ndarray, object], np.ndarray],
             *args: float) -> tuple[Callable[[np.ndarray], np.ndarray],
                                    Callable[[np.ndarray], np.ndarray]]:
    def f(z: np.ndarray) -> np.ndarray:
        return forward(np.asarray(z, dtype=np.float64), *args)[0]

    def df(z: np.ndarray) -> np.ndarray:
        z = np.asarray(z, dtype=np.float64)
        _, cache = forward(z, *args)
        return backward(np.ones_like(z), cache)

    return f, df


def get(name: str, slope: float = 0.01) -> Activation:
    """The activation called ``name`` (one of :data:`NAMES`; ValueError otherwise);
    ``slope`` is leaky relu's slope for z < 0."""
    if name == "linear":
        return Activation(name, "linear (identity)", "f(z) = z", "f′(z) = 1",
                          lambda z: np.asarray(z, dtype=np.float64).copy(),
                          lambda z: np.ones_like(np.asarray(z, dtype=np.float64)))
    if name == "sigmoid":
        f, df = _from_op(ops.sigmoid_forward, ops.sigmoid_backward)
        return Activation(name, "sigmoid", "f(z) = 1 / (1 + e^(−z))",
                          "f′(z) = f(z) (1 − f(z))", f, df)
    if name == "tanh":
        f, df = _from_op(ops.tanh_forward, ops.tanh_backward)
        return Activation(name, "tanh", "f(z) = tanh z", "f′(z) = 1 − tanh² z", f, df)
    if name == "relu":
        f, df = _from_op(ops.relu_forward, ops.relu_backward)
        return Activation(name, "ReLU", "f(z) = max(z, 0)", "f′(z) = 1 if z > 0, else 0",
                          f, df)
    if name == "leaky_relu":
        f, df = _from_op(ops.leaky_relu_forward, ops.leaky_relu_backward, slope)
        return Activation(name, "leaky ReLU", f"f(z) = z if z > 0, else {slope:g} z",
                          f"f′(z) = 1 if z > 0, else {slope:g}", f, df)
    if name == "step":
        return Activation(name, "binary step", "f(z) = 1 if z ≥ 0, else 0", None,
                          lambda z: (np.asarray(z, dtype=np.float64) >= 0).astype(np.float64),
                          lambda z: np.zeros_like(np.asarray(z, dtype=np.float64)))
    raise ValueError(f"unknown activation {name!r} (known: {', '.join(NAMES)})")


def curve_range(z: float) -> tuple[float, float]:
    """The z interval the curve is drawn over: [-6, 6], widened to keep z inside with a
    margin of a tenth of the width."""
    half = max(6.0, abs(z) * 1.1 + 0.5)
    return -half, half


def curve(name: str, z: float, points: int = 241,
          slope: float = 0.01) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(zs (points,), f(zs), f'(zs))`` over :func:`curve_range` of ``z``. For the step,
    f' is drawn as 0 (its value everywhere but at 0)."""
    act = get(name, slope)
    lo, hi = curve_range(z)
    zs = np.linspace(lo, hi, points)
    return zs, act.f(zs), act.df(zs)
