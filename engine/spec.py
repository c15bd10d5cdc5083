"""The architecture spec: validation, defaults, names and a pure shape table.

A spec is a plain dict::

    {"input": {"channels": 1, "height": 28, "width": 28},
     "layers": [{"type": "conv2d", "filters": 8, "kernel": 3, "padding": 1}, ...]}

``normalize(spec)`` returns a new dict with every default filled in and every layer named;
it raises :class:`SpecError` (a ``ValueError``) for anything that cannot work, before any
array is allocated. ``describe(spec)`` returns one :class:`LayerInfo` per layer.

Shapes are ``(C, H, W)`` for images and ``(D,)`` for vectors. Output size of a conv or pool:
``out = floor((in + 2*pad - kernel) / stride) + 1``.

Messages name the layer by its 1-based position and type, and the shapes involved:
``layer 3 (conv2d): kernel 5 does not fit a 3x3 input with padding 0``;
``SpecError.layer_index`` is the 0-based index (``None`` for the input block or the spec).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine import layer_types

Shape = tuple[int, ...]

LAYER_TYPES = layer_types.NAMES
ACTIVATIONS = layer_types.names_where(activation=True)
RELU_FAMILY = layer_types.names_where(rectifier=True)

# Name prefixes: layers without a "name" are called prefix + 1-based count per type.
NAME_PREFIX = {t.name: t.prefix for t in layer_types.TYPES}

# Defaults per type (None = computed from another key). "name" is allowed everywhere,
# "frozen" on layers that have parameters.
DEFAULTS: dict[str, dict[str, Any]] = {t.name: t.defaults() for t in layer_types.TYPES}

# The input block's limits (each layer key's limits are in engine.layer_types).
LIMITS = {
    "channels": (1, 64),
    "side": (1, 512),
}
MAX_LAYERS = 64
MAX_PARAMS = 5_000_000


class SpecError(ValueError):
    """An architecture spec that cannot work; ``layer_index`` is 0-based or None."""

    def __init__(self, message: str, layer_index: int | None = None) -> None:
        super().__init__(message)
        self.layer_index = layer_index


@dataclass(frozen=True)
class LayerInfo:
    """One row of the shape table: shapes are (C, H, W) or (D,)."""

    name: str
    type: str
    input_shape: Shape
    output_shape: Shape
    param_count: int


def _where(index: int | None, kind: str | None) -> str:
    if index is None:
        return "input"
    return f"layer {index + 1} ({kind})" if kind else f"layer {index + 1}"


def _fail(index: int | None, kind: str | None, what: str) -> SpecError:
    return SpecError(f"{_where(index, kind)}: {what}", index)


def _int(value: Any, key: str, lo: int, hi: int, index: int | None, kind: str | None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(index, kind, f"{key} must be an integer, got {value!r}")
    if value < lo or value > hi:
        raise _fail(index, kind, f"{key} {value} is outside {lo}..{hi}")
    return value


def _unknown_keys(block: dict[Any, Any], allowed: set[str], where: str) -> str | None:
    """The first key of ``block`` not in ``allowed`` as a message, or None.

    Keys must be strings (JSON object keys always are; a Python caller may pass others)."""
    for key in block:
        if not isinstance(key, str):
            return f"{where}: keys must be strings, got {key!r}"
    unknown = sorted(set(block) - allowed)
    if unknown:
        return f"{where}: unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})"
    return None


def resolve_padding(padding: int | str, kernel: int, stride: int) -> int:
    """Padding in pixels: "valid" is 0, "same" is (kernel-1)//2 (stride 1, odd kernel)."""
    if padding == "valid":
        return 0
    if padding == "same":
        return (kernel - 1) // 2
    return int(padding)


def conv_out(size: int, kernel: int, stride: int, pad: int) -> int:
    """floor((size + 2*pad - kernel) / stride) + 1 (may be <= 0 for a misfit)."""
    return (size + 2 * pad - kernel) // stride + 1


def _normalize_input(block: Any) -> dict[str, int]:
    if not isinstance(block, dict):
        raise SpecError("input: must be an object with channels, height, width", None)
    problem = _unknown_keys(block, {"channels", "height", "width"}, "input")
    if problem:
        raise SpecError(problem, None)
    out = {}
    for key, lim in (("channels", "channels"), ("height", "side"), ("width", "side")):
        if key not in block:
            raise SpecError(f"input: missing {key}", None)
        lo, hi = LIMITS[lim]
        out[key] = _int(block[key], key, lo, hi, None, None)
    return out


