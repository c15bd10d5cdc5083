"""ASGI middleware against DNS rebinding and cross-site requests.

``Host`` must name this server: the bound address, any name given with ``--allow-host``,
and, when bound to a loopback address, ``localhost``/``127.0.0.1``/``[::1]`` (when bound to
every interface, ``0.0.0.0`` or ``::``, also any IP literal and the machine's own name: a
rebinding page always comes by a DNS name). Anything else is refused (400 naming ``host``;
a WebSocket handshake is refused with 403) before any route runs.

A request that carries an ``Origin`` (browsers send one with every WebSocket handshake and
with cross-site POST/PUT/DELETE) must come from this server's own pages: the origin's host
is the request's Host (and its port too when Host names one). Other pages, ``null``
origins included, are refused with 403 naming ``origin``. Requests without an Origin (curl,
scripts) pass.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARDS = frozenset({"0.0.0.0", "::", ""})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _ip(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        return None


def is_loopback(host: str) -> bool:
    """True for localhost and any loopback address (127.0.0.0/8, ::1)."""
    name = host.strip("[]").lower()
    address = _ip(name)
    return name == "localhost" or (address is not None and address.is_loopback)


def split_host(value: str) -> tuple[str, int | None]:
    """("name", port or None) of a Host header value: ``a.b:80``, ``[::1]:8000``, ``::1``."""
    value = value.strip().lower()
    if value.startswith("["):
        name, _, rest = value[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    elif value.count(":") == 1:
        name, _, port = value.partition(":")
    else:
        name, port = value, ""
    return name.rstrip("."), int(port) if port.isdigit() else None


class HostPolicy:
    """Which Host names this server answers to (see the module docstring)."""

    def __init__(self, bound: str, allowed: tuple[str, ...] = ()) -> None:
        self.bound = bound.strip("[]").lower()
        self.names = {split_host(n)[0] for n in allowed} | {self.bound}
        self.any_ip = self.bound in WILDCARDS
        if is_loopback(self.bound) or self.any_ip:
            self.names |= LOOPBACK_NAMES
        if self.any_ip:
            self.names |= {socket.gethostname().lower(), socket.getfqdn().lower()}

    def allows(self, host: str) -> bool:
        name = split_host(host)[0]
        if name in self.names or "*" in self.names:
            return True
        address = _ip(name)
        return address is not None and (self.any_ip or (address.is_loopback
                                                         and is_loopback(self.bound)))


def same_origin(origin: str, host: str) -> bool:
    """The Origin header ``origin`` is the page of the Host ``host`` (port compared only when
    Host names one: behind a proxy the Host may carry none)."""
    if origin == "null":
        return False
    try:
        parts = urlsplit(origin)
        origin_name, origin_port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return False
    if parts.scheme not in ("http", "https"):
        return False
    if origin_port is None:
        origin_port = 443 if parts.scheme == "https" else 80
    name, port = split_host(host)
    return origin_name == name and (port is None or port == origin_port)


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers", []):
        if name == wanted:
            return str(value.decode("latin-1"))
    return None


class HostGuardMiddleware:
    def __init__(self, app: ASGIApp, policy: HostPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        host = _header(scope, b"host") or ""
        origin = _header(scope, b"origin")
        if not self.policy.allows(host):
            await _refuse(scope, send, 400, "host", f"host: {host or '(none)'!r} is not a name "
                          "this server answers to; open it by its own address, or start "
                          "nnplay with --allow-host NAME")
            return
        checks_origin = scope["type"] == "websocket" or scope["method"] not in SAFE_METHODS
        if checks_origin and origin is not None and not same_origin(origin, host):
            await _refuse(scope, send, 403, "origin", f"origin: requests from {origin!r} are "
                          "refused; use nnplay's own pages")
            return
        await self.app(scope, receive, send)


async def _refuse(scope: Scope, send: Send, status: int, field: str, message: str) -> None:
    """A JSON error reply (HTTP) or a refused handshake (WebSocket: HTTP 403)."""
    if scope["type"] == "websocket":
        reason = message.encode()[:120].decode(errors="ignore")  # a close reason: <= 123 bytes
        await send({"type": "websocket.close", "code": 1008, "reason": reason})
        return
    body = json.dumps({"detail": {"message": message, "field": field}}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
