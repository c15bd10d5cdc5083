"""Create, read, change and delete sessions."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request, Response

from server.http.bodies import json_body, json_body_doc
from server.http.routes.deps import count_new_session, runtime
from server.http.schemas.sessions import CreateSessionBody, SettingsBody
from server.http.schemas.spec import ParamsBody, SpecBody

router = APIRouter(prefix="/api/sessions")


@router.post("", status_code=201,
             openapi_extra=json_body_doc(CreateSessionBody, required=False))
async def create(request: Request,
                 body: Annotated[CreateSessionBody | None,
                                 json_body(CreateSessionBody, required=False)]
                 ) -> dict[str, Any]:
    """A new session (default: the tiny MNIST CNN with default settings)."""
    body = body or CreateSessionBody()
    count_new_session(request)
    return await runtime(request).create(body.spec, body.settings)


@router.get("/{session_id}")
async def read(session_id: str, request: Request) -> dict[str, Any]:
    """The session's state."""
    return await runtime(request).call(session_id, lambda s: s.state())


@router.put("/{session_id}/spec", openapi_extra=json_body_doc(SpecBody))
async def put_spec(session_id: str, request: Request,
                   body: Annotated[SpecBody, json_body(SpecBody)]) -> dict[str, Any]:
    """New architecture (and optionally settings, applied together): weights are rebuilt
    from the seed (weights_reset: true)."""
    return await runtime(request).call(session_id,
                                       lambda s: s.set_spec(body.spec, body.settings), save=True)


@router.put("/{session_id}/settings", openapi_extra=json_body_doc(SettingsBody))
async def put_settings(session_id: str, request: Request,
                       body: Annotated[SettingsBody, json_body(SettingsBody)]
                       ) -> dict[str, Any]:
    """Change training settings; weights_reset says whether the weights were rebuilt."""
    return await runtime(request).call(session_id,
                                       lambda s: s.set_settings(body.settings), save=True)


@router.get("/{session_id}/params/{layer}")
async def get_params(session_id: str, layer: str, request: Request) -> dict[str, Any]:
    """W and b of one conv2d/dense layer as they are now (tensor objects)."""
    return await runtime(request).call(session_id, lambda s: s.layer_params(layer))


@router.put("/{session_id}/params/{layer}", openapi_extra=json_body_doc(ParamsBody))
async def put_params(session_id: str, layer: str, request: Request,
                     body: Annotated[ParamsBody, json_body(ParamsBody)]) -> dict[str, Any]:
    """Hand-set W and/or b of one conv2d/dense layer; the history starts over from them."""
    values = {"W": body.W, "b": body.b}
    return await runtime(request).call(session_id,
                                       lambda s: s.set_layer_params(layer, values), save=True)


@router.get("/{session_id}/evaluate")
async def evaluate(session_id: str, request: Request,
                   split: Literal["train", "val", "test"] = "test") -> dict[str, Any]:
    """Loss, accuracy and confusion matrix of one split at the current weights."""
    return await runtime(request).call(session_id,
                                       lambda s: s.training_or_raise().evaluate(split), heavy=True)


@router.delete("/{session_id}", status_code=204)
async def delete(session_id: str, request: Request) -> Response:
    """Delete the session and its storage; open sockets close with code 4410."""
    await runtime(request).delete(session_id)
    return Response(status_code=204)
