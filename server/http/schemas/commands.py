"""WebSocket commands (client -> server), one model per ``cmd``."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import Field, TypeAdapter

from server.sessions.strict_model import SampleRef, StrictModel
from server.sessions.traces import Kind

TRAIN_LIMITS = {"samples": 10_000, "batches": 10_000, "epochs": 10_000}


class Command(StrictModel):
    seq: int = Field(ge=-(2**53), le=2**53)


class Train(Command):
    cmd: Literal["train"]
    unit: Literal["samples", "batches", "epochs"]
    count: int = Field(ge=1, le=10_000)
    grid: int | None = Field(default=None, ge=8, le=128)  # lab: stream grids of this size


class Stop(Command):
    cmd: Literal["stop"]


class Rewind(Command):
    cmd: Literal["rewind"]
    epoch: int = Field(ge=0, le=100_000)


class Trace(Command):
    cmd: Literal["trace"]
    sample: Literal["last"] | SampleRef = "last"
    label: int | None = Field(default=None, ge=0, le=100_000)
    layers: list[str] | None = Field(default=None, max_length=128)
    kinds: list[Kind] | None = None
    dtype: Literal["float32", "uint8"] = "float32"


class SetProbeRate(Command):
    cmd: Literal["set_probe_rate"]
    per_second: float = Field(ge=0.0, le=30.0)
    sample: SampleRef | None = None
    layers: list[str] | None = Field(default=None, max_length=128)
    kinds: list[Kind] | None = None
    dtype: Literal["float32", "uint8"] | None = None


class State(Command):
    cmd: Literal["state"]


class Landscape(Command):
    cmd: Literal["landscape"]
    directions: Literal["random", "pca"] = "random"
    grid: int = Field(default=21, ge=3, le=101)
    span: float | None = Field(default=None, gt=0.0, le=10.0)
    eval_size: int = Field(default=256, ge=8, le=10_000)


class Grid(Command):
    cmd: Literal["grid"]
    size: int = Field(default=64, ge=8, le=128)


AnyCommand = Annotated[
    Train | Stop | Rewind | Trace | SetProbeRate | State | Landscape | Grid,
    Field(discriminator="cmd"),
]
COMMAND = TypeAdapter(AnyCommand)
# Each command's name, in the order of the union above: the WebSocket's dispatch table
# (server.http.websocket) has one handler per name, ``on_<name>``.
COMMAND_NAMES: tuple[str, ...] = tuple(
    get_args(model.model_fields["cmd"].annotation)[0]
    for model in get_args(get_args(AnyCommand)[0]))
# Commands answered as they arrive; the others queue and run one after another.
IMMEDIATE = ("stop", "set_probe_rate")
