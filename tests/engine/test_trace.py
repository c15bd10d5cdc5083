"""Traced steps and cell arithmetic: every reconstructed value equals the model's own."""

from __future__ import annotations

import numpy as np
import pytest

from engine import (
    build,
    conv_cell,
    dense_unit,
    loss_and_grad,
    make_optimizer,
    pool_cell,
    trace_step,
)
from tests.engine.helpers import numeric_grad, rel_error, spec_of

SPEC = spec_of(2, 9, 9, {"type": "conv2d", "filters": 3, "kernel": 3, "stride": 2,
                         "padding": 1}, {"type": "relu"},
               {"type": "pool", "mode": "max", "size": 2, "stride": 1},
               {"type": "conv2d", "filters": 2, "kernel": 2}, {"type": "sigmoid"},
               {"type": "flatten"}, {"type": "dense", "units": 5}, {"type": "tanh"},
               {"type": "dense", "units": 3}, {"type": "softmax"})


def _setup(dtype=np.float64):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(0)
    model = build(SPEC, rng, dtype=dtype)
    for p in model.named_params().values():
        p += (rng.standard_normal(p.shape) * 0.1).astype(dtype)
    x = rng.standard_normal((4, 2, 9, 9)).astype(dtype)
    return model, x, np.array([0, 2, 1, 2])


def test_trace_records_every_layer_in_nchw() -> None:
    model, x, y = _setup()
    before = model.get_weights()
    tr = trace_step(model, x, y, "cross_entropy", make_optimizer("sgd", 0.1))
    assert [r.name for r in tr.layers] == [ly.name for ly in model.layers]
    for rec, shape_in, shape_out in zip(tr.layers, model.shapes[:-1], model.shapes[1:],
                                        strict=True):
        assert rec.input.shape == (4, *shape_in) and rec.output.shape == (4, *shape_out)
        if rec.grad_output is not None:
            assert rec.grad_output.shape == rec.output.shape
    assert tr["softmax1"].grad_output is None  # fused with the loss
    np.testing.assert_array_equal(tr["relu1"].pre_activation, tr["conv1"].output)
    np.testing.assert_array_equal(tr["relu1"].input, tr["conv1"].output)
    after = model.get_weights()
    for name in ("conv1", "conv2", "dense1", "dense2"):
        rec = tr[name]
        np.testing.assert_allclose(after[f"{name}.W"] - before[f"{name}.W"], rec.update_W,
                                   atol=1e-15)
        np.testing.assert_allclose(rec.update_W, -0.1 * rec.grad_W, rtol=1e-12)
        np.testing.assert_allclose(rec.update_b, -0.1 * rec.grad_b, rtol=1e-12)
    probs = tr["softmax1"].output
    assert tr.loss == pytest.approx(loss_and_grad("cross_entropy", probs, y)[0])


def test_traced_grad_output_is_dl_d_output() -> None:
    """dL/d(output of conv2) by finite differences on a bias that shifts that output."""
    model, x, y = _setup()
    tr = trace_step(model, x, y, "cross_entropy")
    g = tr["dense1"].grad_output
    b = model.named_params()["dense1.b"]

    def f() -> float:
        return loss_and_grad("cross_entropy", model.forward(x, training=True), y)[0]

    # d/db_u shifts output[:, u] of every sample: its gradient is the column sum.
    assert rel_error(g.sum(axis=0), numeric_grad(f, b)) < 1e-6
    np.testing.assert_allclose(tr["dense1"].grad_b, g.sum(axis=0), rtol=1e-12)
    dlogits = tr["dense2"].grad_output
    np.testing.assert_allclose(dlogits, loss_and_grad("cross_entropy", tr["softmax1"].output,
                                                      y)[1], rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_conv_cell_equals_every_feature_map_value(dtype) -> None:
    model, x, _ = _setup(dtype)
    acts = model.run_forward(x[:1])
    for name in ("conv1", "conv2"):
        idx = model.index(name)
        fm = acts[idx + 1][0].transpose(2, 0, 1)
        c, h, w = fm.shape
        for ch in range(c):
            for r in range(h):
                for q in range(w):
                    cell = conv_cell(model, name, x[0], ch, r, q)
                    assert cell.feature_value == pytest.approx(fm[ch, r, q])
                    tol = 1e-12 if dtype == np.float64 else 1e-5
                    assert abs(cell.result - cell.feature_value) <= tol * (1 + abs(cell.result))
                    assert cell.result == pytest.approx(cell.total + cell.bias, abs=1e-12)
                    np.testing.assert_allclose(cell.products, cell.window * cell.kernel)
                    np.testing.assert_allclose(cell.channel_sums,
                                               cell.products.sum(axis=(1, 2)), rtol=1e-6)


def test_conv_cell_marks_padding() -> None:
    model, x, _ = _setup()
    cell = conv_cell(model, "conv1", x[0], 1, 0, 0)
    assert cell.origin == (-1, -1)
    np.testing.assert_array_equal(cell.padding_mask, [[1, 1, 1], [1, 0, 0], [1, 0, 0]])
    assert not cell.window[:, cell.padding_mask].any()
    np.testing.assert_array_equal(cell.window[:, 1:, 1:], x[0][:, 0:2, 0:2])
    inner = conv_cell(model, "conv1", x[0], 0, 2, 2)
    assert inner.origin == (3, 3) and not inner.padding_mask.any()


def test_pool_cell_winner_and_value() -> None:
    model, x, _ = _setup()
    fm = model.run_forward(x[:1])[3][0].transpose(2, 0, 1)
    inp = model.run_forward(x[:1])[2][0].transpose(2, 0, 1)
    for ch in range(fm.shape[0]):
        for r in range(fm.shape[1]):
            for q in range(fm.shape[2]):
                cell = pool_cell(model, "pool1", x[0], ch, r, q)
                assert cell.result == cell.feature_value == fm[ch, r, q]
                wr, wc = cell.winner  # type: ignore[misc]
                assert inp[ch, r + wr, q + wc] == cell.result == cell.window.max()


def test_dense_unit_with_its_activation() -> None:
    model, x, _ = _setup()
    acts = model.run_forward(x[:1])
    for u in range(5):
        unit = dense_unit(model, "dense1", x[0], u)
        assert unit.pre_activation == pytest.approx(acts[7][0, u], abs=1e-12)
        assert unit.activation == "tanh"
        assert unit.activated == pytest.approx(np.tanh(unit.pre_activation), abs=1e-12)
        np.testing.assert_allclose(unit.inputs, acts[6][0])
    last = dense_unit(model, "dense2", x[0], 1)
    assert last.activation == "softmax" and last.activated == pytest.approx(acts[-1][0, 1])


def test_cell_errors_name_what_was_wrong() -> None:
    model, x, _ = _setup()
    with pytest.raises(IndexError, match=r"conv1: cell \(channel 3, row 0, col 0\) is outside"):
        conv_cell(model, "conv1", x[0], 3, 0, 0)
    with pytest.raises(ValueError, match="layer 'relu1' is a relu, not a conv2d"):
        conv_cell(model, "relu1", x[0], 0, 0, 0)
    with pytest.raises(KeyError, match="no layer 'conv9'"):
        pool_cell(model, "conv9", x[0], 0, 0, 0)
    with pytest.raises(ValueError, match=r"one image \(C, H, W\)"):
        dense_unit(model, "dense1", x, 0)
