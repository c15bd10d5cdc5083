"""WebSocket /api/sessions/{id}/ws: training streams and traces (server.http.websocket)."""

from __future__ import annotations

from fastapi import APIRouter, WebSocket

from server.http.websocket import Connection

router = APIRouter()


@router.websocket("/api/sessions/{session_id}/ws")
async def session_socket(websocket: WebSocket, session_id: str) -> None:
    await Connection(websocket, websocket.app.state.runtime, session_id).serve()
