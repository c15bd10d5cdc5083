"""Loss surfaces of a session (engine.landscape) as protocol messages.

A surface is computed coarse first (11x11) then refined to the requested grid; REST returns
the refined one, the WebSocket ``landscape`` command streams both. Losses too large for
float32 are clipped to its largest finite value and flagged, so no NaN or infinity is sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from engine.landscape import Surface, trainer_slice, trainer_surfaces
from server.errors import ApiError
from server.sessions.landscape_request import LandscapeBody
from server.sessions.session import Session
from server.wire.tensors import finite_or_none, tensor_json

_F32_MAX = float(np.finfo(np.float32).max)


def _clip(values: np.ndarray) -> tuple[np.ndarray, bool]:
    finite = np.isfinite(values) & (np.abs(values) <= _F32_MAX)
    if finite.all():
        return values, False
    return np.where(finite, values, _F32_MAX), True


def surface_json(surface: Surface, body: LandscapeBody) -> dict[str, Any]:
    losses, clipped = _clip(np.asarray(surface.losses, dtype=np.float64))
    return {
        "directions": surface.kind, "grid": int(len(surface.alphas)),
        "requested_grid": body.grid, "refined": surface.refined,
        "axes": {"x": [float(a) for a in surface.alphas], "y": [float(b) for b in surface.betas]},
        "surface": tensor_json(losses), "clipped": clipped,
        "center_loss": finite_or_none(surface.center_loss),
        "trajectory": [{"position": p.position, "x": finite_or_none(p.x),
                        "y": finite_or_none(p.y), "loss": finite_or_none(p.loss),
                        "surface_loss": finite_or_none(p.surface_loss)}
                       for p in surface.trajectory],
        "explained_variance": (None if surface.explained is None
                               else [float(v) for v in surface.explained]),
        "eval_count": surface.eval_count,
    }


def _check(session: Session, body: LandscapeBody) -> None:
    limits = session.limits
    if body.grid > limits.max_grid:
        raise ApiError(422, f"grid: {body.grid} is more than this server's limit of "
                       f"{limits.max_grid}", "grid")
    if body.eval_size > limits.max_landscape_eval:
        raise ApiError(422, f"eval_size: {body.eval_size} is more than this server's limit of "
                       f"{limits.max_landscape_eval}", "eval_size")


def surfaces(session: Session, body: LandscapeBody) -> Iterator[Surface]:
    """The engine's progressive surfaces; each ``next`` is one call under the session lock."""
    _check(session, body)
    trainer = session.training_or_raise().trainer
    try:
        return trainer_surfaces(trainer, body.directions, body.grid, body.span, body.eval_size,
                                seed=session.settings.seed)
    except ValueError as exc:
        raise ApiError(422, f"directions: {exc}", "directions") from exc


def next_surface(session: Session, it: Iterator[Surface], body: LandscapeBody
                 ) -> dict[str, Any] | None:
    try:
        return surface_json(next(it), body)
    except StopIteration:
        return None
    except ValueError as exc:
        raise ApiError(422, f"directions: {exc}", "directions") from exc


def surface_messages(session: Session, body: LandscapeBody) -> Iterator[dict[str, Any]]:
    """The loss surface's refinements as ``landscape`` messages (without ``seq``); each
    ``next`` is one job under the session lock (the runtime's ``stream``)."""
    it = surfaces(session, body)
    while (item := next_surface(session, it, body)) is not None:
        yield item


def landscape(session: Session, body: LandscapeBody) -> dict[str, Any]:
    """The refined surface and a 1-D slice along its first direction (REST)."""
    result = None
    it = surfaces(session, body)
    while (item := next_surface(session, it, body)) is not None:
        result = item
    assert result is not None
    try:
        cut = trainer_slice(session.training_or_raise().trainer, body.directions,
                            points=body.grid, span=body.span, count=body.eval_size,
                            seed=session.settings.seed)
    except ValueError as exc:
        raise ApiError(422, f"directions: {exc}", "directions") from exc
    values, clipped = _clip(np.asarray(cut.losses, dtype=np.float64))
    result["slice"] = {"x": [float(a) for a in cut.alphas],
                       "loss": [float(v) for v in values], "clipped": clipped,
                       "center_loss": finite_or_none(cut.center_loss)}
    return result
