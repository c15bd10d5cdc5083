"""The lab's by-hand views: the texts' worked numbers, and every chain-rule product held to the
engine's backprop and to finite differences."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.datasets import people
from engine.lab import activations, net221, neuron

ALL_ONES = {**{f"w{i}": 1.0 for i in range(1, 7)}, "b1": 0.0, "b2": 0.0, "b3": 0.0}
ZERO_ONE = {"w1": 0.0, "w2": 1.0, "w3": 0.0, "w4": 1.0, "w5": 0.0, "w6": 1.0,
            "b1": 0.0, "b2": 0.0, "b3": 0.0}
ALICE = ([-2.0, -1.0], 1.0)


def random_params(rng: np.random.Generator) -> dict[str, float]:
    return {name: float(v) for name, v in zip(net221.PARAMS, rng.normal(0, 1.5, 9),
                                              strict=True)}


# -- the worked numbers -------------------------------------------------------------------
def test_one_neuron_w01_b4_x23_sigmoid_gives_0_999() -> None:
    r = neuron.neuron([2, 3], [0, 1], 4, "sigmoid")
    assert r.products == [0.0, 3.0] and r.weighted_sum == 3.0 and r.z == 7.0
    assert abs(r.output - 0.999) <= 1e-4
    assert abs(r.derivative - r.output * (1 - r.output)) < 1e-15  # type: ignore[operator]


def test_221_with_every_neuron_w01_b0_on_x23() -> None:
    fw = net221.forward_engine(ZERO_ONE, [2, 3])
    assert fw.z_h1 == fw.z_h2 == 3.0
    assert abs(fw.h1 - 0.9526) <= 1e-4 and abs(fw.h2 - 0.9526) <= 1e-4
    assert abs(fw.z_o - fw.h2) < 1e-15
    assert abs(fw.o1 - 0.7216) <= 1e-4


def test_alice_forward_and_backward_exact() -> None:
    a = net221.analyse(ALL_ONES, *ALICE, lr=0.1)
    h1, _, o1 = a.nodes
    assert h1.z == -3.0 and abs(h1.out - 0.0474) <= 1e-4
    w1 = next(g for g in a.grads if g.name == "w1")
    dl, dy_dh1, dh1_dw1 = w1.factors
    assert (dl.symbol, dy_dh1.symbol, dh1_dw1.symbol) == ("∂L/∂ŷ", "∂ŷ/∂h1", "∂h1/∂w1")
    assert abs(dh1_dw1.value - (-0.0904)) <= 1e-4
    # exact arithmetic: 0.02147; the text prints 0.0214 (it rounds each factor first)
    assert abs(w1.gradient - 0.02146) <= 1e-4
    # the three the text prints to 3 digits, exactly: within half a unit of that digit
    # (o1 = 0.52370, ∂ŷ/∂h1 = 0.24944) ...
    assert abs(o1.out - 0.524) <= 5e-4 and abs(dy_dh1.value - 0.249) <= 5e-4
    # ... and ∂L/∂ŷ = −2(1 − 0.52370) = −0.95261, which the text gets as −2(1 − 0.524)
    assert abs(dl.value - (-2 * (1 - o1.out))) < 1e-15
    assert abs(dl.value - (-0.952)) <= 1e-3


def test_alice_rounded_to_3_digits_at_each_step_is_the_text() -> None:
    a = net221.analyse(ALL_ONES, *ALICE, lr=0.1, digits=3)
    h1, _, o1 = a.nodes
    assert (h1.out_rounded, o1.z_rounded, o1.out_rounded) == (0.0474, 0.0948, 0.524)
    w1 = next(g for g in a.grads if g.name == "w1")
    assert w1.rounded == [-0.952, 0.249, -0.0904]
    assert w1.gradient_rounded == 0.0214


# -- the chain rule against the engine and finite differences ------------------------------
@pytest.mark.parametrize("seed", range(6))
def test_every_chain_product_equals_engine_backprop_and_finite_differences(seed: int) -> None:
    rng = np.random.default_rng(seed)
    params = random_params(rng)
    x = rng.normal(0, 2, 2).tolist()
    y = float(rng.integers(0, 2))
    a = net221.analyse(params, x, y, lr=0.1)
    fresh_engine = net221.engine_gradients(net221.make_model(params), x, y)
    fresh_numeric = net221.numeric_gradients(params, x, y, h=1e-5)
    for g in a.grads:
        product = math.prod(f.value for f in g.factors)
        assert g.gradient == pytest.approx(product, rel=1e-12, abs=1e-15)
        assert g.engine == fresh_engine[g.name]
        assert g.gradient == pytest.approx(g.engine, rel=1e-10, abs=1e-14)
        assert g.gradient == pytest.approx(fresh_numeric[g.name], rel=1e-6, abs=1e-9)
        assert g.numeric == pytest.approx(g.engine, rel=1e-5, abs=1e-8)


def test_the_chains_have_the_texts_factors() -> None:
    a = net221.analyse(ALL_ONES, *ALICE, lr=0.1)
    shapes = {g.name: [f.formula for f in g.factors] for g in a.grads}
    assert shapes["w1"] == ["−2(y − ŷ)", "w5 · f′(z_o)", "x1 · f′(z_h1)"]
    assert shapes["w4"] == ["−2(y − ŷ)", "w6 · f′(z_o)", "x2 · f′(z_h2)"]
    assert shapes["b2"] == ["−2(y − ŷ)", "w6 · f′(z_o)", "f′(z_h2)"]
    assert shapes["w5"] == ["−2(y − ŷ)", "h1 · f′(z_o)"]
    assert shapes["b3"] == ["−2(y − ŷ)", "f′(z_o)"]


def test_by_hand_forward_without_rounding_is_the_engines() -> None:
    rng = np.random.default_rng(7)
    for _ in range(5):
        params, x = random_params(rng), rng.normal(0, 3, 2).tolist()
        hand, eng = net221.forward_by_hand(params, x), net221.forward_engine(params, x)
        for field in ("z_h1", "h1", "z_h2", "h2", "z_o", "o1", "df_h1", "df_h2", "df_o"):
            assert getattr(hand, field) == pytest.approx(getattr(eng, field), rel=1e-12,
                                                         abs=1e-15)


def test_round_sig() -> None:
    assert net221.round_sig(0.0214695, 3) == 0.0215
    assert net221.round_sig(-0.9526, 3) == -0.953
    assert net221.round_sig(1234.5, 2) == 1200
    assert net221.round_sig(0.0, 3) == 0.0


def test_loss_is_squared_error_and_one_sgd_step() -> None:
    a = net221.analyse(ALL_ONES, *ALICE, lr=0.5)
    assert a.loss == pytest.approx((1 - a.prediction) ** 2, rel=1e-14)
    for g in a.grads:
        assert g.update == pytest.approx(-0.5 * g.engine, rel=1e-14)
        assert g.after == pytest.approx(g.before - 0.5 * g.gradient, rel=1e-12)
    assert a.loss_after < a.loss
    after = {g.name: g.after for g in a.grads}
    assert a.loss_after == net221.sample_loss(net221.make_model(after), *ALICE)


# -- training and predicting --------------------------------------------------------------
def test_training_on_the_people_table_lowers_its_loss() -> None:
    t = net221.train(ALL_ONES, lr=0.5, count=200)
    assert [s.index for s in t.steps[:5]] == [0, 1, 2, 3, 0]
    assert t.steps[1].name == "Bob" and t.next_index == 0
    assert t.table_loss < t.table_loss_before / 10
    assert t.table_loss == t.steps[-1].table_loss
    model = net221.make_model(t.params)
    loss, preds = net221.table_loss(model)
    assert loss == pytest.approx(t.table_loss, rel=1e-12)
    assert [p.prediction for p in t.people] == pytest.approx(preds.tolist(), rel=1e-12)
    assert [round(p.prediction) for p in t.people] == [1, 0, 0, 1]
    again = net221.train(ALL_ONES, lr=0.5, count=200)
    assert again.params == t.params


def test_training_in_two_halves_is_training_at_once() -> None:
    whole = net221.train(ALL_ONES, lr=0.3, count=6, start=1)
    first = net221.train(ALL_ONES, lr=0.3, count=3, start=1)
    second = net221.train(first.params, lr=0.3, count=3, start=first.next_index)
    assert second.params == pytest.approx(whole.params, rel=1e-12)
    assert [s.name for s in whole.steps] == ["Bob", "Charlie", "Diana", "Alice", "Bob",
                                             "Charlie"]


def test_table_loss_of_a_net_that_says_0_is_one_half() -> None:
    # b3 = -50 drives ŷ to ~0 for everyone: MSE (1 + 0 + 0 + 1) / 4
    loss, _ = net221.table_loss(net221.make_model({**ALL_ONES, "w5": 0.0, "w6": 0.0,
                                                   "b3": -50.0}))
    assert loss == pytest.approx(0.5, abs=1e-12)


def test_predict_a_new_person_shifts_by_135_and_66() -> None:
    t = net221.train(ALL_ONES, lr=0.5, count=200)
    p = net221.predict(t.params, 128, 63)
    assert p.x == [-7.0, -3.0] and p.shift == people.SHIFT.tolist()
    assert p.prediction == net221.forward_engine(t.params, [-7, -3]).o1
    assert p.label == 1 and p.class_name == "female"
    assert net221.predict(t.params, 170, 74).class_name == "male"


# -- the activation table -----------------------------------------------------------------
@pytest.mark.parametrize("name", ["linear", "sigmoid", "tanh", "relu", "leaky_relu"])
def test_activation_derivatives_match_finite_differences(name: str) -> None:
    act = activations.get(name, slope=0.1)
    z = np.array([-5.3, -2.1, -0.4, 0.3, 1.7, 4.9])  # away from relu's kink
    h = 1e-6
    numeric = (act.f(z + h) - act.f(z - h)) / (2 * h)
    np.testing.assert_allclose(act.df(z), numeric, rtol=1e-7, atol=1e-9)


def test_activation_values() -> None:
    z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(activations.get("relu").f(z), [0, 0, 3])
    np.testing.assert_allclose(activations.get("leaky_relu", 0.2).f(z), [-0.4, 0, 3])
    np.testing.assert_array_equal(activations.get("linear").f(z), z)
    np.testing.assert_allclose(activations.get("tanh").f(z), np.tanh(z))
    np.testing.assert_array_equal(activations.get("step").f(z), [0, 1, 1])
    np.testing.assert_array_equal(activations.get("step").df(z), [0, 0, 0])
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        activations.get("swish")


def test_step_neuron_is_forward_only_with_a_note() -> None:
    r = neuron.neuron([1, -2, 0.5], [2, 1, 4], -2.5, "step")
    assert r.z == -0.5 and r.output == 0.0
    assert r.derivative is None and not r.trainable and "derivative is 0" in (r.note or "")
    r = neuron.neuron([1, -2, 0.5], [2, 1, 4], -2.0, "step")
    assert r.z == 0.0 and r.output == 1.0


def test_neuron_curve_holds_z_and_is_f_and_df() -> None:
    r = neuron.neuron([10.0], [3.0], 5.0, "tanh")
    assert r.z == 35.0 and min(r.curve_z) < -35 < 35 < max(r.curve_z)
    act = activations.get("tanh")
    np.testing.assert_array_equal(r.curve_f, act.f(np.array(r.curve_z)))
    np.testing.assert_array_equal(r.curve_df, act.df(np.array(r.curve_z)))
    assert r.derivative == pytest.approx(1 - math.tanh(35.0) ** 2, abs=1e-15)
    assert neuron.neuron([1.0], [1.0], 0.0, "relu").curve_z[0] == -6.0


def test_neuron_products_and_leaky_relu() -> None:
    r = neuron.neuron([1.5, -2.0, 4.0], [2.0, 0.5, -1.0], 0.25, "leaky_relu", slope=0.1)
    assert r.products == [3.0, -1.0, -4.0] and r.weighted_sum == -2.0 and r.z == -1.75
    assert r.output == pytest.approx(-0.175) and r.derivative == pytest.approx(0.1)
    with pytest.raises(ValueError, match="same length"):
        neuron.neuron([1.0, 2.0], [1.0], 0.0, "relu")
