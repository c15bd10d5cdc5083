"""Losses (values, fused gradients, RMSE) and optimizers (updates, decay, state)."""

from __future__ import annotations

import numpy as np
import pytest

from engine.losses import loss_and_grad, report
from engine.ops import activations, softmax
from engine.optimizers import make_optimizer
from tests.engine.helpers import numeric_grad, rel_error


def test_cross_entropy_value_and_fused_gradient() -> None:
    rng = np.random.default_rng(0)
    z = rng.standard_normal((4, 5))
    y = np.array([0, 3, 4, 1])
    p, _ = softmax.forward(z)
    loss, dz = loss_and_grad("cross_entropy", p, y)
    assert abs(loss - np.mean(-np.log(p[np.arange(4), y]))) < 1e-12
    num = numeric_grad(lambda: loss_and_grad("cross_entropy", softmax.forward(z)[0], y)[0], z)
    assert rel_error(dz, num) < 1e-6


def test_cross_entropy_of_a_vanished_probability_is_finite() -> None:
    p = np.array([[1.0, 0.0]])
    loss, dz = loss_and_grad("cross_entropy", p, np.array([1]))
    assert np.isfinite(loss) and loss > 700
    np.testing.assert_array_equal(dz, [[1.0, -1.0]])


def test_bce_fused_gradient() -> None:
    rng = np.random.default_rng(1)
    z = rng.standard_normal((3, 2))
    t = rng.random((3, 2))
    loss, dz = loss_and_grad("bce", activations.sigmoid_forward(z)[0], t)
    num = numeric_grad(lambda: loss_and_grad("bce", activations.sigmoid_forward(z)[0], t)[0], z)
    assert rel_error(dz, num) < 1e-6 and loss > 0


def test_mse_gradient_and_rmse() -> None:
    rng = np.random.default_rng(2)
    out, t = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    loss, d = loss_and_grad("mse", out, t)
    assert abs(loss - np.mean((out - t) ** 2)) < 1e-12
    assert rel_error(d, numeric_grad(lambda: loss_and_grad("mse", out, t)[0], out)) < 1e-6
    rep = report("mse", out, t)
    assert rep["rmse"] == pytest.approx(np.sqrt(loss))


def test_mse_with_integer_labels_uses_one_hot() -> None:
    loss, _ = loss_and_grad("mse", np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([1, 1]))
    assert loss == pytest.approx(0.5)


def test_loss_errors_name_the_problem() -> None:
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        loss_and_grad("hinge", np.zeros((1, 2)), np.zeros(1, int))
    with pytest.raises(ValueError, match=r"labels must lie in 0..1, got 0..2"):
        loss_and_grad("cross_entropy", np.full((2, 2), 0.5), np.array([0, 2]))


def _params() -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    return ({"a.W": np.array([1.0, -2.0]), "a.b": np.array([0.5])},
            {"a.W": np.array([0.1, 0.2]), "a.b": np.array([-1.0])})


def test_sgd_update_is_minus_lr_g() -> None:
    params, grads = _params()
    ups = make_optimizer("sgd", 0.5).step(params, grads)
    np.testing.assert_allclose(ups["a.W"], [-0.05, -0.1])
    np.testing.assert_allclose(params["a.W"], [0.95, -2.1])


def test_momentum_two_steps() -> None:
    params, grads = _params()
    opt = make_optimizer("momentum", 0.1, momentum=0.9)
    opt.step(params, grads)
    ups = opt.step(params, grads)
    np.testing.assert_allclose(ups["a.b"], [0.9 * 0.1 + 0.1])
    np.testing.assert_allclose(params["a.b"], [0.5 + 0.1 + 0.19])


def test_adam_first_step_is_lr_times_sign() -> None:
    params, grads = _params()
    ups = make_optimizer("adam", 0.01).step(params, grads)
    np.testing.assert_allclose(ups["a.W"], [-0.01, -0.01], rtol=1e-6)
    np.testing.assert_allclose(ups["a.b"], [0.01], rtol=1e-6)


def test_weight_decay_applies_to_weights_only() -> None:
    params, grads = _params()
    ups = make_optimizer("sgd", 1.0, weight_decay=0.1).step(params, grads)
    np.testing.assert_allclose(ups["a.W"], [-(0.1 + 0.1), -(0.2 - 0.2)])
    np.testing.assert_allclose(ups["a.b"], [1.0])


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam"])
def test_state_dict_round_trip_continues_identically(name) -> None:
    p1, g = _params()
    opt = make_optimizer(name, 0.1)
    opt.step(p1, g)
    state = opt.state_dict()
    p2 = {k: v.copy() for k, v in p1.items()}
    opt.step(p1, g)
    fresh = make_optimizer(name, 0.5)
    fresh.load_state_dict(state)
    fresh.step(p2, g)
    for k in p1:
        np.testing.assert_array_equal(p1[k], p2[k])


def test_optimizer_errors() -> None:
    with pytest.raises(ValueError, match="unknown optimizer 'rmsprop'"):
        make_optimizer("rmsprop", 0.1)
    with pytest.raises(ValueError, match="learning rate must be positive"):
        make_optimizer("sgd", 0.0)
    with pytest.raises(ValueError, match="state is for optimizer 'sgd'"):
        make_optimizer("adam", 0.1).load_state_dict(make_optimizer("sgd", 0.1).state_dict())


def test_one_output_unit_for_two_classes_takes_labels_0_and_1() -> None:
    """The trainer accepts one sigmoid unit for two classes (predicting class 1 when p > 0.5);
    the losses must then read integer labels 0/1 as the targets themselves."""
    p = np.array([[0.3], [0.8], [0.6]])
    labels = np.array([0, 1, 0])
    t = labels.astype(np.float64).reshape(3, 1)
    for kind in ("bce", "mse"):
        got_loss, got_grad = loss_and_grad(kind, p, labels)
        want_loss, want_grad = loss_and_grad(kind, p, t)
        assert got_loss == want_loss
        np.testing.assert_array_equal(got_grad, want_grad)
    want = -np.mean([np.log(0.7), np.log(0.8), np.log(0.4)])
    assert loss_and_grad("bce", p, labels)[0] == pytest.approx(want, rel=1e-12)
    with pytest.raises(ValueError, match="labels must lie in 0..1"):
        loss_and_grad("bce", p, np.array([0, 2, 1]))


def test_adam_takes_momentum_as_beta1() -> None:
    """docs/protocol.md: settings.momentum is the momentum optimizer's mu and adam's beta1."""
    g1, g2 = np.array([1.0, -2.0]), np.array([-3.0, 0.5])
    for beta1 in (0.0, 0.5, 0.9):
        opt = make_optimizer("adam", 0.1, momentum=beta1)
        p = {"a.W": np.zeros(2)}
        opt.step(p, {"a.W": g1})
        u2 = opt.step(p, {"a.W": g2})["a.W"]
        m = (beta1 * (1 - beta1) * g1 + (1 - beta1) * g2) / (1 - beta1 ** 2)
        v = (0.999 * 0.001 * g1 ** 2 + 0.001 * g2 ** 2) / (1 - 0.999 ** 2)
        np.testing.assert_allclose(u2, -0.1 * m / (np.sqrt(v) + 1e-8), rtol=1e-12)
    with pytest.raises(ValueError, match="betas must be in"):
        make_optimizer("adam", 0.1, momentum=1.0)
