"""One neuron: ``y = f(z)``, ``z = sum_i w_i x_i + b``, with every product, f'(z) and the curve.

The weighted sum is the engine's own: a float64 model ``[flatten, dense 1]`` whose dense unit
``engine.trace.dense_unit`` takes apart (inputs, weights, products, sum, bias). f and f' come
from :mod:`engine.lab.activations`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from engine.lab import activations
from engine.model import build
from engine.trace import dense_unit


@dataclass
class NeuronResult:
    """Everything the neuron view shows; lists have one entry per input.

    ``derivative`` is f'(z), None for the binary step (forward only, ``note`` says why);
    ``curve_z``, ``curve_f``, ``curve_df`` sample f and f' around z (f' of the step drawn as 0).
    """

    inputs: list[float]
    weights: list[float]
    products: list[float]
    weighted_sum: float
    bias: float
    z: float
    activation: str
    label: str
    formula: str
    derivative_formula: str | None
    slope: float
    output: float
    derivative: float | None
    trainable: bool
    note: str | None
    curve_z: list[float]
    curve_f: list[float]
    curve_df: list[float]


def neuron(x: Sequence[float], w: Sequence[float], b: float, activation: str,
           slope: float = 0.01, points: int = 241) -> NeuronResult:
    """``x``, ``w`` of the same length n >= 1, bias ``b``; ValueError for an unknown
    activation or lengths that differ."""
    xs = np.asarray(x, dtype=np.float64)
    ws = np.asarray(w, dtype=np.float64)
    if xs.ndim != 1 or xs.shape != ws.shape or xs.size == 0:
        raise ValueError(f"x and w must be lists of the same length >= 1, got {xs.shape} "
                         f"and {ws.shape}")
    act = activations.get(activation, slope)
    n = xs.size
    model = build({"input": {"channels": n, "height": 1, "width": 1},
                   "layers": [{"type": "flatten"}, {"type": "dense", "units": 1}]},
                  np.random.default_rng(0), dtype=np.float64)
    model.set_weights({"dense1.W": ws.reshape(n, 1), "dense1.b": np.array([float(b)])})
    unit = dense_unit(model, "dense1", xs.reshape(n, 1, 1), 0)
    z = float(unit.pre_activation)
    zs, fs, dfs = activations.curve(activation, z, points, slope)
    trainable = act.derivative_formula is not None
    return NeuronResult(
        inputs=[float(v) for v in unit.inputs], weights=[float(v) for v in unit.weights],
        products=[float(v) for v in unit.products], weighted_sum=float(unit.weighted_sum),
        bias=float(unit.bias), z=z, activation=act.name, label=act.label,
        formula=act.formula, derivative_formula=act.derivative_formula, slope=float(slope),
        output=float(act.f(np.array([z]))[0]),
        derivative=float(act.df(np.array([z]))[0]) if trainable else None,
        trainable=trainable, note=None if trainable else activations.STEP_NOTE,
        curve_z=zs.tolist(), curve_f=fs.tolist(), curve_df=dfs.tolist())
