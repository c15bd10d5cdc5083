"""Every fast op against its slow loop reference (float64, several configurations)."""

from __future__ import annotations

import numpy as np
import pytest

from engine.ops import (
    activations,
    conv,
    conv_relu_pool,
    dense,
    dropout,
    flatten,
    global_pool,
    pool,
    relu_pool,
    softmax,
)

CONV_CASES = [  # (N, H, W, C, F, k, stride, pad)
    (2, 5, 5, 1, 3, 3, 1, 0), (2, 6, 7, 2, 2, 3, 2, 1), (1, 7, 7, 3, 4, 5, 1, 2),
    (3, 4, 4, 2, 1, 1, 1, 0), (1, 8, 6, 1, 2, 4, 3, 3), (2, 5, 5, 3, 2, 2, 2, 1),
    (1, 9, 9, 2, 3, 7, 1, 3),
]


@pytest.mark.parametrize(("n", "h", "w", "c", "f", "k", "s", "p"), CONV_CASES)
def test_conv_forward_and_backward_match_reference(n, h, w, c, f, k, s, p) -> None:
    rng = np.random.default_rng(hash((n, h, w, c, f, k, s, p)) % 2**32)
    x = rng.standard_normal((n, h, w, c))
    wt = rng.standard_normal((f, c, k, k))
    b = rng.standard_normal(f)
    out, cache = conv.forward(x, wt, b, s, p)
    np.testing.assert_allclose(out, conv.forward_reference(x, wt, b, s, p), rtol=1e-12,
                               atol=1e-12)
    dout = rng.standard_normal(out.shape)
    dx, dw, db = conv.backward(dout, cache)
    rdx, rdw, rdb = conv.backward_reference(dout, x, wt, s, p)
    for fast, ref in ((dx, rdx), (dw, rdw), (db, rdb)):
        np.testing.assert_allclose(fast, ref, rtol=1e-12, atol=1e-12)


def test_conv_float32_stays_float32() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 6, 6, 2)).astype(np.float32)
    wt = rng.standard_normal((3, 2, 3, 3)).astype(np.float32)
    out, cache = conv.forward(x, wt, np.zeros(3, np.float32), 1, 1)
    dx, dw, db = conv.backward(np.ones_like(out), cache)
    assert {a.dtype for a in (out, dx, dw, db)} == {np.dtype(np.float32)}


POOL_CASES = [(m, k, s) for m in ("max", "min", "avg") for k, s in ((2, 2), (3, 1), (3, 2),
                                                                     (2, 1), (3, 3))]


@pytest.mark.parametrize(("mode", "k", "s"), POOL_CASES)
@pytest.mark.parametrize("ties", [False, True])
def test_pool_matches_reference(mode, k, s, ties) -> None:
    rng = np.random.default_rng(k * 10 + s)
    shape = (2, 7, 8, 3)
    x = (rng.integers(0, 3, shape) if ties else rng.standard_normal(shape)).astype(np.float64)
    out, cache = pool.forward(x, mode, k, s)
    ref, winner = pool.forward_reference(x, mode, k, s)
    np.testing.assert_allclose(out, ref, rtol=1e-12)
    if mode != "avg":
        np.testing.assert_array_equal(pool.winners(x, mode, k, s), winner)
    dout = rng.standard_normal(out.shape)
    np.testing.assert_allclose(pool.backward(dout, cache),
                               pool.backward_reference(dout, x, mode, k, s), rtol=1e-12,
                               atol=1e-14)


@pytest.mark.parametrize("mode", ["max", "avg"])
def test_global_pool_matches_reference(mode) -> None:
    rng = np.random.default_rng(3)
    x = rng.integers(0, 3, (3, 4, 5, 2)).astype(np.float64)
    out, cache = global_pool.forward(x, mode)
    np.testing.assert_allclose(out, global_pool.forward_reference(x, mode), rtol=1e-12)
    dout = rng.standard_normal(out.shape)
    np.testing.assert_allclose(global_pool.backward(dout, cache),
                               global_pool.backward_reference(dout, x, mode), rtol=1e-12)


@pytest.mark.parametrize("kind", ["relu", "leaky_relu", "sigmoid", "tanh"])
def test_activations_match_reference(kind) -> None:
    x = np.random.default_rng(4).standard_normal((3, 4, 5)) * 30
    fwd = getattr(activations, f"{kind}_forward")
    out, _ = fwd(x, 0.1) if kind == "leaky_relu" else fwd(x)
    np.testing.assert_allclose(out, activations.reference(kind, x, 0.1), rtol=1e-12,
                               atol=1e-300)


