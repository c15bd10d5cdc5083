"""ASGI middleware: no request body larger than its ceiling is read.

A multipart upload (image, zip, npz) may be up to ``max_upload_bytes``; any other body is
JSON (or refused as not JSON) and may be up to ``max_json_bytes``, which is far smaller:
parsing JSON costs many times its size in memory. A declared Content-Length over the
ceiling is refused before reading; a chunked body is counted as it arrives and cut off with
the same 413 the moment it crosses it.
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def json_too_large(limit: int) -> str:
    return (f"body: a JSON body may be at most {limit} bytes (max_json_bytes); send a large "
            "image as a multipart PNG or JPEG upload")


class BodyTooLarge(HTTPException):
    """Raised from ``receive``; an HTTPException so FastAPI passes it on as a 413."""

    def __init__(self, message: str) -> None:
        super().__init__(413, {"message": message, "field": "body"})  # type: ignore[arg-type]


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int, max_json_bytes: int | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_json_bytes = min(max_bytes, max_json_bytes if max_json_bytes is not None
                                  else max_bytes)

    def _ceiling(self, scope: Scope) -> tuple[int, str]:
        """(limit, message) for this request: uploads are multipart, anything else JSON."""
        content_type = b""
        for name, value in scope.get("headers", []):
            if name == b"content-type":
                content_type = value.lower()
        if content_type.startswith(b"multipart/form-data"):
            return self.max_bytes, (f"body: the request is larger than the limit of "
                                    f"{self.max_bytes} bytes (max_upload_bytes)")
        return self.max_json_bytes, json_too_large(self.max_json_bytes)

    @staticmethod
    async def _refuse(send: Send, message: str) -> None:
        body = json.dumps({"detail": {"message": message, "field": "body"}}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, refusal = self._ceiling(scope)
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > limit:
                    await self._refuse(send, refusal)
                    return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(refusal)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(send, refusal)
