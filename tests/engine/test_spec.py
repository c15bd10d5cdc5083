"""Spec validation: defaults, names, the shape table and every refusal with its message."""

from __future__ import annotations

import re

import pytest

from engine.spec import SpecError, describe, normalize
from tests.engine.helpers import spec_of


def refuse(spec: dict, pattern: str, index: int | None) -> SpecError:
    with pytest.raises(SpecError) as info:
        normalize(spec)
    assert re.search(pattern, str(info.value)), str(info.value)
    assert info.value.layer_index == index
    assert isinstance(info.value, ValueError)
    return info.value


def test_defaults_and_names_are_filled() -> None:
    norm = normalize(spec_of(1, 28, 28, {"type": "conv2d"}, {"type": "relu"}, {"type": "pool"},
                             {"type": "conv2d", "filters": 4}, {"type": "flatten"},
                             {"type": "dense"}, {"type": "softmax"}))
    names = [d["name"] for d in norm["layers"]]
    assert names == ["conv1", "relu1", "pool1", "conv2", "flatten1", "dense1", "softmax1"]
    conv = norm["layers"][0]
    assert (conv["filters"], conv["kernel"], conv["stride"], conv["padding"]) == (8, 3, 1, 0)
    assert conv["frozen"] is False
    pool = norm["layers"][2]
    assert (pool["mode"], pool["size"], pool["stride"]) == ("max", 2, 2)
    assert norm["layers"][5]["units"] == 10


def test_normalize_does_not_change_its_argument() -> None:
    spec = spec_of(1, 8, 8, {"type": "conv2d"})
    normalize(spec)
    assert spec == spec_of(1, 8, 8, {"type": "conv2d"})


def test_explicit_names_are_kept_and_auto_names_avoid_them() -> None:
    norm = normalize(spec_of(1, 8, 8, {"type": "conv2d", "name": "conv2"}, {"type": "conv2d"},
                             {"type": "conv2d"}))
    assert [d["name"] for d in norm["layers"]] == ["conv2", "conv1", "conv3"]


def test_describe_shapes_and_param_counts() -> None:
    rows = describe(spec_of(1, 28, 28, {"type": "conv2d", "filters": 8, "padding": 1},
                            {"type": "relu"}, {"type": "pool"}, {"type": "flatten"},
                            {"type": "dense", "units": 10}, {"type": "softmax"}))
    assert [(r.name, r.input_shape, r.output_shape, r.param_count) for r in rows] == [
        ("conv1", (1, 28, 28), (8, 28, 28), 8 * 9 + 8),
        ("relu1", (8, 28, 28), (8, 28, 28), 0),
        ("pool1", (8, 28, 28), (8, 14, 14), 0),
        ("flatten1", (8, 14, 14), (8 * 14 * 14,), 0),
        ("dense1", (8 * 14 * 14,), (10,), 8 * 14 * 14 * 10 + 10),
        ("softmax1", (10,), (10,), 0),
    ]


@pytest.mark.parametrize(("padding", "kernel", "stride", "size"), [
    (0, 3, 1, 2), (1, 3, 1, 4), ("same", 5, 1, 4), ("valid", 3, 1, 2), (2, 5, 2, 2),
    (0, 1, 3, 2),
])
def test_conv_output_size_formula(padding, kernel, stride, size) -> None:
    (row,) = describe(spec_of(2, 4, 4, {"type": "conv2d", "kernel": kernel, "stride": stride,
                                         "padding": padding, "filters": 3}))
    assert row.output_shape == (3, size, size)


def test_kernel_that_does_not_fit_names_layer_and_shapes() -> None:
    spec = spec_of(1, 5, 5, {"type": "conv2d"}, {"type": "relu"},
                   {"type": "conv2d", "kernel": 5})
    err = refuse(spec, r"^layer 3 \(conv2d\): kernel 5 does not fit a 3x3 input with "
                       r"padding 0$", 2)
    assert "3x3" in str(err)


