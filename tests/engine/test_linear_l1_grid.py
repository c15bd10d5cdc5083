"""The lab's engine parts: the identity (linear) activation and L1 (finite differences),
regression targets, per-layer gradient sizes, the grid evaluator."""

from __future__ import annotations

import numpy as np
import pytest

from engine.datasets.planar import generate
from engine.grid import evaluate_grid, grid_points
from engine.losses import loss_and_grad
from engine.model import build
from engine.optimizers import make_optimizer
from engine.spec import SpecError, normalize
from engine.trainer import Trainer
from tests.engine.gradcheck import check_model
from tests.engine.helpers import numeric_grad, rel_error, spec_of


def lab_spec(features: int, hidden: list[tuple[int, str]], out: list[dict]) -> dict:
    layers: list[dict] = [{"type": "flatten"}]
    for units, act in hidden:
        layers += [{"type": "dense", "units": units}, {"type": act}]
    return {"input": {"channels": features, "height": 1, "width": 1}, "layers": layers + out}


# -- linear ------------------------------------------------------------------------------
def test_linear_alone_passes_the_gradient_check() -> None:
    check_model(spec_of(2, 4, 3, {"type": "linear"}))


def test_linear_between_dense_layers_with_mse() -> None:
    spec = lab_spec(3, [(4, "linear"), (3, "tanh")], [{"type": "dense", "units": 1},
                                                      {"type": "linear"}])
    check_model(spec, n=5, loss="mse")


def test_linear_is_the_identity_and_named_linear1() -> None:
    spec = normalize(lab_spec(2, [(3, "linear")], [{"type": "dense", "units": 1}]))
    assert [d["name"] for d in spec["layers"]] == ["flatten1", "dense1", "linear1", "dense2"]
    model = build(spec, np.random.default_rng(0))
    x = np.random.default_rng(1).standard_normal((5, 2, 1, 1)).astype(np.float32)
    acts = model.run_forward(x)
    np.testing.assert_array_equal(acts[3], acts[2])
    assert acts[3] is not acts[2]


@pytest.mark.parametrize("out", [
    [{"type": "dense", "units": 1}, {"type": "sigmoid"}],
    [{"type": "dense", "units": 2}, {"type": "softmax"}],
    [{"type": "dense", "units": 1}],
    [{"type": "dense", "units": 1}, {"type": "linear"}],
])
def test_the_lab_shapes_build(out) -> None:
    spec = lab_spec(7, [(8, "tanh"), (8, "relu"), (8, "leaky_relu"), (8, "sigmoid"),
                        (8, "linear"), (1, "relu")], out)
    model = build(spec, np.random.default_rng(0))
    assert model.shapes[-1] == (out[0]["units"],)


def test_a_dense_without_flatten_is_refused() -> None:
    with pytest.raises(SpecError, match="flatten"):
        normalize({"input": {"channels": 2, "height": 1, "width": 1},
                   "layers": [{"type": "dense", "units": 8}]})


# -- L1 ----------------------------------------------------------------------------------
def _objective(model, x, y, l1: float, wd: float) -> float:
    out = model.forward(x, training=True)
    loss = loss_and_grad("bce", out, y, logits=model.logits)[0]
    weights = [p for k, p in model.named_params().items() if k.endswith(".W")]
    return loss + l1 * sum(float(np.abs(w).sum()) for w in weights) + wd / 2 * sum(
        float((w * w).sum()) for w in weights)


