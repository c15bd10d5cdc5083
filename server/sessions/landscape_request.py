"""What a loss surface asks for: the body of the landscape route and of the WebSocket command."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from server.sessions.strict_model import StrictModel


class LandscapeBody(StrictModel):
    directions: Literal["random", "pca"] = "random"
    grid: int = Field(default=21, ge=3, le=101)
    span: float | None = Field(default=None, gt=0.0, le=10.0)  # None: the engine's choice
    eval_size: int = Field(default=256, ge=8, le=10_000)

    @field_validator("grid")
    @classmethod
    def _odd(cls, grid: int) -> int:
        if grid % 2 == 0:
            raise ValueError(f"grid must be odd (the current weights sit at the centre), "
                             f"got {grid}")
        return grid
