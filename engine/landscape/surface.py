"""The loss surface on a plane through the current weights, a 1-D slice, and progress.

``L(a, b) = loss(theta + a d1 + b d2)`` on a ``grid x grid`` lattice of
``a, b in linspace(-span, span, grid)`` (grid odd, so the centre is exactly ``theta``),
evaluated on a fixed batch by :class:`BatchedEvaluator`. ``losses[j, i] = L(alphas[i],
betas[j])``: rows go along d2, columns along d1, as an image.

Trajectory points are projected onto the plane (least squares); each keeps its true loss
(at its own weights) beside the surface value at its projection (at
``theta + x d1 + y d2``). They differ whenever the point lies off the plane.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np

from engine.landscape.directions import Plane, Weights, project
from engine.landscape.evaluator import BatchedEvaluator
from engine.model import Sequential

TRUE_LOSS_CHUNK = 8


@dataclass(frozen=True)
class TrajectoryPoint:
    """A weight snapshot at ``position`` epochs, placed on the plane at (x, y)."""

    position: float
    x: float
    y: float
    loss: float
    surface_loss: float


@dataclass(frozen=True)
class Surface:
    """alphas ``(G,)`` along d1, betas ``(G,)`` along d2, losses ``(G, G)`` float64."""

    kind: str
    alphas: np.ndarray
    betas: np.ndarray
    losses: np.ndarray
    center_loss: float
    explained: np.ndarray | None
    trajectory: list[TrajectoryPoint]
    refined: bool
    eval_count: int


@dataclass(frozen=True)
class Slice:
    """``losses[i] = loss(theta + alphas[i] d)``, float64."""

    alphas: np.ndarray
    losses: np.ndarray
    center_loss: float
    eval_count: int


def grid_axis(grid: int, span: float) -> np.ndarray:
    """``linspace(-span, span, grid)``; grid odd and >= 3, span > 0 (ValueError otherwise)."""
    if isinstance(grid, bool) or not isinstance(grid, (int, np.integer)) or grid < 3 \
            or grid % 2 == 0:
        raise ValueError(f"grid must be an odd integer >= 3 (the current weights sit at its "
                         f"centre), got {grid!r}")
    if not np.isfinite(span) or span <= 0:
        raise ValueError(f"span must be a positive number, got {span!r}")
    return np.linspace(-span, span, int(grid))


def _spans(span: float | Sequence[float]) -> tuple[float, float]:
    if isinstance(span, (int, float, np.floating, np.integer)):
        return float(span), float(span)
    sx, sy = span
    return float(sx), float(sy)


def plane_evaluator(model: Sequential, plane: Plane, center: Weights, x: np.ndarray,
                    y: np.ndarray, loss: str, workers: int | None = None) -> BatchedEvaluator:
    """Evaluator over coefficient rows (1, a, b) for ``center + a d1 + b d2``."""
    return BatchedEvaluator(model, [center, plane.d1, plane.d2], x, y, loss, workers=workers)


def _plane_losses(ev: BatchedEvaluator, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(len(a),) losses at the points (a[i], b[i])."""
    coefs = np.stack([np.ones_like(a), a, b], axis=1)
    return ev.losses(coefs)


def true_losses(model: Sequential, points: list[Weights], x: np.ndarray, y: np.ndarray,
                loss: str) -> np.ndarray:
    """(T,) losses of each weight set in ``points`` (batched, a few at a time)."""
    out = []
    for start in range(0, len(points), TRUE_LOSS_CHUNK):
        part = points[start:start + TRUE_LOSS_CHUNK]
        ev = BatchedEvaluator(model, part, x, y, loss)
        out.append(ev.losses(np.eye(len(part))))
    return np.concatenate(out) if out else np.zeros(0)


def trajectory_points(model: Sequential, plane: Plane, center: Weights,
                      positions: Sequence[float], points: list[Weights], x: np.ndarray,
                      y: np.ndarray, loss: str,
                      ev: BatchedEvaluator | None = None) -> list[TrajectoryPoint]:
    """Each point projected onto the plane with its true and its surface loss."""
    if not points:
        return []
    coords = project(points, center, plane)
    ev = ev or plane_evaluator(model, plane, center, x, y, loss)
    shadow = _plane_losses(ev, coords[:, 0], coords[:, 1])
    real = true_losses(model, points, x, y, loss)
    return [TrajectoryPoint(float(p), float(c[0]), float(c[1]), float(t), float(s))
            for p, c, t, s in zip(positions, coords, real, shadow, strict=True)]