def _or_list(choices: tuple[str, ...]) -> str:
    """("max", "avg", "min") -> "max, avg or min"."""
    return f"{', '.join(choices[:-1])} or {choices[-1]}" if len(choices) > 1 else choices[0]


def _check_padding(d: dict[str, Any], f: layer_types.Field, i: int, kind: str) -> None:
    """An int in [min, kernel - 1], or one of the choices ("same" needs stride 1, odd kernel)."""
    p, k, s = d[f.key], d["kernel"], d["stride"]
    if p in f.choices:
        if p == "same" and (s != 1 or k % 2 == 0):
            raise _fail(i, kind, f'padding "same" needs stride 1 and an odd kernel, '
                        f"got stride {s} and kernel {k}")
    elif isinstance(p, str):
        quoted = tuple(f'"{c}"' for c in f.choices)
        raise _fail(i, kind, f"padding must be an integer, {_or_list(quoted)}, got {p!r}")
    else:
        _int(p, f.key, int(f.min or 0), k - 1, i, kind)


def _check_field(d: dict[str, Any], f: layer_types.Field, i: int, kind: str) -> None:
    """Check (and, for a number, convert to float) one key of a layer, from its Field."""
    v = d[f.key]
    if f.kind == "int":
        if v is None and f.default_from:
            d[f.key] = v = d[f.default_from]
        assert f.min is not None and f.max is not None
        _int(v, f.key, int(f.min), int(f.max), i, kind)
    elif f.kind == "number":
        lo, hi = f.min or 0, f.max or 0
        if isinstance(v, bool) or not isinstance(v, int | float) or not lo <= v < hi:
            raise _fail(i, kind, f"{f.key} must be a number in [{lo:g}, {hi:g}), got {v!r}")
        d[f.key] = float(v)
    elif f.kind == "choice":
        if v not in f.choices:
            raise _fail(i, kind, f"{f.key} must be {_or_list(f.choices)}, got {v!r}")
    elif f.kind == "bool":
        if not isinstance(v, bool):
            raise _fail(i, kind, f"{f.key} must be true or false, got {v!r}")
    else:
        _check_padding(d, f, i, kind)


def _normalize_layer(raw: Any, i: int) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _fail(i, None, f"must be an object with a type, got {raw!r}")
    if "type" not in raw:
        raise _fail(i, None, f"missing type (known: {', '.join(LAYER_TYPES)})")
    kind = raw["type"]
    # Checked before the lookup below: a list or object is unhashable (TypeError, not SpecError).
    if not isinstance(kind, str):
        raise _fail(i, None, f"type must be a string (one of {', '.join(LAYER_TYPES)}), "
                    f"got {kind!r}")
    if kind not in DEFAULTS:
        raise _fail(i, None, f"unknown type {kind!r} (known: {', '.join(LAYER_TYPES)})")
    allowed = set(DEFAULTS[kind]) | {"type", "name"}
    problem = _unknown_keys(raw, allowed, _where(i, kind))
    if problem:
        raise SpecError(problem, i)
    d: dict[str, Any] = {"type": kind, **DEFAULTS[kind], **raw}
    if "name" in raw:
        name = raw["name"]
        if not isinstance(name, str) or not name or "." in name or len(name) > 40:
            raise _fail(i, kind, f"name must be a non-empty string without '.', got {name!r}")
    fields = layer_types.get(kind).fields
    # padding is checked last: its limit is the kernel, checked before it
    for f in sorted(fields, key=lambda f: f.kind == "padding"):
        _check_field(d, f, i, kind)
    return d


def _assign_names(layers: list[dict[str, Any]]) -> None:
    taken: set[str] = set()
    for i, d in enumerate(layers):
        if "name" in d:
            if d["name"] in taken:
                raise _fail(i, d["type"], f"name {d['name']!r} is used twice")
            taken.add(d["name"])
    counts: dict[str, int] = {}
    for d in layers:
        if "name" in d:
            continue
        prefix = NAME_PREFIX[d["type"]]
        n = counts.get(prefix, 0) + 1
        while f"{prefix}{n}" in taken:
            n += 1
        counts[prefix] = n
        d["name"] = f"{prefix}{n}"
        taken.add(d["name"])


def _shape_str(shape: Shape) -> str:
    return "x".join(str(s) for s in shape)


