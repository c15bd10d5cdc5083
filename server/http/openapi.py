"""The OpenAPI document at /openapi.json, made true to the server.

FastAPI documents its own validation-error body for 422 and nothing else. Every operation
here lists the statuses it can answer with the one error object (server.errors), says what
its success reply carries (server.http.schemas.replies), and the bodies routes read by hand
(server.http.bodies.json_body) are in the components.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel

from server.http.access_token import OPEN_PATHS
from server.http.schemas.replies import COMPONENTS, REPLIES, ref

ERRORS = {
    400: "Not JSON, a broken multipart body, or a Host this server does not answer to",
    401: "The server has an access token and the request does not carry it",
    403: "A change (or WebSocket) from another site's page (its Origin)",
    404: "No such session (or sample, or layer)",
    409: "The session is training, or it is stored but cannot be loaded",
    413: "A body, image or decoding budget over its limit",
    415: "A JSON body without Content-Type application/json, or an upload of the wrong kind",
    422: "Well-formed but refused: a value, a limit, or what the engine cannot do",
    429: "This client has created its allowance of sessions this minute",
    503: "The server holds the most sessions it keeps",
}
_CREATING = {("post", "/api/sessions"), ("post", "/api/sessions/import")}


def statuses(method: str, path: str, operation: dict[str, Any]) -> list[int]:
    """The error statuses ``method path`` can answer with."""
    codes = {400, 422} if path in OPEN_PATHS else {400, 401, 422}
    params = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "path"}
    if "session_id" in params or "sample_id" in params or "layer" in params:
        codes |= {404, 409}
    if method in ("post", "put", "delete"):
        codes.add(403)
    if "requestBody" in operation:
        codes |= {413, 415}
    if (method, path) in _CREATING:
        codes |= {429, 503}
    return sorted(codes)


def _document(schema: dict[str, Any]) -> None:
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code, response in responses.items():
                reply = REPLIES.get((method, path))
                if code.startswith("2") and reply and "application/json" in response.get(
                        "content", {}):
                    response["content"]["application/json"]["schema"] = ref(reply)
            for code in list(responses):
                if code.startswith("4"):
                    del responses[code]  # FastAPI's own 422 body is not what is sent
            for code in statuses(method, path, operation):
                responses[str(code)] = {"description": ERRORS[code], "content": {
                    "application/json": {"schema": ref("Error")}}}


def install(app: FastAPI, models: dict[str, type[BaseModel]]) -> None:
    """Build the document once, on first request: FastAPI's, plus the hand-read bodies in
    ``models``, the replies and the errors."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = build()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, model in models.items():
            body = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for def_name, definition in body.pop("$defs", {}).items():
                components.setdefault(def_name, definition)
            components[name] = body
        components.update(COMPONENTS)
        _document(schema)
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