@pytest.mark.parametrize(("l1", "wd"), [(0.05, 0.0), (0.03, 0.02)])
def test_l1_step_is_minus_lr_times_the_objectives_gradient(l1, wd) -> None:
    """An SGD step with lr 1 is -dJ/dtheta for J = L + l1 sum|W| + wd/2 sum W^2 (checked by
    finite differences of J; weights kept away from 0, where |W| has no derivative)."""
    rng = np.random.default_rng(3)
    model = build(lab_spec(2, [(4, "tanh")], [{"type": "dense", "units": 1},
                                              {"type": "sigmoid"}]), rng, dtype=np.float64)
    weights = model.get_weights()
    for k, v in weights.items():
        v = v + rng.standard_normal(v.shape) * 0.3
        weights[k] = np.where(np.abs(v) < 0.05, 0.1, v)
    model.set_weights(weights)
    x = rng.standard_normal((6, 2, 1, 1))
    y = rng.integers(0, 2, 6)
    out = model.forward(x, training=True)
    model.backward(loss_and_grad("bce", out, y)[1], loss="bce")
    params = model.named_params()
    before = {k: p.copy() for k, p in params.items()}
    updates = make_optimizer("sgd", 1.0, weight_decay=wd, l1=l1).step(
        {k: p.copy() for k, p in params.items()}, model.named_grads())
    model.set_weights(before)
    for name, arr in model.named_params().items():
        num = numeric_grad(lambda: _objective(model, x, y, l1, wd), arr)
        assert rel_error(-updates[name], num) < 1e-6, name


def test_l1_term_is_l1_sign_w_on_weights_only() -> None:
    params = {"a.W": np.array([0.5, -0.5]), "a.b": np.array([0.5])}
    grads = {"a.W": np.zeros(2), "a.b": np.zeros(1)}
    ups = make_optimizer("sgd", 1.0, l1=0.1).step(params, grads)
    np.testing.assert_allclose(ups["a.W"], [-0.1, 0.1])
    np.testing.assert_allclose(ups["a.b"], [0.0])


def test_l1_survives_state_dict_and_a_rewind() -> None:
    opt = make_optimizer("adam", 0.1, l1=0.25)
    fresh = make_optimizer("adam", 0.1)
    fresh.load_state_dict(opt.state_dict())
    assert fresh.l1 == 0.25
    with pytest.raises(ValueError, match="l1"):
        make_optimizer("sgd", 0.1, l1=-1.0)


# -- regression, gradient sizes --------------------------------------------------------
def _trainer(set_name: str, spec: dict, loss: str) -> Trainer:
    data = generate(set_name, 60, 0.0, 0).dataset(["x1", "x2"])
    model = build(spec, np.random.default_rng(0))
    return Trainer(model, make_optimizer("adam", 0.02), data.subset(np.arange(40)),
                   data.subset(np.arange(40, 60)), loss=loss, batch_size=8)


def test_regression_trains_on_targets_and_reports_no_accuracy() -> None:
    t = _trainer("plane", lab_spec(2, [(4, "tanh")], [{"type": "dense", "units": 1}]), "mse")
    events = t.step_batches(3)
    assert all(e.accuracy is None and e.running_accuracy is None for e in events)
    ev = t.evaluate("train")
    assert ev.accuracy is None and ev.confusion.shape == (0, 0)
    full = t.model.forward(t.train.images)
    np.testing.assert_allclose(ev.loss, np.mean((full - t.train.targets) ** 2), rtol=1e-5)
    for _ in t.run_epoch():
        pass
    rec = t.history[-1]
    assert rec.train_accuracy is None and rec.val_accuracy is None
    assert rec.val_rmse == pytest.approx(np.sqrt(rec.val_loss))


def test_regression_refuses_other_losses_and_wrong_outputs() -> None:
    with pytest.raises(ValueError, match="mse"):
        _trainer("plane", lab_spec(2, [], [{"type": "dense", "units": 1},
                                           {"type": "sigmoid"}]), "bce")
    with pytest.raises(ValueError, match="1 real-valued target"):
        _trainer("plane", lab_spec(2, [], [{"type": "dense", "units": 2}]), "mse")


