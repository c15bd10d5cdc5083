"""Model files: export as .npz or as a PyTorch script, import an .npz as a new session."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from server.http.bodies import UPLOAD_DOC, upload_bytes
from server.http.routes.deps import count_new_session, runtime

router = APIRouter(prefix="/api/sessions")


@router.get("/{session_id}/export.npz", response_class=Response,
            responses={200: {"content": {"application/octet-stream": {}}}})
async def export_npz(session_id: str, request: Request) -> Response:
    """The model as one .npz: spec and every parameter (docs/model-format.md)."""
    data = await runtime(request).call(session_id, lambda s: s.export_npz())
    return Response(data, media_type="application/octet-stream", headers={
        "Content-Disposition": 'attachment; filename="nnplay-model.npz"'})


@router.get("/{session_id}/export.py", response_class=Response,
            responses={200: {"content": {"text/x-python": {}}}})
async def export_py(session_id: str, request: Request) -> Response:
    """A runnable PyTorch script rebuilding the network with the same weights."""
    text = await runtime(request).call(session_id, lambda s: s.export_py())
    return Response(text, media_type="text/x-python; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="nnplay_model.py"'})


@router.post("/import", status_code=201, openapi_extra=UPLOAD_DOC)
async def import_model(request: Request) -> dict[str, Any]:
    """A new session from an exported .npz (multipart field ``file``)."""
    _, data = await upload_bytes(request, "file")
    count_new_session(request)
    return await runtime(request).import_file(data)