def test_dense_matches_reference() -> None:
    rng = np.random.default_rng(5)
    x, w, b = rng.standard_normal((4, 6)), rng.standard_normal((6, 3)), rng.standard_normal(3)
    out, _ = dense.forward(x, w, b)
    np.testing.assert_allclose(out, dense.forward_reference(x, w, b), rtol=1e-12)


def test_softmax_matches_reference_even_for_large_logits() -> None:
    z = np.random.default_rng(6).standard_normal((4, 5)) * 400
    p, _ = softmax.forward(z)
    np.testing.assert_allclose(p, softmax.reference(z), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)


def test_flatten_uses_nchw_order() -> None:
    x_nchw = np.arange(2 * 3 * 4 * 5, dtype=np.float64).reshape(2, 3, 4, 5)
    out, cache = flatten.forward(x_nchw.transpose(0, 2, 3, 1))
    np.testing.assert_array_equal(out, x_nchw.reshape(2, -1))
    back = flatten.backward(out, cache)
    np.testing.assert_array_equal(back, x_nchw.transpose(0, 2, 3, 1))


def test_conv_accepts_a_non_contiguous_input() -> None:
    rng = np.random.default_rng(7)
    x_nchw = rng.standard_normal((2, 3, 6, 5))
    wt, b = rng.standard_normal((2, 3, 3, 3)), rng.standard_normal(2)
    view = x_nchw.transpose(0, 2, 3, 1)
    for s, p in ((1, 0), (2, 0), (1, 1)):
        np.testing.assert_allclose(conv.forward(view, wt, b, s, p)[0],
                                   conv.forward_reference(np.ascontiguousarray(view), wt, b,
                                                          s, p), rtol=1e-12)


@pytest.mark.parametrize(("k", "s"), [(2, 2), (3, 1), (2, 1), (3, 3)])
def test_fused_relu_pool_equals_relu_then_pool_exactly(k, s) -> None:
    rng = np.random.default_rng(k + 10 * s)
    z = rng.integers(-2, 3, (2, 7, 6, 3)).astype(np.float64)  # ties and non-positive windows
    out, cache = relu_pool.forward(z, k, s)
    dout = rng.standard_normal(out.shape)
    ref_out, ref_dz = relu_pool.reference(dout, z, k, s)
    np.testing.assert_array_equal(out, ref_out)
    np.testing.assert_array_equal(relu_pool.backward(dout, cache), ref_dz)


@pytest.mark.parametrize(("c", "kc", "s", "p", "k", "h"), [
    (1, 3, 1, 1, 2, 8), (3, 3, 1, 1, 2, 8), (2, 3, 2, 0, 2, 9), (1, 5, 1, 2, 3, 7),
    (4, 1, 1, 0, 2, 5), (2, 2, 3, 1, 2, 11),
])
def test_fused_conv_relu_pool_matches_the_unfused_ops(c, kc, s, p, k, h) -> None:
    rng = np.random.default_rng(c * 100 + kc * 10 + s)
    x = rng.standard_normal((3, h, h + 1, c))
    w, b = rng.standard_normal((4, c, kc, kc)), rng.standard_normal(4) * 0.1
    out, cache = conv_relu_pool.forward(x, w, b, s, p, k)
    dout = rng.standard_normal(out.shape)
    ref_out, rdx, rdw, rdb = conv_relu_pool.reference(x, w, b, s, p, k, dout)
    np.testing.assert_allclose(out, ref_out, rtol=1e-12, atol=1e-12)
    dx, dw, db = conv_relu_pool.backward(dout, cache)
    for fast, ref in ((dx, rdx), (dw, rdw), (db, rdb)):
        np.testing.assert_allclose(fast, ref, rtol=1e-12, atol=1e-12)


def test_dropout_is_inverted_seeded_and_off_at_inference() -> None:
    x = np.ones((200, 50))
    out, scale = dropout.forward(x, 0.3, np.random.default_rng(0), training=True)
    kept = out != 0
    assert abs(kept.mean() - 0.7) < 0.01
    np.testing.assert_allclose(out[kept], 1 / 0.7)
    again, _ = dropout.forward(x, 0.3, np.random.default_rng(0), training=True)
    np.testing.assert_array_equal(out, again)
    np.testing.assert_array_equal(dropout.backward(x * 2, scale), out * 2)
    same, cache = dropout.forward(x, 0.3, np.random.default_rng(0), training=False)
    assert same is x and cache is None
