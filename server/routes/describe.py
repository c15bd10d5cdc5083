"""POST /api/describe: the shape table of a spec, nothing created."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from server import architecture
from server.schemas.spec import SpecBody

router = APIRouter()


@router.post("/api/describe")
def describe(body: SpecBody, request: Request) -> dict[str, Any]:
    """Normalised spec, one row per layer (shapes, parameter counts) and the total."""
    return architecture.describe(body.spec, request.app.state.settings)
