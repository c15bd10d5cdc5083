"""The lab's 2-D data: GET the points of a planar session, GET its grids (heat maps)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from server.http.bodies import json_body, json_body_doc
from server.http.routes.deps import runtime
from server.http.schemas.planar import PointBody
from server.sessions import planar as lab

router = APIRouter(prefix="/api/sessions")


@router.get("/{session_id}/planar")
async def points(session_id: str, request: Request) -> dict[str, Any]:
    """The raw 2-D points of each split with labels or targets, extent and shift."""
    return await runtime(request).call(session_id, lab.points_json)


@router.get("/{session_id}/grid")
async def grid(session_id: str, request: Request,
               size: Annotated[int, Query(ge=lab.MIN_GRID, le=lab.MAX_GRID)] = lab.DEFAULT_GRID
               ) -> dict[str, Any]:
    """Every neuron over a size x size grid of the plane, as uint8 tensor objects."""
    return await runtime(request).call(session_id, lambda s: lab.grid_json(s, size))


@router.post("/{session_id}/planar/forward", openapi_extra=json_body_doc(PointBody))
async def forward_point(session_id: str, request: Request,
                        body: Annotated[PointBody, json_body(PointBody)]) -> dict[str, Any]:
    """One 2-D point through the network: the forward reply, every layer's output."""
    return await runtime(request).call(session_id, lambda s: lab.forward_point(s, body.point))
