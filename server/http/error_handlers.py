"""One error shape for every 4xx: ``{"detail": {"message", "field", ...}}``.

Domain code raises :class:`server.errors.ApiError`; FastAPI's own validation errors and
bodies that are not JSON are rewritten into the same shape by the handlers installed here.
The WebSocket's ``error`` message carries the same field and message (``ws_error``,
``ws_refusal``; a command's validation error through ``validation_body``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from server.errors import ApiError

_TAG = re.compile(r"^(?:[A-Za-z_-]+\[.*\]|[A-Z][a-z]\w*|str|int|float|bool|list|dict|"
                  r"none|json-or-python|tagged-union)$")


def _loc_to_field(loc: tuple[Any, ...] | list[Any]) -> str | None:
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        parts = parts[1:]
    elif parts and parts[0] in ("query", "path"):
        parts = ["query" if parts[0] == "query" else "path", *parts[1:]]
    # pydantic adds the union member or validator tag ("list[float]", "SampleRef", "str",
    # "function-after[...]"); drop that noise, keep the field names
    parts = [p for p in parts if not _TAG.match(p)]
    return ".".join(parts) if parts else "body"


def validation_body(errors: list[Any]) -> dict[str, Any]:
    if not errors:
        return {"detail": {"message": "body: invalid request", "field": "body"}}
    first = errors[0]
    if first.get("type") == "json_invalid":
        message = f"body: not valid JSON ({first.get('ctx', {}).get('error', 'parse error')})"
        return {"detail": {"message": message, "field": "body"}}
    field = _loc_to_field(first.get("loc", ()))
    msg = str(first.get("msg", "invalid"))
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    message = msg if field and msg.startswith(field + ":") else f"{field}: {msg}"
    extra: list[dict[str, Any]] = []
    for err in errors[:10]:
        extra.append({"field": _loc_to_field(err.get("loc", ())), "message": str(err.get("msg"))})
    return {"detail": {"message": message, "field": field, "errors": extra}}


def ws_error(seq: int | None, field: str | None, message: str) -> dict[str, Any]:
    """The WebSocket's error message: the same ``field`` and ``message`` as an HTTP 4xx's
    ``detail``, with the command's ``seq`` (None when the frame had none)."""
    return {"seq": seq, "type": "error", "field": field, "message": message}


def ws_refusal(seq: int | None, exc: ApiError) -> dict[str, Any]:
    """An :class:`ApiError` raised while running a command, as a WebSocket error."""
    return ws_error(seq, exc.field, exc.message)


def install(app: FastAPI) -> None:
    """Register the handlers that give every error the shape above."""

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        wait = exc.extra.get("retry_after")
        headers = {"Retry-After": str(wait)} if wait is not None else None
        return JSONResponse(exc.body(), status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        body = validation_body(list(exc.errors()))
        status = 400 if body["detail"]["field"] == "body" and "JSON" in body["detail"][
            "message"] else 422
        # ctx may hold exceptions that are not JSON-serialisable; the body above has strings only
        return JSONResponse(json.loads(json.dumps(body, default=str)), status_code=status)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 405:
            return _not_allowed(request, (exc.headers or {}).get("Allow", ""))
        detail = exc.detail
        if isinstance(detail, dict):
            body = {"detail": detail}
        else:
            body = {"detail": {"message": str(detail), "field": None}}
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


def allowed_methods(request: Request) -> list[str]:
    """Every method some route of the app takes at this path (Starlette's own 405 names only
    the first route that matched the path, e.g. GET where DELETE is there too)."""
    by_literal: set[str] = set()  # routes whose path is this path, no parameters
    by_pattern: set[str] = set()  # routes with parameters (/api/sessions/{session_id})
    for route in _leaf_routes(request.app.router.routes):
        regex, methods = getattr(route, "path_regex", None), getattr(route, "methods", None)
        if regex is not None and methods and regex.match(request.url.path):
            (by_pattern if "{" in str(getattr(route, "path", "")) else by_literal).update(
                methods)
    # /api/sessions/import is its own route, not a session id: a literal path wins
    return sorted((by_literal or by_pattern) | {"OPTIONS"})


def _leaf_routes(routes: Any) -> Any:
    """The routes themselves, looking inside included routers (FastAPI wraps them)."""
    for route in routes:
        inner = getattr(getattr(route, "original_router", None), "routes", None)
        if inner is not None:
            yield from _leaf_routes(inner)
        else:
            yield route


def _not_allowed(request: Request, named: str) -> Response:
    """OPTIONS: 204 with Allow (no cross-origin headers: a preflight from another site
    fails). Any other method the path does not take: 405 with the same Allow. ``named``: the
    Allow the refusing route gave, for a mounted app (the static files) no route here names."""
    methods = set(allowed_methods(request))
    if methods == {"OPTIONS"}:
        methods |= {m.strip() for m in named.split(",") if m.strip()}
    allow = ", ".join(sorted(methods))
    if request.method == "OPTIONS":
        return Response(status_code=204, headers={"Allow": allow})
    message = f"method: {request.method} is not allowed here; allowed: {allow}"
    return JSONResponse({"detail": {"message": message, "field": "method"}}, status_code=405,
                        headers={"Allow": allow})
