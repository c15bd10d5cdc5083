"""The API explorer at /docs, served from the vendored swagger-ui (static/vendor/swagger-ui/),
so it works with no internet (FastAPI's default loads it from a CDN). The page is
templates/api_docs.html; swagger-ui starts from static/js/api-docs.js, not an inline script,
so the Content-Security-Policy (server/http/security_headers.py) needs no 'unsafe-inline'."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from server.http.routes.pages import templates

router = APIRouter()


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI for /openapi.json."""
    return templates.TemplateResponse(request, "api_docs.html", {})
