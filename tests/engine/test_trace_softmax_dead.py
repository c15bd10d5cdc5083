"""The softmax arithmetic of one input, and dead ReLU fractions known by construction."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine import build, trace_step
from engine.trace import dead_relu_fractions, softmax_cell, softmax_cell_of
from tests.engine.helpers import spec_of

SOFTMAX_SPEC = spec_of(1, 6, 6, {"type": "conv2d", "filters": 2, "padding": 1},
                       {"type": "relu"}, {"type": "flatten"}, {"type": "dense", "units": 5},
                       {"type": "softmax"})


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_cell_is_the_models_own_softmax(dtype) -> None:
    rng = np.random.default_rng(3)
    model = build(SOFTMAX_SPEC, rng, dtype=dtype)
    for p in model.named_params().values():
        p += (rng.standard_normal(p.shape) * 2).astype(dtype)  # logits well apart from 0
    x = rng.random((1, 6, 6)).astype(dtype)
    cell = softmax_cell(model, x)
    out = model.forward(x[None])[0]
    # Exactly the model's output, bit for bit, from the parts it reports.
    np.testing.assert_array_equal(cell.probabilities, out)
    np.testing.assert_array_equal(cell.feature_value, out)
    np.testing.assert_array_equal(cell.exps / cell.exps.dtype.type(cell.total), out)
    # The parts are what their names say, checked with Python's math on the logits.
    logits = model.run_forward(x[None])[-2][0]
    np.testing.assert_array_equal(cell.logits, logits)
    assert cell.shift == float(logits.max())
    tol = 1e-12 if dtype == np.float64 else 1e-6
    for z, e in zip(cell.logits, cell.exps, strict=True):
        assert float(e) == pytest.approx(math.exp(float(z) - cell.shift), rel=tol)
    assert cell.total == pytest.approx(math.fsum(float(e) for e in cell.exps), rel=tol)
    assert cell.exps.max() == 1.0  # the largest logit's exponential after the shift
    assert cell.exps.shape == cell.logits.shape == (5,)


def test_softmax_cell_textbook_values() -> None:
    spec = spec_of(1, 1, 3, {"type": "flatten"}, {"type": "softmax"})
    model = build(spec, np.random.default_rng(0), dtype=np.float64)
    cell = softmax_cell(model, np.array([[[2.5, 1.8, 0.2]]]))
    assert cell.shift == 2.5
    np.testing.assert_allclose(cell.exps, [1.0, math.exp(-0.7), math.exp(-2.3)], rtol=1e-15)
    # e^-0.7 = 0.49659, e^-2.3 = 0.10026, sum 1.59685: the "about [0.63, 0.31, 0.06]"
    np.testing.assert_allclose(cell.probabilities, [0.62623, 0.31098, 0.06279], atol=1e-5)


def test_softmax_cell_needs_a_final_softmax() -> None:
    spec = spec_of(1, 2, 2, {"type": "flatten"}, {"type": "dense", "units": 3})
    model = build(spec, np.random.default_rng(0))
    with pytest.raises(ValueError, match="'dense1' is a dense, not a softmax"):
        softmax_cell(model, np.zeros((1, 2, 2)))


# -- dead ReLUs ---------------------------------------------------------------------------

DEAD_SPEC = spec_of(1, 6, 6, {"type": "conv2d", "filters": 4, "kernel": 3, "padding": 1},
                    {"type": "relu"}, {"type": "flatten"}, {"type": "dense", "units": 5},
                    {"type": "leaky_relu", "slope": 0.1}, {"type": "dense", "units": 3},
                    {"type": "softmax"})


def _constructed(dtype=np.float64):  # type: ignore[no-untyped-def]
    """conv1: positive kernels and zero biases on positive images, so every unit fires,
    except filter 2 whose bias of -1000 kills its whole channel (1 of 4 channels dead).
    dense1: unit u reads only input feature u with weight 1; units 0 and 1 get bias -1000
    (dead), unit 2 bias -9.5 (fires only for the one sample whose feature is 10), units 3
    and 4 bias 0 (fire): 2 of 5 dead."""
    model = build(DEAD_SPEC, np.random.default_rng(0), dtype=dtype)
    conv, dense = model.layer("conv1"), model.layer("dense1")
    conv.params["W"][...] = np.abs(conv.params["W"]) + 0.01
    conv.params["b"][...] = [0, 0, -1000, 0]
    dense.params["W"][...] = 0
    for u in range(5):
        dense.params["W"][u, u] = 1  # feature u of the flattened conv1 output (channel 0)
    dense.params["b"][...] = [-1000, -1000, -9.5, 0, 0]
    x = np.random.default_rng(1).uniform(0.1, 1.0, (4, 1, 6, 6)).astype(dtype)
    # Make feature 2 (channel 0, row 0, col 2 of relu1) about 10 for sample 3 only, below 9.5
    # for the others: scale that sample's whole image.
    x[3] *= 30
    return model, x


def _reference(model, x):  # type: ignore[no-untyped-def]
    """Loops: a unit is dead when no sample has a positive pre-activation there."""
    acts = model.run_forward(x)
    result = {}
    for i, layer in enumerate(model.layers):
        if layer.kind not in ("relu", "leaky_relu"):
            continue
        pre = np.asarray(acts[i]).reshape(x.shape[0], -1)
        dead = 0
        for unit in range(pre.shape[1]):
            if all(float(pre[n, unit]) <= 0 for n in range(pre.shape[0])):
                dead += 1
        result[layer.name] = dead / pre.shape[1]
    return result


def test_dead_fractions_known_by_construction() -> None:
    model, x = _constructed()
    pre = model.run_forward(x)[3]  # dense1's input: the flattened relu1 output
    assert pre[3, 2] > 9.5 and (pre[:3, 2] < 9.5).all()  # the construction holds
    assert dead_relu_fractions(model, x) == {"relu1": 0.25, "lrelu1": 0.4}
    # Without sample 3, unit 2 of dense1 never fires either.
    assert dead_relu_fractions(model, x[:3]) == {"relu1": 0.25, "lrelu1": 0.6}


def test_dead_fractions_in_chunks_are_the_same() -> None:
    model, x = _constructed()
    whole = dead_relu_fractions(model, x)
    for chunk in (1, 2, 3):
        assert dead_relu_fractions(model, x, chunk=chunk) == whole


def test_trace_step_reports_dead_fractions_of_its_batch() -> None:
    model, x = _constructed()
    tr = trace_step(model, x, np.array([0, 1, 2, 0]), "cross_entropy")
    assert tr.dead_fraction == {"relu1": 0.25, "lrelu1": 0.4}
    assert set(tr.dead_fraction) == {"relu1", "lrelu1"}


@pytest.mark.parametrize("seed", range(6))
def test_dead_fractions_match_the_loop_reference(seed) -> None:
    rng = np.random.default_rng(seed)
    spec = spec_of(2, 7, 7, {"type": "conv2d", "filters": 3, "kernel": 3, "stride": 2},
                   {"type": "relu"}, {"type": "pool", "size": 2, "stride": 1},
                   {"type": "leaky_relu"}, {"type": "flatten"}, {"type": "dense", "units": 6},
                   {"type": "relu"}, {"type": "dense", "units": 2})
    model = build(spec, rng)
    for p in model.named_params().values():
        p -= np.float32(0.3)  # push units towards dead so the fractions are not all 0
    x = rng.standard_normal((5, 2, 7, 7)).astype(np.float32)
    got = dead_relu_fractions(model, x)
    assert got == _reference(model, x)
    assert set(got) == {"relu1", "lrelu1", "relu2"}


def test_dropout_is_off_when_counting_dead_units() -> None:
    spec = spec_of(1, 1, 8, {"type": "flatten"}, {"type": "dropout", "rate": 0.9},
                   {"type": "relu"})
    model = build(spec, np.random.default_rng(0))
    x = np.ones((1, 1, 1, 8), dtype=np.float32)
    assert dead_relu_fractions(model, x) == {"relu1": 0.0}
    # The traced training step drops units; what it counts is what the step saw.
    tr = trace_step(model, x, np.zeros((1, 8), dtype=np.float32), "mse")
    dropped = np.count_nonzero(tr["dropout1"].output == 0)
    assert tr.dead_fraction == {"relu1": dropped / 8}


def test_dead_fractions_refuse_an_empty_batch() -> None:
    model, x = _constructed()
    with pytest.raises(ValueError, match="non-empty batch"):
        dead_relu_fractions(model, x[:0])


def test_never_fired_units_known_by_construction_in_the_public_layout() -> None:
    from engine.trace import never_fired

    model, x = _constructed()
    dead = never_fired(model, x)
    assert dead["relu1"].shape == (4, 6, 6)  # (C, H, W), whatever layout the engine runs in
    assert dead["relu1"][2].all() and not dead["relu1"][[0, 1, 3]].any()
    assert dead["lrelu1"].tolist() == [True, True, False, False, False]
    assert never_fired(model, x[:3])["lrelu1"].tolist() == [True, True, True, False, False]
    for chunk in (1, 3):
        got = never_fired(model, x, chunk=chunk)
        assert all((got[k] == dead[k]).all() for k in dead)


@pytest.mark.parametrize("seed", range(3))
def test_never_fired_matches_the_public_forward(seed) -> None:
    from engine.model import to_public
    from engine.trace import never_fired

    rng = np.random.default_rng(seed)
    spec = spec_of(2, 7, 7, {"type": "conv2d", "filters": 3, "kernel": 3, "stride": 2},
                   {"type": "relu"}, {"type": "pool", "size": 2, "stride": 1},
                   {"type": "flatten"}, {"type": "dense", "units": 6}, {"type": "relu"},
                   {"type": "dense", "units": 2})
    model = build(spec, rng)
    model.layer("conv1").params["b"][...] = [-100, 0, 100]  # a dead map, a mixed one, a live
    model.layer("dense1").params["b"][...] -= np.float32(0.5)
    x = rng.standard_normal((5, 2, 7, 7)).astype(np.float32)
    acts = model.run_forward(x, training=False)
    got = never_fired(model, x)
    for i, layer in enumerate(model.layers):
        if layer.kind == "relu":
            pre = np.asarray(to_public(acts[i]))  # the relu's input, (N, C, H, W) or (N, n)
            assert (got[layer.name] == np.all(pre <= 0, axis=0)).all()
    assert got["relu1"][0].all() and not got["relu1"][2].any()  # channels, not positions


def test_softmax_cell_of_one_forward_is_softmax_cell() -> None:
    """From the activations of a forward already run, the same numbers, bit for bit."""
    rng = np.random.default_rng(5)
    model = build(SOFTMAX_SPEC, rng)
    for p in model.named_params().values():
        p += (rng.standard_normal(p.shape) * 2).astype(p.dtype)
    x = rng.random((1, 6, 6)).astype(np.float32)
    acts = model.run_forward(x[None], training=False)
    cell, again = softmax_cell_of(model, acts), softmax_cell(model, x)
    for name in ("logits", "exps", "probabilities", "feature_value"):
        np.testing.assert_array_equal(getattr(cell, name), getattr(again, name))
    assert (cell.shift, cell.total) == (again.shift, again.total)
    np.testing.assert_array_equal(cell.probabilities, acts[-1][0])
    with pytest.raises(ValueError, match="one image"):
        softmax_cell_of(model, model.run_forward(np.concatenate([x[None]] * 2)))
