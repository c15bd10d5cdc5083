"""Reading bodies that FastAPI cannot parse by itself: JSON-or-multipart, and uploads.

Errors come out in the shape of server.errors (400 not JSON, 422 wrong, 415 wrong kind).
"""

from __future__ import annotations

import json
from typing import Any, TypeVar, overload

from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError
from starlette.datastructures import UploadFile

from server.errors import ApiError
from server.http.body_limit import json_too_large
from server.http.error_handlers import validation_body
from server.http.offload import in_thread

M = TypeVar("M", bound=BaseModel)


def is_multipart(request: Request) -> bool:
    return request.headers.get("content-type", "").startswith("multipart/form-data")


def is_json(request: Request) -> bool:
    """Content-Type is application/json (any parameters, e.g. charset)."""
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return media == "application/json"


BODY_MODELS: dict[str, type[BaseModel]] = {}  # read by hand; app.py puts them in OpenAPI


def parse_json(model: type[M], raw: bytes) -> M:
    """``raw`` parsed as JSON and validated against ``model`` (pydantic's own parser: a
    drawing's 78,400 numbers parse in a fraction of the time json.loads takes). Blocking:
    :func:`json_model` runs it in a worker thread."""
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        errors = list(exc.errors())
        if errors and errors[0]["type"] == "json_invalid":
            reason = errors[0].get("ctx", {}).get("error", "parse error")
            raise ApiError(400, f"body: not valid JSON ({reason})", "body") from exc
        detail = validation_body(errors)["detail"]
        raise ApiError(422, detail["message"], detail["field"],
                       errors=json.loads(json.dumps(detail.get("errors", []), default=str))
                       ) from exc


@overload
async def json_model(request: Request, model: type[M]) -> M: ...
@overload
async def json_model(request: Request, model: type[M], required: bool) -> M | None: ...
async def json_model(request: Request, model: type[M], required: bool = True) -> M | None:
    """The body as ``model``, parsed off the event loop (a large body takes a while, and no
    other request should wait for it). A body over ``max_json_bytes`` is a 413 before any
    parsing (server.http.body_limit refuses most before they are read). Not ``required``: an
    empty body is None."""
    raw = await request.body()
    limit = request.app.state.settings.max_json_bytes
    if len(raw) > limit:  # sent as multipart, so server.http.body_limit allowed an upload's size
        raise ApiError(413, json_too_large(limit), "body")
    if not required and not raw.strip():
        return None
    if not is_json(request):  # a plain form or text/plain body: what another site can send
        kind = request.headers.get("content-type") or "none"
        raise ApiError(415, f"body: send JSON with Content-Type: application/json (got "
                       f"{kind[:80]!r})", "body")
    return await in_thread(lambda: parse_json(model, raw))


def json_body(model: type[M], required: bool = True) -> Any:
    """A route parameter ``body: Model = json_body(Model)``: the body read by
    :func:`json_model` (FastAPI's own body parameters parse and validate on the event loop).
    Pair it with ``openapi_extra=json_body_doc(Model)`` for the schema."""

    async def read(request: Request) -> M | None:
        return await json_model(request, model, required)

    return Depends(read)


def json_body_doc(model: type[BaseModel], required: bool = True) -> dict[str, Any]:
    """The OpenAPI requestBody of a :func:`json_body` route."""
    BODY_MODELS[model.__name__] = model
    return {"requestBody": {"required": required, "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}}}


# The OpenAPI requestBody of an :func:`upload_bytes` route: one file in the field ``file``.
UPLOAD_DOC = {
    "requestBody": {
        "required": True,
        "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["file"],
            "properties": {"file": {"type": "string", "format": "binary"}},
            "additionalProperties": False}}},
    }
}


async def upload_bytes(request: Request, field: str = "file") -> tuple[str, bytes]:
    """(file name, bytes) of the multipart field ``field``."""
    if not is_multipart(request):
        raise ApiError(415, f"{field}: send multipart/form-data with a {field} field", field)
    try:
        form = await request.form(max_files=1, max_fields=4)
    except ApiError:
        raise
    except Exception as exc:  # python-multipart raises several kinds for broken bodies
        status = getattr(exc, "status_code", 400)
        if status == 413:
            raise
        raise ApiError(400, f"body: not a valid multipart body ({exc})", "body") from exc
    item: Any = form.get(field)
    unknown = [name for name in form if name != field]
    if not isinstance(item, UploadFile) or unknown:
        await form.close()
        if not isinstance(item, UploadFile):
            raise ApiError(422, f"{field}: missing (a file upload named {field!r} is "
                           "required)", field)
        raise ApiError(422, f"{unknown[0][:64]}: unknown field; an upload carries only "
                       f"{field!r}", unknown[0][:64])
    data = await item.read()
    await form.close()
    return item.filename or "", data
