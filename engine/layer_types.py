"""The layer types: one declarative table, the single source of every layer type's facts.

Each :class:`LayerType` says what a type is called (its spec ``type``, a label, the prefix of
its automatic names), which keys a layer of it takes (:class:`Field`: kind, default, limits,
choices), and what it is: whether it has parameters (W, b), whether it is an activation (and
an element-wise one, with its op pair), whether it is monotone (non-decreasing, so that it
commutes with max/min pooling), whether it is a rectifier (He initialisation before it, dead
units tracked) and whether initialisation looks through it for the next activation.

Everything else reads this table: :mod:`engine.spec` validates and fills defaults from it,
:mod:`engine.layers.build` and :mod:`engine.init` enumerate types through it, the loss-surface
evaluator takes ``monotone`` from it, the server serves it as ``GET /api/layers``
(:func:`table_json`) and generates the PyTorch script from ``pytorch``, and the page's editor,
URL codec and detail panel read what the server serves.

Adding an element-wise activation takes one entry here and its forward/backward pair in
:mod:`engine.ops.activations` (``<op>_forward(x, **fields) -> (out, cache)``,
``<op>_backward(dout, cache) -> dx``); docs/architecture.md shows it step by step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine.ops import activations as act

# Field kinds: "int" (whole number in [min, max]), "number" (in [min, max), a float),
# "choice" (one of ``choices``), "bool", "padding" (an int in [0, kernel - 1] or a choice).
KINDS = ("int", "number", "choice", "bool", "padding")


@dataclass(frozen=True)
class Field:
    """One key of a layer: its kind, default and limits.

    ``default`` None with ``default_from`` set means "the value of that other key" (a pool's
    stride is its size). ``suggest`` is the value a new layer starts with in the editor when
    it differs from the default. ``step`` is the editor's increment for a number."""

    key: str
    kind: str
    default: Any
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = ()
    step: float | None = None
    default_from: str | None = None
    suggest: Any = None

    def json(self) -> dict[str, Any]:
        """The field as JSON-ready data (keys whose value is None left out)."""
        out: dict[str, Any] = {"key": self.key, "kind": self.kind, "default": self.default}
        for name in ("min", "max", "step", "default_from", "suggest"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        if self.choices:
            out["choices"] = list(self.choices)
        return out


@dataclass(frozen=True)
class LayerType:
    """One layer type. ``op`` names the ``<op>_forward``/``<op>_backward`` pair of an
    element-wise activation in :mod:`engine.ops.activations` (looked up when called);
    ``pytorch`` is the equal torch module as a Python expression over the normalised layer
    dict ``layer`` (empty for layers with parameters: the exported script copies weights)."""

    name: str
    label: str
    prefix: str
    fields: tuple[Field, ...] = ()
    params: bool = False
    activation: bool = False
    monotone: bool = False
    rectifier: bool = False
    pass_through: bool = False
    needs_map: bool = False
    op: str | None = None
    pytorch: str = ""

    @property
    def elementwise(self) -> bool:
        """An element-wise activation: its op is applied to every value on its own."""
        return self.op is not None

    def forward(self) -> Callable[..., tuple[Any, Any]]:
        """The element-wise op's forward: ``(x, **fields) -> (out, cache)``."""
        return getattr(act, f"{self.op}_forward")

    def backward(self) -> Callable[[Any, Any], Any]:
        """The element-wise op's backward: ``(dout, cache) -> dx``."""
        return getattr(act, f"{self.op}_backward")

    def defaults(self) -> dict[str, Any]:
        """key -> default (None where it is computed from another key)."""
        return {f.key: f.default for f in self.fields}

    def json(self) -> dict[str, Any]:
        """The type as JSON-ready data (everything but the op)."""
        return {"type": self.name, "label": self.label, "prefix": self.prefix,
                "fields": [f.json() for f in self.fields], "params": self.params,
                "activation": self.activation, "elementwise": self.elementwise,
                "monotone": self.monotone, "rectifier": self.rectifier,
                "pass_through": self.pass_through, "needs_map": self.needs_map,
                "pytorch": self.pytorch}


FROZEN = Field("frozen", "bool", False)

TYPES: tuple[LayerType, ...] = (
    LayerType("conv2d", "convolution", "conv", (
        Field("filters", "int", 8, 1, 64),
        Field("kernel", "int", 3, 1, 7),
        Field("stride", "int", 1, 1, 3),
        Field("padding", "padding", 0, 0, choices=("same", "valid"), suggest=1),
        FROZEN), params=True, needs_map=True),
    LayerType("pool", "pooling", "pool", (
        Field("mode", "choice", "max", choices=("max", "avg", "min")),
        Field("size", "int", 2, 1, 7),
        Field("stride", "int", None, 1, 7, default_from="size")),
        pass_through=True, needs_map=True,
        pytorch='{"max": nn.MaxPool2d, "avg": nn.AvgPool2d, "min": MinPool2d}'
                '[layer["mode"]](layer["size"], layer["stride"])'),
    LayerType("global_pool", "global pooling", "gpool", (
        Field("mode", "choice", "avg", choices=("max", "avg")),),
        pass_through=True, needs_map=True, pytorch='GlobalPool(layer["mode"])'),
    LayerType("relu", "ReLU", "relu", activation=True, monotone=True, rectifier=True,
              op="relu", pytorch="nn.ReLU()"),
    LayerType("leaky_relu", "leaky ReLU", "lrelu", (
        Field("slope", "number", 0.01, 0, 1, step=0.01),),
        activation=True, monotone=True, rectifier=True,
        op="leaky_relu",
        pytorch='nn.LeakyReLU(layer["slope"])'),
    LayerType("sigmoid", "sigmoid", "sigmoid", activation=True, monotone=True,
              op="sigmoid", pytorch="nn.Sigmoid()"),
    LayerType("tanh", "tanh", "tanh", activation=True, monotone=True,
              op="tanh", pytorch="nn.Tanh()"),
    LayerType("linear", "linear (identity)", "linear", activation=True, monotone=True,
              op="linear", pytorch="nn.Identity()"),
    LayerType("flatten", "flatten", "flatten", pass_through=True,
              pytorch="nn.Flatten()"),  # (C, H, W) order, as the dense weights expect
    LayerType("dense", "dense", "dense", (
        Field("units", "int", 10, 1, 1024, suggest=32), FROZEN), params=True),
    LayerType("dropout", "dropout", "dropout", (
        Field("rate", "number", 0.5, 0, 1, step=0.05),),
        pass_through=True, monotone=True, pytorch='nn.Dropout(layer["rate"])'),
    LayerType("softmax", "softmax", "softmax", activation=True, pytorch="nn.Softmax(dim=1)"),
)

BY_NAME: dict[str, LayerType] = {t.name: t for t in TYPES}
NAMES: tuple[str, ...] = tuple(BY_NAME)


def get(name: str) -> LayerType:
    """The type called ``name``; KeyError for an unknown one."""
    return BY_NAME[name]


def names_where(**facts: bool) -> tuple[str, ...]:
    """Names of the types whose facts match, e.g. ``names_where(monotone=True)``."""
    return tuple(t.name for t in TYPES if all(getattr(t, k) == v for k, v in facts.items()))


def op_args(d: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of an element-wise op: the layer's own fields (``slope``)."""
    return {f.key: d[f.key] for f in BY_NAME[d["type"]].fields}


def table_json() -> list[dict[str, Any]]:
    """The whole table as JSON-ready data, in spec order (what ``GET /api/layers`` serves)."""
    return [t.json() for t in TYPES]
