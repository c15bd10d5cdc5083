"""Request bodies of the lab's by-hand routes (POST /api/lab/...; docs/protocol.md).

Every number is finite and at most ``LIMIT`` in size; lists have the lengths the views need.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator

from server.sessions.strict_model import StrictModel

LIMIT = 1e6
MAX_INPUTS = 8
MAX_TRAIN_STEPS = 2000

Number = Annotated[float, Field(ge=-LIMIT, le=LIMIT)]
Rate = Annotated[float, Field(gt=0, le=10)]
Activation = Literal[  # engine.lab.activations.NAMES (a test holds them equal)
    "linear", "sigmoid", "tanh", "relu", "leaky_relu", "step"]


class NeuronBody(StrictModel):
    """One neuron: inputs ``x``, weights ``w`` (as many), bias ``b``, the activation."""

    x: list[Number] = Field(min_length=1, max_length=MAX_INPUTS)
    w: list[Number] = Field(min_length=1, max_length=MAX_INPUTS)
    b: Number = 0.0
    activation: Activation = "sigmoid"
    slope: float = Field(default=0.01, ge=0, le=1)

    @field_validator("w")
    @classmethod
    def _as_many_as_x(cls, w: list[float], info: ValidationInfo) -> list[float]:
        x = info.data.get("x")
        if x is not None and len(w) != len(x):
            raise ValueError(f"needs one weight per input: {len(x)} inputs, {len(w)} weights")
        return w


class Net221Params(StrictModel):
    """The nine numbers of the 2-2-1 network by name."""

    w1: Number
    w2: Number
    w3: Number
    w4: Number
    w5: Number
    w6: Number
    b1: Number
    b2: Number
    b3: Number


class Net221Body(StrictModel):
    """The network, one sample ``x`` with its target ``y`` and the SGD step's ``lr``;
    ``digits``: significant digits of the by-hand (rounded) column."""

    params: Net221Params
    x: list[Number] = Field(min_length=2, max_length=2)
    y: float = Field(ge=0, le=1)
    lr: Rate = 0.1
    digits: int = Field(default=3, ge=1, le=6)


class Net221TrainBody(StrictModel):
    """``steps`` SGD steps of ``lr`` on the people table, one person at a time from
    index ``start`` (0 Alice, 1 Bob, 2 Charlie, 3 Diana)."""

    params: Net221Params
    lr: Rate = 0.1
    steps: int = Field(default=1, ge=1, le=MAX_TRAIN_STEPS)
    start: int = Field(default=0, ge=0, le=3)


class Net221PredictBody(StrictModel):
    """A new person in raw units (the network sees them shifted by 135 lb and 66 in)."""

    params: Net221Params
    weight_lb: Number
    height_in: Number
