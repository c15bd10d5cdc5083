"""Shared route helpers: the app's session manager and limits."""

from __future__ import annotations

from typing import cast

from fastapi import Request

from server.config import Settings
from server.manager import SessionManager


def manager(request: Request) -> SessionManager:
    return cast(SessionManager, request.app.state.manager)


def limits(request: Request) -> Settings:
    return cast(Settings, request.app.state.settings)
