"""Bodies that carry an image or a typed input: forward inputs and own samples."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from server.labels import LABEL_PATTERN, MAX_LABEL, label_problem
from server.sessions.strict_model import SampleRef, StrictModel

MAX_SIDE = 4096


class Pixels(StrictModel):
    """Row-major grayscale: a list of width*height numbers, or base64 of width*height bytes.

    ``range`` declares the scale of the numbers: 255 (0..255) or 1 (0..1); base64 bytes are
    always 0..255.
    """

    pixels: list[float] | str
    width: int = Field(ge=1, le=MAX_SIDE)
    height: int = Field(ge=1, le=MAX_SIDE)
    range: Literal[1, 255] = 255


MAX_INPUT_VALUE = 1e6  # typed input values: any real number up to this size


class TypedInput(StrictModel):
    """The network's input exactly as typed: C*H*W finite numbers, row-major (channel, row,
    column), fed as they are (no preprocessing). ``shape``, if given, must be the network's."""

    values: list[float] = Field(min_length=1)
    shape: list[int] | None = Field(default=None, min_length=3, max_length=3)


class ForwardBody(StrictModel):
    """One of: pixels (with width, height, range), a dataset sample, or a typed input."""

    pixels: list[float] | str | None = None
    width: int | None = Field(default=None, ge=1, le=MAX_SIDE)
    height: int | None = Field(default=None, ge=1, le=MAX_SIDE)
    range: Literal[1, 255] = 255
    sample: SampleRef | None = None
    input: TypedInput | None = None

    @model_validator(mode="after")
    def _one_source(self) -> ForwardBody:
        given = [k for k in ("pixels", "sample", "input") if getattr(self, k) is not None]
        if len(given) > 1:
            raise ValueError(f"give one of pixels, sample or input, not {' and '.join(given)}")
        if self.sample is not None or self.input is not None:
            return self
        if self.pixels is None:
            raise ValueError("pixels (with width and height), sample or input is required")
        if self.width is None or self.height is None:
            raise ValueError("width and height are required with pixels")
        return self

    def as_pixels(self) -> Pixels | None:
        if self.pixels is None or self.width is None or self.height is None:
            return None
        return Pixels(pixels=self.pixels, width=self.width, height=self.height, range=self.range)


class OwnSampleBody(Pixels):
    """A drawn sample and the class the user names for it."""

    # the pattern documents server.labels' rule in the schema; label_problem enforces it and
    # says which character is at fault
    label: str = Field(min_length=1, max_length=MAX_LABEL,
                       json_schema_extra={"pattern": LABEL_PATTERN})

    @field_validator("label")
    @classmethod
    def _label_rule(cls, label: str) -> str:
        problem = label_problem(label)
        if problem:
            raise ValueError(f"the label {problem}")
        return label
