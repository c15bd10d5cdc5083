"""The cell arithmetic of engine.trace as JSON: every array a tensor object."""

from __future__ import annotations

from typing import Any

from engine.trace import conv_cell, dense_unit, global_pool_cell, pool_cell
from server.errors import ApiError
from server.sessions.forwarding import cell_input
from server.sessions.layer_names import layer_named
from server.sessions.session import Session
from server.wire.tensors import finite_or_none as f
from server.wire.tensors import mask_json, tensor_json


def cell_arithmetic(session: Session, layer: str, channel: int, row: int, col: int,
                    source: str) -> dict[str, Any]:
    """One output value of ``layer`` rebuilt from its parts, on the chosen input."""
    x = cell_input(session, source)
    model = session.model
    kind = layer_named(model, layer, "query.layer").kind
    _check_position(session, layer, kind, channel, row, col)
    try:
        if kind == "conv2d":
            c = conv_cell(model, layer, x, channel, row, col)
            return {
                "layer": layer, "type": kind, "channel": channel, "row": row, "col": col,
                "window": tensor_json(c.window), "padding_mask": mask_json(c.padding_mask),
                "kernel": tensor_json(c.kernel), "products": tensor_json(c.products),
                "channel_sums": tensor_json(c.channel_sums), "sum": f(c.total), "bias": f(c.bias),
                "result": f(c.result), "feature_value": f(c.feature_value),
                "origin": list(c.origin),
            }
        if kind == "pool":
            p = pool_cell(model, layer, x, channel, row, col)
            return {
                "layer": layer, "type": kind, "mode": p.mode, "channel": channel, "row": row,
                "col": col, "window": tensor_json(p.window),
                "winner": list(p.winner) if p.winner is not None else None,
                "result": f(p.result), "feature_value": f(p.feature_value),
                "origin": list(p.origin),
            }
        if kind == "global_pool":
            g = global_pool_cell(model, layer, x, channel)
            return {
                "layer": layer, "type": kind, "mode": g.mode, "channel": channel,
                "window": tensor_json(g.window),
                "winner": list(g.winner) if g.winner is not None else None,
                "sum": f(float(g.window.sum())) if g.mode == "avg" else None,
                "count": int(g.window.size), "result": f(g.result),
                "feature_value": f(g.feature_value),
            }
        if kind == "dense":
            d = dense_unit(model, layer, x, channel)
            return {
                "layer": layer, "type": kind, "unit": channel, "inputs": tensor_json(d.inputs),
                "weights": tensor_json(d.weights), "products": tensor_json(d.products),
                "sum": f(d.weighted_sum), "bias": f(d.bias), "result": f(d.pre_activation),
                "feature_value": f(d.feature_value),
                "activation": ({"type": d.activation, "value": f(d.activated)}
                               if d.activation is not None else None),
            }
    except IndexError as exc:
        raise ApiError(422, f"query.channel: {exc}", "query.channel") from exc
    raise ApiError(422, f"query.layer: {layer!r} is a {kind} layer; cells exist for conv2d, "
                   "pool, global_pool and dense layers", "query.layer")


def _check_position(session: Session, layer: str, kind: str, channel: int, row: int,
                    col: int) -> None:
    """422 naming the coordinate that lies outside the layer's output."""
    shape = next(r["output_shape"] for r in session.table["layers"] if r["name"] == layer)
    limits = [("channel", channel)] + ([("row", row), ("col", col)]
                                       if kind not in ("dense", "global_pool") else [])
    for (name, value), size in zip(limits, shape, strict=False):
        if value >= size:
            what = "unit" if kind == "dense" else name
            raise ApiError(422, f"query.{name}: {what} {value} is outside {layer}'s output "
                           f"of shape {'x'.join(map(str, shape))}", f"query.{name}")