def test_grad_sizes_are_mean_abs_dl_dw_of_each_dense_layer() -> None:
    spec = lab_spec(2, [(8, "sigmoid"), (8, "sigmoid"), (8, "sigmoid")],
                    [{"type": "dense", "units": 1}, {"type": "sigmoid"}])
    t = _trainer("xor", spec, "bce")
    model = t.model
    before = model.get_weights()
    event = t.step_batches(1)[0]
    assert set(event.grad_sizes) == {"dense1", "dense2", "dense3", "dense4"}
    # recompute the step's gradient from the weights before it, on the same batch
    model.set_weights(before)
    x, y = t.train.images[event.indices], t.train.labels[event.indices]
    out = model.forward(x, training=True)
    model.backward(loss_and_grad("bce", out, y)[1], loss="bce")
    for name, size in event.grad_sizes.items():
        assert size == pytest.approx(float(np.mean(np.abs(model.named_grads()[name + ".W"]))))
    # sigmoid stacks starve their first layers
    assert event.grad_sizes["dense1"] < event.grad_sizes["dense4"]


# -- grid --------------------------------------------------------------------------------
def test_grid_points_layout() -> None:
    pts = grid_points(((-6.0, 6.0), (-3.0, 3.0)), 5)
    grid = pts.reshape(5, 5, 2)
    np.testing.assert_array_equal(grid[0, :, 0], np.linspace(-6, 6, 5))   # row 0: x1 grows
    np.testing.assert_array_equal(grid[:, 0, 1], np.linspace(3, -3, 5))   # col 0: x2 falls
    with pytest.raises(ValueError):
        grid_points(((1.0, 1.0), (0.0, 1.0)), 5)
    with pytest.raises(ValueError):
        grid_points(((0.0, 1.0), (0.0, 1.0)), 1)


def test_grid_keeps_every_neuron_and_matches_single_forwards() -> None:
    spec = lab_spec(3, [(8, "tanh"), (8, "relu")], [{"type": "dense", "units": 1},
                                                    {"type": "sigmoid"}])
    model = build(spec, np.random.default_rng(0))
    names = ["x1", "x2", "x1x2"]
    extent = ((-6.0, 6.0), (-5.0, 5.0))
    layers = evaluate_grid(model, names, extent, 16)
    assert [(g.name, g.dense, g.role, g.values.shape) for g in layers] == [
        ("input", None, "input", (3, 16, 16)), ("tanh1", "dense1", "hidden", (8, 16, 16)),
        ("relu1", "dense2", "hidden", (8, 16, 16)),
        ("sigmoid1", "dense3", "output", (1, 16, 16))]
    # cell (i, j) is the point x1 = lo + j * step, x2 = hi - i * step, one forward each
    for i, j in [(0, 0), (15, 15), (3, 11), (9, 2)]:
        x1, x2 = -6 + j * 12 / 15, 5 - i * 10 / 15
        x = np.array([[x1, x2, x1 * x2]], np.float32).reshape(1, 3, 1, 1)
        assert layers[0].values[:, i, j] == pytest.approx(x.reshape(-1))
        acts = model.run_forward(x)
        np.testing.assert_allclose(layers[1].values[:, i, j], acts[3][0], rtol=1e-5,
                                   atol=1e-6)
        np.testing.assert_allclose(layers[2].values[:, i, j], acts[5][0], rtol=1e-5,
                                   atol=1e-6)
        np.testing.assert_allclose(layers[3].values[0, i, j], model.forward(x)[0, 0],
                                   rtol=1e-5)


def test_grid_of_a_plain_dense_output_and_a_mismatch() -> None:
    spec = lab_spec(2, [(3, "relu")], [{"type": "dense", "units": 1}])
    model = build(spec, np.random.default_rng(0))
    layers = evaluate_grid(model, ["x1", "x2"], ((-1.0, 1.0), (-1.0, 1.0)), 4)
    assert [(g.name, g.role) for g in layers] == [("input", "input"), ("relu1", "hidden"),
                                                  ("dense2", "output")]
    with pytest.raises(ValueError, match="features"):
        evaluate_grid(model, ["x1"], ((-1.0, 1.0), (-1.0, 1.0)), 4)
