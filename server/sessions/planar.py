"""The lab's 2-D view on the wire: the points of each split, and grids (every neuron over
the plane) as uint8 binary frames or tensor objects (docs/protocol.md, "The lab: 2-D data").

Called under the session lock from a worker thread; the arithmetic is the engine's
(:func:`engine.grid.evaluate_grid`).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from engine.datasets.planar import MAX_ABS, features
from engine.grid import GridLayer, evaluate_grid
from server.errors import ApiError
from server.sessions.data import PlanarSplit
from server.sessions.forwarding import forward_input
from server.sessions.session import Session
from server.wire.tensors import tensor_frame, tensor_json

DEFAULT_GRID, MIN_GRID, MAX_GRID = 64, 8, 128
_ids = itertools.count(1)


def planar_of(session: Session, field: str = "settings.dataset") -> PlanarSplit:
    """The session's 2-D points; 422 naming ``field`` when its dataset is not planar."""
    data = session.data
    if session.settings.dataset != "planar" or data is None or data.planar is None:
        raise ApiError(422, f"{field}: this session's dataset is "
                       f"{session.settings.dataset}, not planar (2-D points)", field)
    return data.planar


def extent_json(p: PlanarSplit) -> dict[str, list[float]]:
    (a0, a1), (b0, b1) = p.data.extent
    return {"x1": [a0, a1], "x2": [b0, b1]}


def points_json(session: Session) -> dict[str, Any]:
    """GET /api/sessions/{id}/planar: raw points, labels or targets per split."""
    p = planar_of(session)
    d = p.data
    values = d.targets if d.targets is not None else d.labels.astype(np.float64)
    splits = {}
    names: dict[str, list[str]] | None = {} if d.names is not None else None
    for split in ("train", "val"):
        idx = p.index[split]
        splits[split] = {"x": tensor_json(d.points[idx]), "y": tensor_json(values[idx]),
                         "index": list(range(len(idx)))}
        if names is not None and d.names is not None:
            names[split] = [d.names[i] for i in idx]
    return {"set": d.name, "task": d.task, "class_names": list(d.class_names),
            "features": list(p.features), "axes": list(d.axes),
            "shift": [float(v) for v in d.shift], "extent": extent_json(p),
            "names": names, "splits": splits}


def forward_point(session: Session, point: list[float]) -> dict[str, Any]:
    """POST /api/sessions/{id}/planar/forward: the forward reply for one 2-D point (its
    features are the ``preprocessed`` input); it becomes the session's last input."""
    p = planar_of(session)
    if not all(abs(v) <= MAX_ABS for v in point):
        raise ApiError(422, f"point: coordinates must be within +-{MAX_ABS:g}", "point")
    x = features(np.array([point], dtype=np.float64), p.features)[0]
    return {**forward_input(session, x), "point": [float(v) for v in point],
            "features": list(p.features)}


def compute(session: Session, size: int, field: str = "cmd"
            ) -> tuple[list[GridLayer], PlanarSplit]:
    """Every neuron over the size x size grid at the current weights (one forward); a
    session that is not planar is a 422 naming ``field``."""
    p = planar_of(session, field)
    if not MIN_GRID <= size <= MAX_GRID:
        raise ApiError(422, f"size: must be in {MIN_GRID}..{MAX_GRID}, got {size}", "size")
    try:
        layers = evaluate_grid(session.model, p.features, p.data.extent, size)
    except ValueError as exc:
        raise ApiError(422, f"settings.planar.features: {exc}", "settings.planar.features"
                       ) from exc
    return layers, p


def _layer_meta(layer: GridLayer) -> dict[str, Any]:
    return {"name": layer.name, "dense": layer.dense, "role": layer.role,
            "units": int(layer.values.shape[0])}


def _step(session: Session) -> int:
    return session.training.trainer.global_step if session.training is not None else 0


def grid_frames(session: Session, size: int, seq: int | None
                ) -> tuple[list[bytes], dict[str, Any]]:
    """(one uint8 binary frame per layer, the closing ``grid`` message)."""
    layers, p = compute(session, size)
    grid_id = next(_ids)
    common = {"seq": seq, "type": "grid", "grid_id": grid_id, "step": _step(session),
              "size": size, "extent": extent_json(p)}
    frames = [tensor_frame({**common, **_layer_meta(layer), "layer": layer.name,
                            "index": i, "count": len(layers)}, layer.values, "uint8")
              for i, layer in enumerate(layers)]
    message = {**common, "frames": len(frames), "layers": [_layer_meta(ly) for ly in layers]}
    return frames, message


def grid_json(session: Session, size: int) -> dict[str, Any]:
    """GET /api/sessions/{id}/grid: the same grids as uint8 tensor objects."""
    layers, p = compute(session, size, "settings.dataset")
    return {"step": _step(session), "size": size, "extent": extent_json(p),
            "layers": [{**_layer_meta(ly), "grid": tensor_json(ly.values, "uint8")}
                       for ly in layers]}
