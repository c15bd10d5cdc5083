"""Bodies that carry an architecture spec (validated by the engine, not here)."""

from __future__ import annotations

from typing import Any

from server.schemas.common import StrictModel


class SpecBody(StrictModel):
    """``{"spec": {...}}``; the spec's own rules live in engine.spec."""

    spec: dict[str, Any]
