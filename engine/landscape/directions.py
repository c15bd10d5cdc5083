"""Directions for a loss surface: filter-normalised random ones, or the trajectory's PCA.

Directions are dicts named like ``model.named_params()`` (NCHW layouts: conv W
``(F, C, k, k)``, dense W ``(in, out)``).

Random (Li et al., 2018, "Visualizing the Loss Landscape of Neural Nets"): draw
``d ~ N(0, 1)`` for every weight, then for each filter ``i`` (conv output channel
``W[i]``, dense output unit ``W[:, i]``) rescale ``d_i <- d_i * ||w_i|| / ||d_i||``; bias
directions are zero. A step of 1 along ``d`` then moves each filter by its own norm.

PCA: the trajectory ``theta_0 .. theta_T`` (epoch snapshots, or within-epoch checkpoints)
flattened to rows, centred by their mean, ``U S V^T = svd(M)``; the directions are the first
two rows of ``V^T`` (unit vectors) and the share of variance each explains is
``S_k^2 / sum_j S_j^2`` (sorted, summing to at most 1). Signs are chosen so that the oldest
point lies on the negative side (training moves towards +).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Weights = dict[str, np.ndarray]


@dataclass
class Plane:
    """Two directions through the current weights.

    kind: "random" | "pca"; explained ``(2,)`` variance shares for PCA, None for random.
    """

    kind: str
    d1: Weights
    d2: Weights
    explained: np.ndarray | None = None


def _filter_axes(name: str, w: np.ndarray) -> tuple[int, ...]:
    """Axes summed for one filter's norm: conv W (F, C, k, k) -> (1, 2, 3); dense W
    (in, out) -> (0,)."""
    if w.ndim == 4:
        return (1, 2, 3)
    if w.ndim == 2:
        return (0,)
    raise ValueError(f"{name}: cannot find filters in a weight of shape {w.shape}")


def filter_normalize(direction: Weights, weights: Weights) -> Weights:
    """Each filter of ``direction`` rescaled to the norm of the same filter of ``weights``;
    biases (names not ending ``.W``) zeroed. Returns new arrays."""
    out = {}
    for name, w in weights.items():
        d = np.asarray(direction[name], dtype=np.float64)
        if not name.endswith(".W"):
            out[name] = np.zeros_like(w)
            continue
        axes = _filter_axes(name, w)
        w_norm = np.sqrt(np.sum(np.asarray(w, dtype=np.float64) ** 2, axis=axes, keepdims=True))
        d_norm = np.sqrt(np.sum(d ** 2, axis=axes, keepdims=True))
        scale = np.divide(w_norm, d_norm, out=np.zeros_like(d_norm), where=d_norm > 0)
        out[name] = (d * scale).astype(w.dtype)
    return out


def random_plane(weights: Weights, seed: int, frozen: frozenset[str] = frozenset()) -> Plane:
    """Two filter-normalised Gaussian directions drawn from ``default_rng(seed)``
    (parameters in sorted-name order, d1 then d2). Parameters named in ``frozen`` (layers
    training does not move) get zero directions, so the plane lies in the space the optimiser
    explores; the other parameters' directions are the same as without ``frozen``."""
    rng = np.random.default_rng(seed)
    names = sorted(weights)
    raw = [{k: rng.standard_normal(weights[k].shape) for k in names} for _ in range(2)]
    d1, d2 = ({k: np.zeros_like(v) if k in frozen else v
               for k, v in filter_normalize(r, weights).items()} for r in raw)
    return Plane("random", d1, d2, None)


def flatten(weights: Weights, names: list[str]) -> np.ndarray:
    """(P,) float64 concatenation of ``weights[name].ravel()`` in ``names`` order."""
    return np.concatenate([np.asarray(weights[k], dtype=np.float64).ravel() for k in names])


def unflatten(vector: np.ndarray, like: Weights, names: list[str]) -> Weights:
    """Inverse of :func:`flatten`, with ``like``'s shapes and dtypes."""
    out, at = {}, 0
    for k in names:
        size = like[k].size
        out[k] = vector[at:at + size].reshape(like[k].shape).astype(like[k].dtype)
        at += size
    return out


def pca_plane(trajectory: list[Weights], center: Weights) -> Plane:
    """First two principal components of ``trajectory`` (at least three distinct points)."""
    if len(trajectory) < 3:
        raise ValueError(f"PCA needs at least three points on the weight trajectory, got "
                         f"{len(trajectory)}: train a few batches first")
    names = sorted(center)
    rows = np.stack([flatten(t, names) for t in trajectory])
    rows -= rows.mean(axis=0)
    _, s, vt = np.linalg.svd(rows, full_matrices=False)
    var = s ** 2
    total = var.sum()
    if len(var) < 2 or not total > 0 or not var[1] > total * 1e-12:
        raise ValueError("the weight trajectory spans fewer than two directions (the weights "
                         "hardly moved): train on before asking for a PCA surface")
    dirs = []
    for k in range(2):
        v = vt[k]
        if rows[0] @ v > 0:  # the oldest point on the negative side
            v = -v
        dirs.append(unflatten(v, center, names))
    return Plane("pca", dirs[0], dirs[1], var[:2] / total)


def project(points: list[Weights], center: Weights, plane: Plane) -> np.ndarray:
    """(T, 2) least-squares coordinates of ``point - center`` in the basis (d1, d2)."""
    names = sorted(center)
    basis = np.stack([flatten(plane.d1, names), flatten(plane.d2, names)], axis=1)
    c = flatten(center, names)
    deltas = np.stack([flatten(p, names) - c for p in points], axis=1)
    coords, *_ = np.linalg.lstsq(basis, deltas, rcond=None)
    return np.asarray(coords.T)
