"""POST /api/describe: the shape table of a spec, nothing created."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request

from server.http.bodies import json_body, json_body_doc
from server.http.schemas.spec import SpecBody
from server.sessions import architecture

router = APIRouter()


@router.post("/api/describe", openapi_extra=json_body_doc(SpecBody))
def describe(request: Request,
             body: Annotated[SpecBody, json_body(SpecBody)]) -> dict[str, Any]:
    """Normalised spec, one row per layer (shapes, parameter counts) and the total."""
    return architecture.describe(body.spec, request.app.state.settings)
