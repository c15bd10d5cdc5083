"""Sequential: building, named parameters, weights in and out, frozen layers, reproducibility."""

from __future__ import annotations

import numpy as np
import pytest

from engine import build, loss_and_grad, make_optimizer
from engine.spec import SpecError
from tests.engine.helpers import spec_of

SMALL = spec_of(1, 12, 12, {"type": "conv2d", "filters": 4, "padding": 1}, {"type": "relu"},
                {"type": "pool"}, {"type": "conv2d", "filters": 6, "stride": 2},
                {"type": "leaky_relu"}, {"type": "flatten"}, {"type": "dropout", "rate": 0.3},
                {"type": "dense", "units": 8}, {"type": "tanh"}, {"type": "dense", "units": 3},
                {"type": "softmax"})


def _data(seed: int = 0, n: int = 16) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.random((n, 1, 12, 12), dtype=np.float32), rng.integers(0, 3, n)


def _train(seed: int, steps: int = 5, dtype=np.float32) -> dict[str, np.ndarray]:  # type: ignore[no-untyped-def]
    model = build(SMALL, np.random.default_rng(seed), dtype=dtype)
    opt = make_optimizer("adam", 0.01)
    x, y = _data()
    for _ in range(steps):
        out = model.forward(x, training=True)
        _, dout = loss_and_grad("cross_entropy", out, y)
        model.backward(dout, loss="cross_entropy")
        opt.step(model.trainable_params(), model.named_grads())
    return model.get_weights()


def test_named_params_layouts() -> None:
    model = build(SMALL, np.random.default_rng(0))
    shapes = {k: v.shape for k, v in model.named_params().items()}
    assert shapes == {"conv1.W": (4, 1, 3, 3), "conv1.b": (4,), "conv2.W": (6, 4, 3, 3),
                      "conv2.b": (6,), "dense1.W": (6 * 2 * 2, 8), "dense1.b": (8,),
                      "dense2.W": (8, 3), "dense2.b": (3,)}
    assert all(v.dtype == np.float32 for v in model.named_params().values())
    assert model.shapes[-1] == (3,)


def test_same_seed_same_bits_after_training_with_dropout() -> None:
    a, b = _train(7), _train(7)
    assert all(a[k].tobytes() == b[k].tobytes() for k in a)
    c = _train(8)
    assert any(a[k].tobytes() != c[k].tobytes() for k in a)


def test_init_is_he_before_relu_and_glorot_otherwise() -> None:
    spec = spec_of(16, 20, 20, {"type": "conv2d", "filters": 64, "kernel": 7}, {"type": "relu"},
                   {"type": "global_pool"}, {"type": "dense", "units": 1000})
    w = build(spec, np.random.default_rng(0)).get_weights()
    he_std = np.sqrt(2 / (16 * 49))
    assert abs(w["conv1.W"].std() / he_std - 1) < 0.03
    glorot = np.sqrt(6 / (64 + 1000))
    assert w["dense1.W"].max() <= glorot and w["dense1.W"].min() >= -glorot
    assert abs(w["dense1.W"].std() / (glorot / np.sqrt(3)) - 1) < 0.03
    assert not w["conv1.b"].any() and not w["dense1.b"].any()


def test_frozen_layers_get_no_updates() -> None:
    spec = {**SMALL, "layers": [dict(d) for d in SMALL["layers"]]}
    spec["layers"][0]["frozen"] = True
    model = build(spec, np.random.default_rng(0))
    before = model.get_weights()
    x, y = _data()
    out = model.forward(x, training=True)
    model.backward(loss_and_grad("cross_entropy", out, y)[1], loss="cross_entropy")
    assert "conv1.W" not in model.named_grads()
    updates = make_optimizer("sgd", 0.1).step(model.trainable_params(), model.named_grads())
    after = model.get_weights()
    assert "conv1.W" not in updates
    np.testing.assert_array_equal(before["conv1.W"], after["conv1.W"])
    assert not np.array_equal(before["conv2.W"], after["conv2.W"])


def test_get_weights_copies_and_set_weights_checks() -> None:
    model = build(SMALL, np.random.default_rng(0))
    w = model.get_weights()
    w["conv1.W"][:] = 0
    assert model.named_params()["conv1.W"].any()
    model.set_weights(w)
    assert not model.named_params()["conv1.W"].any()
    with pytest.raises(ValueError, match=r"missing \['dense2.b'\]"):
        model.set_weights({k: v for k, v in w.items() if k != "dense2.b"})
    with pytest.raises(ValueError, match=r"conv1.W: shape \(4, 1, 5, 5\) does not match"):
        model.set_weights({**w, "conv1.W": np.zeros((4, 1, 5, 5))})
    with pytest.raises(ValueError, match="NaN"):
        model.set_weights({**w, "dense2.b": np.array([0.0, np.nan, 0.0])})


