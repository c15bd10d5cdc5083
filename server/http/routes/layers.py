"""GET /api/layers: the layer types, their keys, defaults and limits (engine.layer_types)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from server.sessions import architecture

router = APIRouter()


@router.get("/api/layers")
def layers(request: Request) -> dict[str, Any]:
    """Every layer type the engine knows, with this server's ceilings applied."""
    return architecture.layer_table(request.app.state.settings)
