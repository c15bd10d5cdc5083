"""Finite-difference gradient checks (float64) of every layer type on its own."""

from __future__ import annotations

import numpy as np
import pytest

from engine.model import build
from tests.engine.gradcheck import check_model
from tests.engine.helpers import spec_of

CONV_ALONE = [
    {"type": "conv2d", "filters": 3, "kernel": 3, "stride": 1, "padding": 1},
    {"type": "conv2d", "filters": 2, "kernel": 3, "stride": 2, "padding": 0},
    {"type": "conv2d", "filters": 2, "kernel": 5, "stride": 1, "padding": "same"},
    {"type": "conv2d", "filters": 1, "kernel": 1, "stride": 3, "padding": "valid"},
    {"type": "conv2d", "filters": 4, "kernel": 4, "stride": 2, "padding": 3},
    {"type": "conv2d", "filters": 2, "kernel": 7, "stride": 1, "padding": 2},
]


@pytest.mark.parametrize("layer", CONV_ALONE)
@pytest.mark.parametrize("channels", [1, 3])
def test_conv_alone(layer, channels) -> None:
    check_model(spec_of(channels, 7, 6, layer))


@pytest.mark.parametrize("mode", ["max", "min", "avg"])
@pytest.mark.parametrize(("size", "stride"), [(2, 2), (3, 1), (3, 2), (2, 3)])
def test_pool_alone(mode, size, stride) -> None:
    check_model(spec_of(2, 7, 7, {"type": "pool", "mode": mode, "size": size,
                                  "stride": stride}))


@pytest.mark.parametrize("mode", ["max", "avg"])
def test_global_pool_alone(mode) -> None:
    check_model(spec_of(3, 4, 5, {"type": "global_pool", "mode": mode}))


@pytest.mark.parametrize("layer", [{"type": "relu"}, {"type": "leaky_relu", "slope": 0.2},
                                   {"type": "sigmoid"}, {"type": "tanh"}, {"type": "flatten"},
                                   {"type": "dropout", "rate": 0.4}])
def test_elementwise_alone(layer) -> None:
    check_model(spec_of(2, 4, 3, layer))


def test_dense_alone() -> None:
    check_model(spec_of(2, 3, 3, {"type": "flatten"}, {"type": "dense", "units": 4}))


def test_softmax_alone_through_its_jacobian() -> None:
    check_model(spec_of(1, 1, 5, {"type": "flatten"}, {"type": "softmax"}))


def test_softmax_fused_with_cross_entropy() -> None:
    check_model(spec_of(1, 3, 3, {"type": "flatten"}, {"type": "dense", "units": 4},
                        {"type": "softmax"}), n=5, loss="cross_entropy")


def test_sigmoid_fused_with_bce() -> None:
    check_model(spec_of(1, 3, 3, {"type": "flatten"}, {"type": "dense", "units": 3},
                        {"type": "sigmoid"}), n=4, loss="bce")


def test_mse_on_a_linear_output() -> None:
    check_model(spec_of(1, 3, 3, {"type": "flatten"}, {"type": "dense", "units": 3}), n=4,
                loss="mse")


def test_mse_on_a_softmax_output_runs_the_softmax_backward() -> None:
    check_model(spec_of(1, 3, 3, {"type": "flatten"}, {"type": "dense", "units": 3},
                        {"type": "softmax"}), n=4, loss="mse")


def test_frozen_layer_still_passes_the_gradient_through() -> None:
    spec = spec_of(1, 5, 5, {"type": "conv2d", "filters": 2, "frozen": True}, {"type": "tanh"},
                   {"type": "conv2d", "filters": 2}, {"type": "flatten"},
                   {"type": "dense", "units": 2, "frozen": True})
    errors = check_model(spec)
    assert set(errors) == {"x", "conv2.W", "conv2.b"}


def test_the_check_can_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    """A wrong backward must be caught: break the conv weight gradient and expect a failure."""
    from engine.ops import conv

    spec = spec_of(1, 5, 5, {"type": "conv2d", "filters": 2})
    original = conv.backward

    def broken(dout, cache, need_dx=True, need_dw=True):  # type: ignore[no-untyped-def]
        dx, dw, db = original(dout, cache, need_dx, need_dw)
        return dx, None if dw is None else dw * 1.001, db

    monkeypatch.setattr(conv, "backward", broken)
    with pytest.raises(AssertionError, match="conv1.W"):
        check_model(spec)


@pytest.mark.parametrize(("channels", "conv", "size"), [
    (1, {"kernel": 3, "padding": 1}, 2),
    (3, {"kernel": 3, "padding": 1}, 2),
    (2, {"kernel": 2, "stride": 2, "padding": 1}, 2),
    (1, {"kernel": 5, "padding": "same"}, 3),
    (2, {"kernel": 1}, 3),
])
def test_fused_conv_relu_maxpool_steps(channels, conv, size) -> None:
    """The training path fuses these layers (see Sequential.plan); check it end to end."""
    spec = spec_of(channels, 9, 8, {"type": "conv2d", "filters": 3, **conv}, {"type": "relu"},
                   {"type": "pool", "size": size}, {"type": "relu"},
                   {"type": "pool", "size": 2, "stride": 1}, {"type": "flatten"},
                   {"type": "dense", "units": 3}, {"type": "softmax"})
    check_model(spec, n=3, loss="cross_entropy")


def test_fused_steps_are_in_the_plan() -> None:
    spec = spec_of(1, 9, 8, {"type": "conv2d", "filters": 3, "padding": 1}, {"type": "relu"},
                   {"type": "pool"}, {"type": "relu"}, {"type": "pool", "size": 2, "stride": 1})
    kinds = [s.kind for s in build(spec, np.random.default_rng(0)).plan]
    assert kinds == ["conv+relu+pool", "relu+pool"]


def test_the_check_refuses_to_pass_on_gradients_that_are_zero_everywhere(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Zero against zero would pass the comparison while checking nothing: a backward that
    kills every gradient must fail the check instead."""
    from engine.ops import activations

    monkeypatch.setattr(activations, "relu_backward",
                        lambda dout, cache: np.zeros_like(dout))
    spec = spec_of(1, 5, 5, {"type": "conv2d", "filters": 2}, {"type": "relu"})
    with pytest.raises(AssertionError, match="stays zero everywhere"):
        check_model(spec)
