"""Body of the lab's point forward."""

from __future__ import annotations

from pydantic import Field

from server.sessions.strict_model import StrictModel


class PointBody(StrictModel):
    """One 2-D point ``[x1, x2]`` in the units the lab shows (people: after the shift)."""

    point: list[float] = Field(min_length=2, max_length=2)
