"""Checking a spec: the engine's rules (engine.spec) plus this server's ceilings.

Returns the normalised spec and its shape table as JSON-ready data, or raises an ApiError
(422) whose message names the layer, with ``layer_index`` (0-based, None for the spec or the
input block) and ``field`` (``spec.layers.<i>`` or ``spec``).
"""

from __future__ import annotations

import math
from typing import Any

from engine import layer_types
from engine import spec as engine_spec
from server.config import Settings
from server.errors import ApiError


def _refuse(message: str, layer_index: int | None, prefix: str) -> ApiError:
    field = f"{prefix}.layers.{layer_index}" if layer_index is not None else prefix
    return ApiError(422, message, field, layer_index=layer_index)


def describe(spec: Any, settings: Settings, prefix: str = "spec") -> dict[str, Any]:
    """``{"spec", "layers": [...], "total_params"}`` for a spec this server accepts."""
    try:
        norm = engine_spec.normalize(spec)
        rows = engine_spec.describe(norm)
    except engine_spec.SpecError as exc:
        raise _refuse(str(exc), exc.layer_index, prefix) from exc
    layers = norm["layers"]
    if len(layers) > settings.max_layers:
        raise _refuse(f"spec: {len(layers)} layers is more than this server's limit of "
                      f"{settings.max_layers}", None, prefix)
    for i, d in enumerate(layers):
        if d["type"] == "conv2d" and d["filters"] > settings.max_filters:
            raise _refuse(f"layer {i + 1} (conv2d): {d['filters']} filters is more than this "
                          f"server's limit of {settings.max_filters}", i, prefix)
    total = sum(row.param_count for row in rows)
    if total > settings.max_params:
        raise _refuse(f"spec: {total} parameters is more than this server's limit of "
                      f"{settings.max_params}", None, prefix)
    activations = 0
    for i, row in enumerate(rows):
        activations += math.prod(row.output_shape)
        if activations > settings.max_activations:
            raise _refuse(f"layer {i + 1} ({row.type}): the layers up to here output "
                          f"{activations} numbers per input, more than this server's limit "
                          f"of {settings.max_activations}", i, prefix)
    return {
        "spec": norm,
        "layers": [
            {"name": r.name, "type": r.type, "input_shape": list(r.input_shape),
             "output_shape": list(r.output_shape), "param_count": r.param_count}
            for r in rows
        ],
        "total_params": total,
        "activations": activations,
    }


def layer_table(settings: Settings) -> dict[str, Any]:
    """``GET /api/layers``: the engine's layer types (engine.layer_types) with this server's
    ceilings applied (conv filters, number of layers), and the input block's limits."""
    types = layer_types.table_json()
    for entry in types:
        for f in entry["fields"]:
            if entry["type"] == "conv2d" and f["key"] == "filters":
                f["max"] = min(f["max"], settings.max_filters)
    inp = engine_spec.LIMITS
    return {
        "types": types,
        "input": [{"key": key, "kind": "int", "min": lo, "max": hi}
                  for key, (lo, hi) in (("channels", inp["channels"]), ("height", inp["side"]),
                                        ("width", inp["side"]))],
        "max_layers": min(engine_spec.MAX_LAYERS, settings.max_layers),
    }


TINY_MNIST_CNN: dict[str, Any] = {
    "input": {"channels": 1, "height": 28, "width": 28},
    "layers": [
        {"type": "conv2d", "filters": 8, "kernel": 3, "stride": 1, "padding": 1},
        {"type": "relu"},
        {"type": "pool", "mode": "max", "size": 2, "stride": 2},
        {"type": "flatten"},
        {"type": "dense", "units": 10},
        {"type": "softmax"},
    ],
}