def test_dense_fed_a_3d_tensor_is_refused() -> None:
    refuse(spec_of(1, 6, 6, {"type": "conv2d", "filters": 4}, {"type": "dense", "units": 3}),
           r"layer 2 \(dense\): fed a 4x4x4 .*flatten", 1)


def test_softmax_must_be_last() -> None:
    refuse(spec_of(1, 4, 4, {"type": "flatten"}, {"type": "softmax"},
                   {"type": "dense", "units": 2}),
           r"layer 2 \(softmax\): softmax must be the last layer", 1)


def test_softmax_needs_a_vector() -> None:
    refuse(spec_of(1, 4, 4, {"type": "softmax"}), r"layer 1 \(softmax\): needs a vector", 0)


def test_pool_that_leaves_nothing() -> None:
    refuse(spec_of(1, 5, 5, {"type": "conv2d", "kernel": 3}, {"type": "pool", "size": 4}),
           r"layer 2 \(pool\): a 4x4 pool leaves nothing of a 3x3 input", 1)


@pytest.mark.parametrize(("layer", "pattern"), [
    ({"type": "conv2d", "filters": 0}, r"filters 0 is outside 1\.\.64"),
    ({"type": "conv2d", "filters": 65}, r"filters 65 is outside 1\.\.64"),
    ({"type": "conv2d", "kernel": -1}, r"kernel -1 is outside 1\.\.7"),
    ({"type": "conv2d", "kernel": 8}, r"kernel 8 is outside 1\.\.7"),
    ({"type": "conv2d", "stride": 4}, r"stride 4 is outside 1\.\.3"),
    ({"type": "conv2d", "stride": 0}, r"stride 0 is outside 1\.\.3"),
    ({"type": "conv2d", "padding": -1}, r"padding -1 is outside 0\.\.2"),
    ({"type": "conv2d", "padding": "full"}, r'padding must be an integer, "same" or "valid"'),
    ({"type": "conv2d", "kernel": 4, "padding": "same"}, r'"same" needs stride 1 and an odd'),
    ({"type": "conv2d", "filters": 2.5}, r"filters must be an integer, got 2\.5"),
    ({"type": "conv2d", "filters": True}, r"filters must be an integer, got True"),
    ({"type": "conv2d", "colour": 1}, r"unknown key 'colour'"),
    ({"type": "convolution"}, r"unknown type 'convolution'"),
    ({"type": "pool", "mode": "median"}, r"mode must be max, avg or min"),
    ({"type": "pool", "size": 0}, r"size 0 is outside"),
    ({"type": "dropout", "rate": 1.0}, r"rate must be a number in \[0, 1\)"),
    ({"type": "leaky_relu", "slope": -0.1}, r"slope must be a number"),
    ({"type": "relu", "name": "a.b"}, r"name must be a non-empty string"),
])
def test_bad_layer_keys_are_refused(layer, pattern) -> None:
    refuse(spec_of(1, 8, 8, layer), r"^layer 1\b.*" + pattern, 0)


def test_dense_units_zero_is_refused() -> None:
    refuse(spec_of(1, 4, 4, {"type": "flatten"}, {"type": "dense", "units": 0}),
           r"layer 2 \(dense\): units 0 is outside 1\.\.1024", 1)


def test_duplicate_names_are_refused() -> None:
    refuse(spec_of(1, 4, 4, {"type": "relu", "name": "a"}, {"type": "tanh", "name": "a"}),
           r"layer 2 \(tanh\): name 'a' is used twice", 1)


@pytest.mark.parametrize(("spec", "pattern"), [
    ({"input": {"channels": 1, "height": 0, "width": 4}, "layers": [{"type": "relu"}]},
     r"^input: height 0 is outside"),
    ({"input": {"channels": 1, "height": 4}, "layers": [{"type": "relu"}]},
     r"^input: missing width"),
    ({"input": {"channels": 1, "height": 4, "width": 4}, "layers": []},
     r"layers must be a non-empty list"),
    ({"input": {"channels": 1, "height": 4, "width": 4}, "layers": [{"type": "relu"}],
      "loss": "mse"}, r"unknown key 'loss'"),
    ([1, 2], r"must be an object"),
])
def test_bad_spec_blocks_have_no_layer_index(spec, pattern) -> None:
    refuse(spec, pattern, None)