def layer_output_shape(d: dict[str, Any], in_shape: Shape, i: int = 0) -> Shape:
    """Output shape of one normalized layer dict for ``in_shape``; raises SpecError."""
    kind = d["type"]
    if layer_types.get(kind).needs_map and len(in_shape) != 3:
        raise _fail(i, kind, f"needs a (C, H, W) input, got a vector of {in_shape[0]}")
    if kind == "conv2d":
        c, h, w = in_shape
        k, s = d["kernel"], d["stride"]
        p = resolve_padding(d["padding"], k, s)
        if h + 2 * p < k or w + 2 * p < k:
            raise _fail(i, kind, f"kernel {k} does not fit a {h}x{w} input with padding {p}")
        return (d["filters"], conv_out(h, k, s, p), conv_out(w, k, s, p))
    if kind == "pool":
        c, h, w = in_shape
        k, s = d["size"], d["stride"]
        if h < k or w < k:
            raise _fail(i, kind, f"a {k}x{k} pool leaves nothing of a {h}x{w} input")
        return (c, conv_out(h, k, s, 0), conv_out(w, k, s, 0))
    if kind == "global_pool":
        return (in_shape[0],)
    if kind == "flatten":
        n = 1
        for s in in_shape:
            n *= s
        return (n,)
    if kind == "dense":
        if len(in_shape) != 1:
            raise _fail(i, kind, f"fed a {_shape_str(in_shape)} (C x H x W) tensor: "
                        "add a flatten (or global_pool) layer before it")
        return (d["units"],)
    if kind == "softmax" and len(in_shape) != 1:
        raise _fail(i, kind, f"needs a vector input, got a {_shape_str(in_shape)} tensor: "
                    "add flatten and dense layers before it")
    return in_shape


def param_count(d: dict[str, Any], in_shape: Shape, out_shape: Shape) -> int:
    """Weights plus biases of one layer (0 for layers without parameters)."""
    if d["type"] == "conv2d":
        return d["filters"] * in_shape[0] * d["kernel"] ** 2 + d["filters"]
    if d["type"] == "dense":
        return in_shape[0] * d["units"] + d["units"]
    return 0


def normalize(spec: Any) -> dict[str, Any]:
    """A new spec with defaults filled, names assigned and every shape checked."""
    if not isinstance(spec, dict):
        raise SpecError(f"spec: must be an object with input and layers, got {type(spec).__name__}")
    problem = _unknown_keys(spec, {"input", "layers"}, "spec")
    if problem:
        raise SpecError(problem)
    if "input" not in spec:
        raise SpecError("spec: missing input")
    inp = _normalize_input(spec["input"])
    raw_layers = spec.get("layers")
    if not isinstance(raw_layers, list) or not raw_layers:
        raise SpecError("spec: layers must be a non-empty list")
    if len(raw_layers) > MAX_LAYERS:
        raise SpecError(f"spec: {len(raw_layers)} layers is more than {MAX_LAYERS}")
    layers = [_normalize_layer(raw, i) for i, raw in enumerate(raw_layers)]
    _assign_names(layers)
    for i, d in enumerate(layers):
        if d["type"] == "softmax" and i != len(layers) - 1:
            raise _fail(i, "softmax", f"softmax must be the last layer, but {len(layers) - i - 1}"
                        " layer(s) follow it")
    shape: Shape = (inp["channels"], inp["height"], inp["width"])
    total = 0
    for i, d in enumerate(layers):
        out = layer_output_shape(d, shape, i)
        total += param_count(d, shape, out)
        shape = out
    if total > MAX_PARAMS:
        raise SpecError(f"spec: {total} parameters is more than the limit of {MAX_PARAMS}")
    return {"input": inp, "layers": layers}


def describe(spec: Any) -> list[LayerInfo]:
    """The shape table: one LayerInfo per layer, computed without allocating arrays."""
    norm = normalize(spec)
    inp = norm["input"]
    shape: Shape = (inp["channels"], inp["height"], inp["width"])
    rows = []
    for i, d in enumerate(norm["layers"]):
        out = layer_output_shape(d, shape, i)
        rows.append(LayerInfo(d["name"], d["type"], shape, out, param_count(d, shape, out)))
        shape = out
    return rows


def input_shape(spec: dict[str, Any]) -> Shape:
    """(C, H, W) of a normalized spec's input block."""
    inp = spec["input"]
    return (inp["channels"], inp["height"], inp["width"])
