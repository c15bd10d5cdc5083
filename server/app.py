"""The FastAPI application factory."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from server import __version__
from server.config import STATIC_DIR, Settings
from server.routes import health, pages


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for ``settings`` (defaults: per-user data dir)."""
    settings = settings or Settings()
    app = FastAPI(title="nnplay", version=__version__)
    app.state.settings = settings
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.include_router(pages.router)
    app.include_router(health.router)
    return app
