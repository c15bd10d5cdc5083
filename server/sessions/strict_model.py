"""The base model (strict types, no NaN/inf, no unknown keys) and a dataset sample reference."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class StrictModel(BaseModel):
    """No type coercion ("1" is not 1), no NaN or infinity, no unknown keys."""

    model_config = ConfigDict(strict=True, allow_inf_nan=False, extra="forbid")


class SampleRef(StrictModel):
    """One example of the session's dataset split, by index."""

    split: Literal["train", "val", "test"] = "val"
    index: int = Field(ge=0, le=10_000_000)
