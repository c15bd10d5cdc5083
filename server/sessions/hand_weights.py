"""A layer's weights read and set by hand (the parameter editor, hand-made filters)."""

from __future__ import annotations

from typing import Any

import numpy as np

from server.errors import ApiError
from server.sessions.layer_names import layer_named
from server.sessions.session import Session
from server.sessions.training import Training
from server.wire.tensors import tensor_json

MAX_HAND_SET = 1e4  # largest magnitude of a hand-set weight


def layer_params(session: Session, layer: str) -> dict[str, Any]:
    """``W`` and ``b`` of one conv2d/dense layer as tensor objects (the layouts of
    docs/model-format.md: conv ``(F, C, k, k)``, dense ``(in, out)``)."""
    layer_named(session.model, layer, "layer", with_params=True, status=404)
    weights = session.model.get_weights()
    return {"layer": layer, "W": tensor_json(weights[f"{layer}.W"]),
            "b": tensor_json(weights[f"{layer}.b"])}


def _checked(key: str, value: Any, expected: tuple[int, ...], layer: str) -> np.ndarray:
    """``value`` as a float32 array of shape ``expected``, finite and within the limit;
    an ApiError naming ``key`` otherwise."""
    try:
        array = np.asarray(value, dtype=np.float32)
    except ValueError as exc:  # ragged nesting
        raise ApiError(422, f"{key}: not a rectangular array ({exc})", key) from exc
    if array.size and not float(np.max(np.abs(array))) <= MAX_HAND_SET:
        raise ApiError(422, f"{key}: values must be finite and within +-{MAX_HAND_SET:g}", key)
    if array.shape != expected:
        raise ApiError(422, f"{key}: shape {list(array.shape)} does not match "
                       f"{layer}.{key} of shape {list(expected)}", key)
    return array


def set_layer_params(session: Session, layer: str, values: dict[str, Any]) -> dict[str, Any]:
    """Replace W and/or b of one layer (e.g. hand-made filters); the weights stay as set,
    the history starts over from them. Checked whole first: a refusal changes nothing."""
    session.check_idle()
    model = session.model
    layer_named(model, layer, "layer", with_params=True, status=404)
    current = model.get_weights()
    new = dict(current)
    for key, value in values.items():
        if value is not None:
            new[f"{layer}.{key}"] = _checked(key, value, current[f"{layer}.{key}"].shape, layer)
    try:
        model.set_weights(new)
    except ValueError as exc:
        raise ApiError(422, f"W: {exc}", "W") from exc
    if session.data is not None:
        try:
            session.training = Training.new(model, session.data, session.settings)
        except ApiError:
            model.set_weights(current)
            raise
    return {**session.state(), "weights_reset": False, "history_reset": True}
