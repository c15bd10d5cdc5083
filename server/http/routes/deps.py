"""Shared route helpers: the app's session runtime and limits."""

from __future__ import annotations

from typing import cast

from fastapi import Request

from server.config import Settings
from server.http.client_limits import ClientLimits, client_of
from server.runtime.session_runtime import SessionRuntime


def runtime(request: Request) -> SessionRuntime:
    """Where the sessions live (server.runtime.session_runtime): every route's one call."""
    return cast(SessionRuntime, request.app.state.runtime)


def limits(request: Request) -> Settings:
    return cast(Settings, request.app.state.settings)


def client_limits(request: Request) -> ClientLimits:
    return cast(ClientLimits, request.app.state.client_limits)


def count_new_session(request: Request) -> None:
    """One more session for this client this minute; 429 when it has made its allowance."""
    client_limits(request).take_session(client_of(request))
