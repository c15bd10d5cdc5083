"""The API explorer at /docs, served from the vendored swagger-ui (static/vendor/swagger-ui/),
so it works with no internet (FastAPI's default loads it from a CDN)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

router = APIRouter()
VENDOR = "/static/vendor/swagger-ui"


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def api_docs() -> HTMLResponse:
    """Swagger UI for /openapi.json."""
    return get_swagger_ui_html(
        openapi_url="/openapi.json", title="nnplay API",
        swagger_js_url=f"{VENDOR}/swagger-ui-bundle.js",
        swagger_css_url=f"{VENDOR}/swagger-ui.css",
        swagger_favicon_url=f"{VENDOR}/favicon-32x32.png")
