"""POST /api/sessions/{id}/forward: one image through the network, every layer's output."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from server.http.bodies import json_body_doc
from server.http.forward_input import read_forward
from server.http.routes.deps import limits, runtime
from server.http.schemas.images import ForwardBody

router = APIRouter(prefix="/api/sessions")

_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            **json_body_doc(ForwardBody)["requestBody"]["content"],
            "multipart/form-data": {
                "schema": {"type": "object", "required": ["file"],
                           "properties": {"file": {"type": "string", "format": "binary"}},
                           "additionalProperties": False}
            },
        },
    }
}


@router.post("/{session_id}/forward", openapi_extra=_BODY)
async def forward(session_id: str, request: Request) -> dict[str, Any]:
    """Prediction, probabilities, the preprocessed input and every layer's output."""
    job = await read_forward(request, limits(request))
    return await runtime(request).call(session_id, job)

