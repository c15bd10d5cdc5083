"""The HTML page shells rendered from templates/."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from server.config import TEMPLATES_DIR

router = APIRouter()
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def index(request: Request) -> HTMLResponse:
    """The playground page."""
    return templates.TemplateResponse(request, "index.html", {})


@router.get("/lab", response_class=HTMLResponse, include_in_schema=False)
def lab(request: Request) -> HTMLResponse:
    """The lab page: one neuron, a 2-2-1 network by hand, 2-D data."""
    return templates.TemplateResponse(request, "lab.html", {})
