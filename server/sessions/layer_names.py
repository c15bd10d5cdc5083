"""The one check that a name is a layer of the session's network, and its one message."""

from __future__ import annotations

from engine.layers.base import Layer
from engine.model import Sequential
from server.errors import ApiError


def layer_named(model: Sequential, name: str, field: str, with_params: bool = False,
                status: int = 422) -> Layer:
    """The layer called ``name``; else an ApiError naming ``field`` and listing the layers
    that could be meant, e.g. ``layers: no layer 'conv9' (layers: conv1, relu1, ...)``.
    ``with_params``: only conv2d/dense layers (those with ``W`` and ``b``) count."""
    candidates = [ly for ly in model.layers if ly.params or not with_params]
    for layer in candidates:
        if layer.name == name:
            return layer
    what, listing = ("conv2d or dense layer", "layers with parameters") if with_params \
        else ("layer", "layers")
    names = ", ".join(ly.name for ly in candidates)
    raise ApiError(status, f"{field}: no {what} {name!r} ({listing}: {names})", field)