def test_conv_on_a_vector_is_refused() -> None:
    refuse(spec_of(1, 4, 4, {"type": "flatten"}, {"type": "conv2d"}),
           r"layer 2 \(conv2d\): needs a \(C, H, W\) input, got a vector of 16", 1)


def test_too_many_parameters_are_refused() -> None:
    refuse(spec_of(64, 512, 512, {"type": "flatten"}, {"type": "dense", "units": 1024}),
           r"parameters is more than the limit", None)


def test_normalize_is_idempotent_and_json_safe() -> None:
    import json

    spec = spec_of(3, 16, 16, {"type": "conv2d", "padding": "same", "name": "edges"},
                   {"type": "leaky_relu"}, {"type": "pool", "mode": "min", "size": 3},
                   {"type": "dropout"}, {"type": "global_pool"}, {"type": "dense", "units": 4,
                                                                  "frozen": True},
                   {"type": "sigmoid"})
    once = normalize(spec)
    assert normalize(once) == once
    assert json.loads(json.dumps(once)) == once


@pytest.mark.parametrize("value", [["relu"], {"kind": "relu"}, [], {}, 3, None])
def test_layer_type_that_is_not_a_string_is_a_spec_error(value) -> None:
    # A list or object used to reach `kind not in DEFAULTS` and raise TypeError (unhashable).
    refuse(spec_of(1, 8, 8, {"type": "relu"}, {"type": value}),
           r"^layer 2: type must be a string \(one of conv2d, .*\), got " + re.escape(repr(value)),
           1)


def test_layer_without_a_type_is_refused() -> None:
    refuse(spec_of(1, 8, 8, {"filters": 3}), r"^layer 1: missing type \(known: conv2d", 0)


# Every key of every layer type, and every input key, fed the JSON shapes a string or number
# cannot be: a SpecError naming the layer (never a TypeError from hashing or comparing them).
_FIELDS = [("conv2d", k) for k in ("filters", "kernel", "stride", "padding", "frozen", "name")] \
    + [("pool", k) for k in ("mode", "size", "stride", "name")] \
    + [("global_pool", "mode"), ("leaky_relu", "slope"), ("dropout", "rate"),
       ("dense", "units"), ("dense", "frozen"), ("dense", "name"), ("relu", "name")]


@pytest.mark.parametrize(("kind", "key"), _FIELDS)
@pytest.mark.parametrize("value", [["max"], {"value": 1}, [], {}])
def test_every_layer_field_refuses_lists_and_objects(kind, key, value) -> None:
    layers = [{"type": "flatten"}] if kind == "dense" else []
    layers.append({"type": kind, key: value})
    index = len(layers) - 1
    refuse(spec_of(1, 8, 8, *layers), rf"^layer {index + 1} \({kind}\): {key} ", index)


@pytest.mark.parametrize("key", ["channels", "height", "width"])
@pytest.mark.parametrize("value", [[4], {"n": 4}])
def test_input_fields_refuse_lists_and_objects(key, value) -> None:
    spec = spec_of(1, 8, 8, {"type": "relu"})
    spec["input"][key] = value
    refuse(spec, rf"^input: {key} must be an integer", None)


def test_non_string_keys_are_refused_not_a_type_error() -> None:
    # Python callers can pass non-string keys; sorting them with strings raised TypeError.
    refuse(spec_of(1, 8, 8, {"type": "relu", 1: 2, "z": 3}),
           r"^layer 1 \(relu\): keys must be strings, got 1", 0)
    spec = spec_of(1, 8, 8, {"type": "relu"})
    spec["input"][1] = 2
    spec["input"]["z"] = 3
    refuse(spec, r"^input: keys must be strings, got 1", None)
    refuse({**spec_of(1, 8, 8, {"type": "relu"}), 1: 2, "z": 3},
           r"^spec: keys must be strings, got 1", None)