def _grid(ev: BatchedEvaluator, alphas: np.ndarray, betas: np.ndarray,
          known: np.ndarray | None = None) -> np.ndarray:
    """(G, G) losses; entries of ``known`` that are not NaN are reused, not recomputed."""
    aa, bb = np.meshgrid(alphas, betas)
    out = np.full(aa.shape, np.nan) if known is None else known.copy()
    todo = np.isnan(out)
    out[todo] = _plane_losses(ev, aa[todo], bb[todo])
    return out


def loss_surfaces(model: Sequential, plane: Plane, x: np.ndarray, y: np.ndarray,
                  loss: str, grid: int = 21, span: float | Sequence[float] = 1.0,
                  center: Weights | None = None,
                  trajectory: Sequence[tuple[float, Weights]] = (),
                  coarse: int = 11, workers: int | None = None) -> Iterator[Surface]:
    """Yield a coarse ``coarse x coarse`` surface first (when ``grid > coarse``), then the
    full one (``refined=True``). Coarse points on the fine lattice are reused.

    center defaults to the model's current weights; trajectory: (position, weights) pairs;
    workers: threads of the evaluator (None: its default). Arguments are checked
    (ValueError) and the evaluator set up before this returns; the grids are computed as the
    iterator is advanced.
    """
    center = model.get_weights() if center is None else center
    grid_axis(coarse, 1.0)  # validates coarse
    sx, sy = _spans(span)
    alphas, betas = grid_axis(grid, sx), grid_axis(grid, sy)
    ev = plane_evaluator(model, plane, center, x, y, loss, workers)
    return _progressive(ev, model, plane, center, x, y, loss, alphas, betas, trajectory,
                        coarse)


def _progressive(ev: BatchedEvaluator, model: Sequential, plane: Plane, center: Weights,
                 x: np.ndarray, y: np.ndarray, loss: str, alphas: np.ndarray,
                 betas: np.ndarray, trajectory: Sequence[tuple[float, Weights]],
                 coarse: int) -> Iterator[Surface]:
    grid = len(alphas)
    traj = trajectory_points(model, plane, center, [p for p, _ in trajectory],
                             [w for _, w in trajectory], x, y, loss, ev)
    base = Surface(plane.kind, alphas, betas, np.zeros((0, 0)), 0.0, plane.explained, traj,
                   True, int(x.shape[0]))
    known = None
    if grid > coarse:
        step = (grid - 1) // (coarse - 1) if (grid - 1) % (coarse - 1) == 0 else 0
        ca = alphas[::step] if step else grid_axis(coarse, float(alphas[-1]))
        cb = betas[::step] if step else grid_axis(coarse, float(betas[-1]))
        rough = _grid(ev, ca, cb)
        yield replace(base, alphas=ca, betas=cb, losses=rough,
                      center_loss=float(rough[coarse // 2, coarse // 2]), refined=False)
        if step:
            known = np.full((grid, grid), np.nan)
            known[::step, ::step] = rough
    fine = _grid(ev, alphas, betas, known)
    yield replace(base, losses=fine, center_loss=float(fine[grid // 2, grid // 2]))


def loss_surface(model: Sequential, plane: Plane, x: np.ndarray, y: np.ndarray, loss: str,
                 grid: int = 21, span: float | Sequence[float] = 1.0,
                 center: Weights | None = None,
                 trajectory: Sequence[tuple[float, Weights]] = (),
                 workers: int | None = None) -> Surface:
    """The full surface at once (no coarse pass)."""
    return list(loss_surfaces(model, plane, x, y, loss, grid, span, center, trajectory,
                              coarse=grid, workers=workers))[-1]


def loss_slice(model: Sequential, direction: Weights, x: np.ndarray, y: np.ndarray,
               loss: str, points: int = 41, span: float = 1.0,
               center: Weights | None = None) -> Slice:
    """``loss(theta + a d)`` for ``a in linspace(-span, span, points)`` (points odd)."""
    center = model.get_weights() if center is None else center
    alphas = grid_axis(points, span)
    ev = BatchedEvaluator(model, [center, direction], x, y, loss)
    values = ev.losses(np.stack([np.ones_like(alphas), alphas], axis=1))
    return Slice(alphas, values, float(values[points // 2]), int(x.shape[0]))
