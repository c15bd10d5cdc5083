"""Loss values from the logits: exact where float32 probabilities saturate.

Cross-entropy and BCE once took ``log(max(p, float64 tiny))`` of float32 probabilities, so a
probability that underflowed to 0 (or a sigmoid that rounded to 1) read 708.4 whatever the true
loss. The value now comes from the final softmax's / sigmoid's input in float64; the fused
gradients are unchanged. Every caller (trainer, evaluation, trace, loss surface and its
reference) is held to a float64 reference computed here from the logits, on a model whose
logits are far into saturation.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.datasets.dataset import Dataset
from engine.landscape import loss_surface, random_plane
from engine.landscape.reference import loss_at
from engine.losses import loss_and_grad, report
from engine.metrics import evaluate
from engine.model import build
from engine.ops import activations, softmax
from engine.optimizers import make_optimizer
from engine.trace import trace_step
from engine.trainer import Trainer
from tests.engine.helpers import numeric_grad, rel_error


def ce_reference(z: np.ndarray, y: np.ndarray) -> float:
    """mean_n (logsumexp(z_n) - z[n, y_n]) with Python floats."""
    rows = []
    for zn, yn in zip(z.tolist(), y.tolist(), strict=True):
        m = max(zn)
        rows.append(m + math.log(math.fsum(math.exp(v - m) for v in zn)) - zn[yn])
    return math.fsum(rows) / len(rows)


def _log_sigmoid(u: float) -> float:
    return -math.log1p(math.exp(-u)) if u > 0 else u - math.log1p(math.exp(u))


def bce_reference(z: np.ndarray, t: np.ndarray) -> float:
    """-mean(t log s(z) + (1 - t) log s(-z)) with Python floats."""
    terms = [-(tv * _log_sigmoid(zv) + (1 - tv) * _log_sigmoid(-zv))
             for zv, tv in zip(z.ravel().tolist(), t.ravel().tolist(), strict=True)]
    return math.fsum(terms) / len(terms)


# -- the textbook values ------------------------------------------------------------------

@pytest.mark.parametrize("gap", [1.0, 30.0, 120.0, 200.0, 5000.0])
def test_cross_entropy_of_a_large_logit_gap_is_the_gap(gap) -> None:
    z = np.array([[0.0, gap]], dtype=np.float32)  # label 0: loss = log(1 + e^gap) ~ gap
    p = softmax.forward(z)[0]
    loss, dz = loss_and_grad("cross_entropy", p, np.array([0]), logits=z)
    assert loss == pytest.approx(gap + math.log1p(math.exp(-gap)), rel=1e-6)
    # The gradient is the fused (p - onehot) / N, the same with or without the logits.
    np.testing.assert_array_equal(dz, loss_and_grad("cross_entropy", p, np.array([0]))[1])
    np.testing.assert_array_equal(dz, p - np.array([[1, 0]], dtype=np.float32))


@pytest.mark.parametrize("logit", [2.0, 17.0, 20.0, 40.0])
def test_bce_of_a_confident_wrong_sigmoid_is_the_logit(logit) -> None:
    z = np.array([[logit], [-logit]], dtype=np.float32)
    t = np.array([[0.0], [1.0]], dtype=np.float32)  # both wrong: loss = log(1 + e^logit)
    p = activations.sigmoid_forward(z)[0]
    loss, dz = loss_and_grad("bce", p, t, logits=z)
    assert loss == pytest.approx(logit + math.log1p(math.exp(-logit)), rel=1e-6)
    np.testing.assert_array_equal(dz, loss_and_grad("bce", p, t)[1])
    np.testing.assert_array_equal(dz, (p - t) * np.float32(0.5))


def test_report_takes_the_logits_too() -> None:
    z = np.array([[0.0, 5000.0]], dtype=np.float32)
    p = softmax.forward(z)[0]
    assert report("cross_entropy", p, np.array([0]), logits=z)["loss"] == pytest.approx(5000.0)


def test_logits_of_the_wrong_shape_are_refused() -> None:
    p = softmax.forward(np.zeros((2, 3)))[0]
    with pytest.raises(ValueError, match=r"logits of shape \(2, 2\) do not match"):
        loss_and_grad("cross_entropy", p, np.array([0, 1]), logits=np.zeros((2, 2)))


def test_the_logit_values_have_the_fused_gradients() -> None:
    """d/dz of the value computed from z is the fused dout, checked by finite differences."""
    rng = np.random.default_rng(3)
    z = rng.standard_normal((4, 5)) * 3
    y = np.array([0, 4, 2, 2])
    _, dz = loss_and_grad("cross_entropy", softmax.forward(z)[0], y, logits=z)
    num = numeric_grad(
        lambda: loss_and_grad("cross_entropy", softmax.forward(z)[0], y, logits=z)[0], z)
    assert rel_error(dz, num) < 1e-6
    t = rng.random((4, 3))
    z = rng.standard_normal((4, 3)) * 3
    _, dz = loss_and_grad("bce", activations.sigmoid_forward(z)[0], t, logits=z)
    num = numeric_grad(
        lambda: loss_and_grad("bce", activations.sigmoid_forward(z)[0], t, logits=z)[0], z)
    assert rel_error(dz, num) < 1e-6


# -- every caller, on a saturated float32 model --------------------------------------------

CASES = {
    "cross_entropy": ("softmax", 5),
    "bce": ("sigmoid", 1),
}


def saturated(kind: str, seed: int = 0):
    """A float32 conv net whose logits are in the hundreds, its data and the reference."""
    last, units = CASES[kind]
    spec = {"input": {"channels": 1, "height": 6, "width": 6},
            "layers": [{"type": "conv2d", "filters": 3, "kernel": 3}, {"type": "relu"},
                       {"type": "flatten"}, {"type": "dense", "units": units},
                       {"type": last}]}
    rng = np.random.default_rng(seed)
    model = build(spec, rng)
    weights = model.get_weights()
    weights["dense1.W"] = weights["dense1.W"] * 400
    model.set_weights(weights)
    classes = units if units > 1 else 2
    data = Dataset(rng.random((24, 1, 6, 6)), rng.integers(0, classes, 24),
                   [str(c) for c in range(classes)])
    return model, data


def reference(model, kind: str, x: np.ndarray, y: np.ndarray) -> float:
    """The float64 loss from the final layer's input, through run_forward (every layer on
    its own, not the plan forward that sets model.logits)."""
    z = model.run_forward(x)[-2].astype(np.float64)
    if kind == "cross_entropy":
        gaps = z.max(axis=1) - z[np.arange(len(y)), y]
        assert gaps.max() > 150  # far past the float32 underflow of exp (~104)
        return ce_reference(z, y)
    t = y.reshape(-1, 1).astype(np.float64)
    assert (z * (1 - 2 * t)).max() > 40  # a sigmoid confidently wrong: z >> 0 for t = 0
    return bce_reference(z, t)


@pytest.mark.parametrize("kind", sorted(CASES))
def test_model_logits_are_the_final_layers_input(kind) -> None:
    model, data = saturated(kind)
    x = data.images[:5]
    out = model.forward(x)
    acts = model.run_forward(x)
    assert model.logits is not None
    np.testing.assert_array_equal(model.logits, acts[-2])
    np.testing.assert_array_equal(out, acts[-1])
    model.forward(x, training=True)
    np.testing.assert_array_equal(model.logits, acts[-2])


def test_model_logits_are_none_without_a_final_softmax_or_sigmoid() -> None:
    spec = {"input": {"channels": 1, "height": 4, "width": 4},
            "layers": [{"type": "flatten"}, {"type": "dense", "units": 3}]}
    model = build(spec, np.random.default_rng(0))
    model.forward(np.zeros((2, 1, 4, 4)))
    assert model.logits is None
    model.run_forward(np.zeros((2, 1, 4, 4)))
    assert model.logits is None


@pytest.mark.parametrize("kind", sorted(CASES))
def test_forward_loss_equals_the_float64_reference(kind) -> None:
    model, data = saturated(kind)
    x, y = data.images, data.labels
    want = reference(model, kind, x, y)
    out = model.forward(x)
    assert loss_and_grad(kind, out, y, logits=model.logits)[0] == pytest.approx(want, rel=1e-6)
    assert loss_and_grad(kind, out, y)[0] != pytest.approx(want, rel=1e-2)  # the old path


@pytest.mark.parametrize("kind", sorted(CASES))
def test_every_caller_reports_the_float64_loss(kind) -> None:
    model, data = saturated(kind)
    x, y = data.images, data.labels
    want = reference(model, kind, x, y)
    assert evaluate(model, data, kind).loss == pytest.approx(want, rel=1e-6)
    assert loss_at(model, model.get_weights(), x, y, kind) == pytest.approx(want, rel=1e-6)
    surf = loss_surface(model, random_plane(model.get_weights(), 0), x, y, kind, grid=3,
                        span=0.1)
    assert surf.center_loss == pytest.approx(want, rel=1e-5)
    tr = trace_step(model, x, y, kind)
    assert tr.loss == pytest.approx(want, rel=1e-6)
    assert tr.metrics["loss"] == pytest.approx(want, rel=1e-6)


@pytest.mark.parametrize("kind", sorted(CASES))
def test_the_trainer_reports_the_float64_loss_of_its_step(kind) -> None:
    model, data = saturated(kind)
    before = build(model.spec, np.random.default_rng(0))
    before.set_weights(model.get_weights())
    trainer = Trainer(model, make_optimizer("sgd", 1e-6), data, loss=kind, batch_size=8,
                      seed=0)
    step = trainer.step_batches(1)[0]
    idx = step.indices
    want = reference(before, kind, data.images[idx], data.labels[idx])
    assert step.loss == pytest.approx(want, rel=1e-6)
