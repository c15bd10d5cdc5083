"""POST /api/sessions/{id}/landscape: the loss surface around the current weights."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request

from server.http.bodies import json_body, json_body_doc
from server.http.routes.deps import runtime
from server.sessions.landscape import landscape
from server.sessions.landscape_request import LandscapeBody

router = APIRouter(prefix="/api/sessions")


@router.post("/{session_id}/landscape", openapi_extra=json_body_doc(LandscapeBody))
async def loss_landscape(session_id: str, request: Request,
                         body: Annotated[LandscapeBody, json_body(LandscapeBody)]
                         ) -> dict[str, Any]:
    """Surface over a grid of two directions, the trajectory on it, a 1-D slice."""
    return await runtime(request).call(session_id, lambda s: landscape(s, body),
                              heavy=True)
