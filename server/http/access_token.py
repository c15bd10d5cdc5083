"""ASGI middleware: a shared access token, for a server others can reach (a teacher serving
a class with ``nnplay --host 0.0.0.0 --token WORD``, or ``$NNPLAY_TOKEN``).

A request carries the token as ``Authorization: Bearer <token>``, as the cookie
``nnplay_token`` or, once, as ``?token=<token>`` in the URL of the link that is shared: that
reply sets the cookie (HttpOnly, SameSite=Strict), so the page's own requests and its
WebSocket carry it from then on and other sites' requests never do. Without it: 401 naming
``token`` (a WebSocket handshake: 403). ``/api/health`` stays open (it tells nothing).
"""

from __future__ import annotations

import hmac
import json
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "nnplay_token"
OPEN_PATHS = frozenset({"/api/health"})


def _presented(scope: Scope) -> tuple[str | None, bool]:
    """(the token the request carries, whether it came in the query string)."""
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, credential = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer":
                return credential.strip(), False
        if name == b"cookie":
            cookie: SimpleCookie = SimpleCookie()
            try:
                cookie.load(value.decode("latin-1"))
            except Exception:  # a malformed Cookie header carries no token
                continue
            if COOKIE in cookie:
                return cookie[COOKIE].value, False
    if "token" in query:
        return query["token"][0], True
    return None, False


class AccessTokenMiddleware:
    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        token, from_query = _presented(scope)
        if token is None or not hmac.compare_digest(token.encode(), self.token):
            await self._refuse(scope, send, token is not None)
            return
        if not from_query or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookie = f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict".encode()

        async def with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []),
                                                  (b"set-cookie", cookie)]}
            await send(message)

        await self.app(scope, receive, with_cookie)

    @staticmethod
    async def _refuse(scope: Scope, send: Send, wrong: bool) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        message = ("token: this nnplay server needs its access token; open the link with "
                   "?token=... that whoever runs it shared, or send Authorization: Bearer "
                   "<token>") if not wrong else "token: the access token is wrong"
        body = json.dumps({"detail": {"message": message, "field": "token"}}).encode()
        await send({"type": "http.response.start", "status": 401,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()),
                                (b"www-authenticate", b"Bearer")]})
        await send({"type": "http.response.body", "body": body})
