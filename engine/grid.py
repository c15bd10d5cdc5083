"""The lab's heat maps: every neuron of a network over a grid of the 2-D plane.

``evaluate_grid(model, features, extent, size) -> list[GridLayer]`` runs ONE batched forward
(inference mode) of the ``size x size`` points of the extent and keeps every neuron's
output. Cell ``[i, j]`` is the point

    x1 = x1_lo + j (x1_hi - x1_lo) / (S - 1),   x2 = x2_hi - i (x2_hi - x2_lo) / (S - 1)

(row 0 at the top of the plane, both ends included). Returned, in network order: the input
features ``(F, S, S)`` (role ``input``); for each dense layer its neurons ``(units, S, S)``:
the output of the activation right after it (named by that layer), or the dense output
itself when none follows (role ``hidden``); the last entry is the network's output (role
``output``). Values are the model's own forward pass, bit for bit (``model.run_forward``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from engine.datasets.planar import features
from engine.model import Sequential, to_public
from engine.spec import ACTIVATIONS

Extent = tuple[tuple[float, float], tuple[float, float]]
MIN_SIZE, MAX_SIZE = 2, 512


@dataclass(frozen=True)
class GridLayer:
    """One layer's neurons over the grid: values ``(units, S, S)`` float32.

    name: the layer whose output this is (``input`` for the features); dense: the dense
    layer these neurons belong to (None for the input); role: input | hidden | output."""

    name: str
    dense: str | None
    role: str
    values: np.ndarray


def grid_points(extent: Extent, size: int) -> np.ndarray:
    """``(S*S, 2)`` float64 points, row-major over the grid (row 0 = largest x2)."""
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or not (
            MIN_SIZE <= size <= MAX_SIZE):
        raise ValueError(f"grid size must be an integer in {MIN_SIZE}..{MAX_SIZE}, got {size!r}")
    (a0, a1), (b0, b1) = extent
    if not (np.isfinite([a0, a1, b0, b1]).all() and a1 > a0 and b1 > b0):
        raise ValueError(f"extent must be finite with lo < hi on both axes, got {extent}")
    xs = np.linspace(a0, a1, size)
    ys = np.linspace(b1, b0, size)
    gx, gy = np.meshgrid(xs, ys)  # gx[i, j] = xs[j], gy[i, j] = ys[i]
    return np.stack([gx.ravel(), gy.ravel()], axis=1)


def _neuron_layers(model: Sequential) -> list[tuple[int, str]]:
    """(index of the layer whose output is kept, its dense layer's name) per dense layer."""
    picked = []
    layers = model.layers
    for i, layer in enumerate(layers):
        if layer.kind != "dense":
            continue
        nxt = layers[i + 1] if i + 1 < len(layers) else None
        picked.append((i + 1 if nxt is not None and nxt.kind in ACTIVATIONS else i, layer.name))
    return picked


def _as_maps(out: np.ndarray, size: int) -> np.ndarray:
    """(S*S, units) -> (units, S, S)."""
    flat = np.asarray(out).reshape(out.shape[0], -1)
    return np.ascontiguousarray(flat.T.reshape(flat.shape[1], size, size), dtype=np.float32)


def evaluate_grid(model: Sequential, names: Sequence[str], extent: Extent,
                  size: int) -> list[GridLayer]:
    """Every neuron over the ``size x size`` grid of ``extent`` (see the module docstring);
    ``names`` are the features the model's input channels hold."""
    x = features(grid_points(extent, size), names)
    if x.shape[1:] != tuple(model.input_shape):
        raise ValueError(f"{len(names)} features make inputs of shape {x.shape[1:]} but the "
                         f"model takes {tuple(model.input_shape)}")
    acts = model.run_forward(x, training=False)
    result = [GridLayer("input", None, "input", _as_maps(x, size))]
    last = len(model.layers) - 1
    for index, dense in _neuron_layers(model):
        out = to_public(acts[index + 1])
        role = "output" if index == last else "hidden"
        result.append(GridLayer(model.layers[index].name, dense, role, _as_maps(out, size)))
    if result[-1].role != "output":  # something after the last dense (e.g. a dropout)
        result.append(GridLayer(model.layers[last].name, result[-1].dense, "output",
                                _as_maps(to_public(acts[-1]), size)))
    return result
