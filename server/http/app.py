"""The FastAPI application factory."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from server import __version__
from server.config import STATIC_DIR, Settings
from server.http import error_handlers, openapi
from server.http.access_token import AccessTokenMiddleware
from server.http.bodies import BODY_MODELS
from server.http.body_limit import BodyLimitMiddleware
from server.http.client_limits import ClientLimits
from server.http.host_guard import HostGuardMiddleware, HostPolicy
from server.http.routes import (
    api_docs,
    cell,
    describe,
    export,
    forward,
    health,
    lab,
    landscape,
    layers,
    pages,
    planar,
    samples,
    sessions,
    ws,
)
from server.http.security_headers import SecurityHeadersMiddleware
from server.runtime.session_runtime import SessionRuntime, open_runtime

log = logging.getLogger(__name__)


async def _expire_forever(runtime: SessionRuntime, every: float) -> None:
    """The idle sweep, every ``every`` seconds; a sweep that fails is logged and the next
    one runs on time."""
    while True:
        try:
            await runtime.expire()
        except Exception:
            log.exception("expiring idle sessions failed; trying again in %g s", every)
        await asyncio.sleep(every)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for ``settings`` (defaults: per-user data dir)."""
    settings = settings or Settings()
    running = [0]  # lifespans running now (test clients may overlap them)
    closed: list[SessionRuntime] = []  # the runtimes closed by a lifespan's end

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        """The idle sweep while the app serves; when the last lifespan ends (the server
        shuts down) the runtime is closed (its store's connections). An app started again
        (test clients do) opens a new runtime over the same store."""
        if app.state.runtime in closed:
            app.state.runtime = open_runtime(settings)
        running[0] += 1
        runtime = app.state.runtime
        sweeper = asyncio.create_task(_expire_forever(runtime, settings.expiry_interval_seconds))
        try:
            yield
        finally:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
            running[0] -= 1
            if running[0] == 0:
                closed.append(runtime)
                runtime.close()

    app = FastAPI(title="nnplay", version=__version__, lifespan=lifespan,
                  docs_url=None, redoc_url=None)  # /docs is served from static/vendor
    app.state.settings = settings
    app.state.runtime = open_runtime(settings)  # in this process, or on Ray (--ray): where
    #                                             sessions live, the routes' one way to them
    error_handlers.install(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_upload_bytes,
                       max_json_bytes=settings.max_json_bytes)
    if settings.token is not None:
        app.add_middleware(AccessTokenMiddleware, token=settings.token)
    app.add_middleware(HostGuardMiddleware, policy=HostPolicy(settings.host,
                                                             settings.allow_hosts))
    app.state.client_limits = ClientLimits(settings.max_sessions_per_minute,
                                           settings.max_decode_pixels_per_minute)
    app.add_middleware(SecurityHeadersMiddleware)  # CSP, nosniff, referrer, no framing
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.include_router(pages.router)
    app.include_router(api_docs.router)
    app.include_router(health.router)
    app.include_router(describe.router)
    app.include_router(layers.router)
    app.include_router(sessions.router)
    app.include_router(forward.router)
    app.include_router(cell.router)
    app.include_router(samples.router)
    app.include_router(export.router)
    app.include_router(landscape.router)
    app.include_router(lab.router)
    app.include_router(planar.router)
    app.include_router(ws.router)
    openapi.install(app, BODY_MODELS)
    return app
