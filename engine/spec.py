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

Shape = tuple[int, ...]

LAYER_TYPES = (
    "conv2d", "pool", "global_pool", "relu", "leaky_relu", "sigmoid", "tanh", "linear",
    "flatten", "dense", "dropout", "softmax",
)
ACTIVATIONS = ("relu", "leaky_relu", "sigmoid", "tanh", "linear", "softmax")
RELU_FAMILY = ("relu", "leaky_relu")

# Name prefixes: layers without a "name" are called prefix + 1-based count per type.
NAME_PREFIX = {
    "conv2d": "conv", "pool": "pool", "global_pool": "gpool", "relu": "relu",
    "leaky_relu": "lrelu", "sigmoid": "sigmoid", "tanh": "tanh", "linear": "linear",
    "flatten": "flatten",
    "dense": "dense", "dropout": "dropout", "softmax": "softmax",
}

# Defaults per type (None = computed from another key). "name" is allowed everywhere,
# "frozen" on layers that have parameters.
DEFAULTS: dict[str, dict[str, Any]] = {
    "conv2d": {"filters": 8, "kernel": 3, "stride": 1, "padding": 0, "frozen": False},
    "pool": {"mode": "max", "size": 2, "stride": None},
    "global_pool": {"mode": "avg"},
    "relu": {},
    "leaky_relu": {"slope": 0.01},
    "sigmoid": {},
    "tanh": {},
    "linear": {},
    "flatten": {},
    "dense": {"units": 10, "frozen": False},
    "dropout": {"rate": 0.5},
    "softmax": {},
}

LIMITS = {
    "filters": (1, 64),
    "kernel": (1, 7),
    "conv_stride": (1, 3),
    "pool_size": (1, 7),
    "pool_stride": (1, 7),
    "units": (1, 1024),
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


def _normalize_conv(d: dict[str, Any], i: int) -> None:
    k = _int(d["kernel"], "kernel", *LIMITS["kernel"], i, "conv2d")
    _int(d["filters"], "filters", *LIMITS["filters"], i, "conv2d")
    s = _int(d["stride"], "stride", *LIMITS["conv_stride"], i, "conv2d")
    p = d["padding"]
    if p in ("same", "valid"):
        if p == "same" and (s != 1 or k % 2 == 0):
            raise _fail(i, "conv2d", f'padding "same" needs stride 1 and an odd kernel, '
                        f"got stride {s} and kernel {k}")
    elif isinstance(p, str):
        raise _fail(i, "conv2d", f'padding must be an integer, "same" or "valid", got {p!r}')
    else:
        _int(p, "padding", 0, k - 1, i, "conv2d")
    if not isinstance(d["frozen"], bool):
        raise _fail(i, "conv2d", f"frozen must be true or false, got {d['frozen']!r}")


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
    if kind == "conv2d":
        _normalize_conv(d, i)
    elif kind == "pool":
        if d["mode"] not in ("max", "avg", "min"):
            raise _fail(i, kind, f"mode must be max, avg or min, got {d['mode']!r}")
        _int(d["size"], "size", *LIMITS["pool_size"], i, kind)
        if d["stride"] is None:
            d["stride"] = d["size"]
        _int(d["stride"], "stride", *LIMITS["pool_stride"], i, kind)
    elif kind == "global_pool":
        if d["mode"] not in ("max", "avg"):
            raise _fail(i, kind, f"mode must be max or avg, got {d['mode']!r}")
    elif kind == "leaky_relu":
        slope = d["slope"]
        if isinstance(slope, bool) or not isinstance(slope, int | float) or not 0 <= slope < 1:
            raise _fail(i, kind, f"slope must be a number in [0, 1), got {slope!r}")
        d["slope"] = float(slope)
    elif kind == "dense":
        _int(d["units"], "units", *LIMITS["units"], i, kind)
        if not isinstance(d["frozen"], bool):
            raise _fail(i, kind, f"frozen must be true or false, got {d['frozen']!r}")
    elif kind == "dropout":
        rate = d["rate"]
        if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate < 1:
            raise _fail(i, kind, f"rate must be a number in [0, 1), got {rate!r}")
        d["rate"] = float(rate)
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
    if kind in ("conv2d", "pool", "global_pool") and len(in_shape) != 3:
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
