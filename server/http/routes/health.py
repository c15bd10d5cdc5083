"""Liveness probe."""

from __future__ import annotations

from fastapi import APIRouter

from server import __version__

router = APIRouter()


@router.get("/api/health")
def health() -> dict[str, str]:
    """Answers while the server is up."""
    return {"status": "ok", "version": __version__}
