"""GET /api/sessions/{id}/cell: the arithmetic of one conv/pool/dense output."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from server.http.routes.deps import runtime
from server.sessions.cells import cell_arithmetic
from server.sessions.traces import dead_units

router = APIRouter(prefix="/api/sessions")


@router.get("/{session_id}/cell")
async def cell(
    session_id: str,
    request: Request,
    layer: str = Query(max_length=64),
    channel: int = Query(0, ge=0, le=100_000),
    row: int = Query(0, ge=0, le=100_000),
    col: int = Query(0, ge=0, le=100_000),
    input: str = Query("last", max_length=32),
) -> dict[str, Any]:
    """Window, kernel, products, sums, bias and result (conv); window and winner (pool);
    inputs, weights, sum, bias and activation (dense)."""
    return await runtime(request).call(
        session_id, lambda s: cell_arithmetic(s, layer, channel, row, col, input))


@router.get("/{session_id}/dead")
async def dead(session_id: str, request: Request) -> dict[str, Any]:
    """Dead ReLU maps and units on the last batch trained on (or the first), per layer."""
    return await runtime(request).call(session_id, dead_units)