def test_wrong_input_shape_is_named() -> None:
    model = build(SMALL, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"input must be \(N, 1, 12, 12\), got \(2, 1, 12, 11\)"):
        model.forward(np.zeros((2, 1, 12, 11)))


def test_build_refuses_bad_specs_and_global_random() -> None:
    with pytest.raises(SpecError):
        build(spec_of(1, 3, 3, {"type": "conv2d", "kernel": 5}), np.random.default_rng(0))
    with pytest.raises(TypeError, match="Generator"):
        build(SMALL, 0)  # type: ignore[arg-type]


def test_float64_and_float32_models_agree() -> None:
    a = build(SMALL, np.random.default_rng(3))
    b = build(SMALL, np.random.default_rng(3), dtype=np.float64)
    x, _ = _data()
    np.testing.assert_allclose(a.forward(x), b.forward(x.astype(np.float64)), rtol=1e-4,
                               atol=1e-6)
    c = build(SMALL, np.random.default_rng(3)).astype(np.float64)
    assert c.forward(x).dtype == np.float64


def test_dropout_only_in_training() -> None:
    model = build(SMALL, np.random.default_rng(0))
    x, _ = _data()
    np.testing.assert_array_equal(model.forward(x), model.forward(x))
    assert not np.array_equal(model.forward(x, training=True), model.forward(x, training=True))


def test_backward_skips_the_input_gradient_unless_asked() -> None:
    model = build(SMALL, np.random.default_rng(0))
    x, y = _data()
    dout = loss_and_grad("cross_entropy", model.forward(x, training=True), y)[1]
    assert model.backward(dout, loss="cross_entropy") is None
    dx = model.backward(dout, loss="cross_entropy", input_grad=True)
    assert dx is not None and dx.shape == x.shape


def test_loss_must_pair_with_the_output_layer() -> None:
    model = build(spec_of(1, 2, 2, {"type": "flatten"}, {"type": "dense", "units": 2}),
                  np.random.default_rng(0))
    out = model.forward(np.zeros((1, 1, 2, 2)), training=True)
    with pytest.raises(ValueError, match="cross_entropy needs a final softmax layer"):
        model.backward(out, loss="cross_entropy")


def test_zero_grad() -> None:
    model = build(SMALL, np.random.default_rng(0))
    x, y = _data()
    dout = loss_and_grad("cross_entropy", model.forward(x, training=True), y)[1]
    model.backward(dout, loss="cross_entropy")
    assert any(g.any() for g in model.named_grads().values())
    model.zero_grad()
    assert not any(g.any() for g in model.named_grads().values())


def test_fused_training_path_equals_the_layer_by_layer_path() -> None:
    """forward/backward (fused steps) against run_forward/run_backward (layer by layer)."""
    spec = spec_of(1, 12, 12, {"type": "conv2d", "filters": 4, "padding": 1}, {"type": "relu"},
                   {"type": "pool"}, {"type": "conv2d", "filters": 5, "padding": 1},
                   {"type": "relu"}, {"type": "pool", "size": 3, "stride": 2},
                   {"type": "flatten"}, {"type": "dense", "units": 3}, {"type": "softmax"})
    model = build(spec, np.random.default_rng(0), dtype=np.float64)
    assert [s.kind for s in model.plan][:3] == ["conv+relu+pool", "conv2d", "relu+pool"]
    x, y = _data()
    x = np.round(x * 4) / 4  # flat regions: ties in the pools
    out = model.forward(x, training=True)
    dout = loss_and_grad("cross_entropy", out, y)[1]
    dx_fast = model.backward(dout, loss="cross_entropy", input_grad=True)
    fast = {k: v.copy() for k, v in model.named_grads().items()}
    acts = model.run_forward(x, training=True)
    np.testing.assert_allclose(out, acts[-1], rtol=1e-12)
    grads = model.run_backward(dout, loss="cross_entropy", input_grad=True)
    assert grads[0] is not None
    np.testing.assert_allclose(dx_fast, grads[0].transpose(0, 3, 1, 2), rtol=1e-10,
                               atol=1e-14)
    for k, v in model.named_grads().items():
        np.testing.assert_allclose(fast[k], v, rtol=1e-10, atol=1e-14)


def test_inference_forward_keeps_no_cache_unless_asked() -> None:
    model = build(SMALL, np.random.default_rng(0))
    x, y = _data()
    out = model.forward(x)
    assert all(step.cache is None for step in model.plan)
    with pytest.raises(RuntimeError, match="backward needs a forward that kept its cache"):
        model.backward(loss_and_grad("cross_entropy", out, y)[1], loss="cross_entropy")
    out = model.forward(x, keep_cache=True)
    dx = model.backward(loss_and_grad("cross_entropy", out, y)[1], loss="cross_entropy",
                        input_grad=True)
    assert dx is not None and dx.shape == x.shape
