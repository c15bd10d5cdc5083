"""Loss surface: batched evaluator against the slow reference, directions, PCA, trajectory."""

from __future__ import annotations

import numpy as np
import pytest

from engine import losses
from engine.datasets import shapes
from engine.landscape import (
    BatchedEvaluator,
    eval_subset,
    filter_normalize,
    loss_slice,
    loss_surface,
    loss_surfaces,
    pca_plane,
    random_plane,
    trainer_slice,
    trainer_surfaces,
)
from engine.landscape.directions import Plane, project
from engine.landscape.reference import loss_at, surface_reference
from engine.landscape.subset import quotas
from engine.model import build
from engine.optimizers import make_optimizer
from engine.trainer import Trainer

SIZE = 12


def spec_of(*layers: dict, channels: int = 1, size: int = SIZE) -> dict:
    return {"input": {"channels": channels, "height": size, "width": size},
            "layers": list(layers)}


SMALL = spec_of(
    {"type": "conv2d", "filters": 3, "kernel": 3, "padding": 1}, {"type": "relu"},
    {"type": "pool", "mode": "max", "size": 2},
    {"type": "conv2d", "filters": 4, "kernel": 3, "padding": 1}, {"type": "relu"},
    {"type": "pool", "mode": "max", "size": 2}, {"type": "flatten"},
    {"type": "dense", "units": 8}, {"type": "relu"}, {"type": "dense", "units": 7},
    {"type": "softmax"})

SPECS = {
    "small": SMALL,
    "odd_size_min_pool_leaky": spec_of(
        {"type": "conv2d", "filters": 3, "kernel": 2}, {"type": "leaky_relu", "slope": 0.1},
        {"type": "dropout", "rate": 0.3}, {"type": "pool", "mode": "min", "size": 2},
        {"type": "conv2d", "filters": 2, "kernel": 3, "padding": 1}, {"type": "tanh"},
        {"type": "pool", "mode": "max", "size": 2}, {"type": "flatten"},
        {"type": "dense", "units": 7}, {"type": "softmax"}, size=13),
    "stride_avg_overlap_sigmoid": spec_of(
        {"type": "conv2d", "filters": 3, "kernel": 3, "stride": 2, "padding": 1},
        {"type": "sigmoid"}, {"type": "pool", "mode": "avg", "size": 2},
        {"type": "conv2d", "filters": 4, "kernel": 2}, {"type": "relu"},
        {"type": "pool", "mode": "max", "size": 2, "stride": 1},
        {"type": "global_pool", "mode": "avg"}, {"type": "dense", "units": 7},
        {"type": "softmax"}),
    "dense_first": spec_of(
        {"type": "flatten"}, {"type": "dense", "units": 10}, {"type": "relu"},
        {"type": "dense", "units": 7}, {"type": "softmax"}),
    "conv_unpooled_global_max": spec_of(
        {"type": "conv2d", "filters": 4, "kernel": 3}, {"type": "relu"},
        {"type": "conv2d", "filters": 5, "kernel": 3, "padding": "same"}, {"type": "relu"},
        {"type": "global_pool", "mode": "max"}, {"type": "dense", "units": 7},
        {"type": "softmax"}),
}


@pytest.fixture(scope="module")
def data():
    return shapes.generate(70, size=SIZE, seed=5)


def gaussian(weights: dict, seed: int, scale: float = 0.3) -> dict:
    """A direction with non-zero biases too (PCA directions have them)."""
    rng = np.random.default_rng(seed)
    return {k: (scale * rng.standard_normal(v.shape)).astype(v.dtype)
            for k, v in sorted(weights.items())}


def batch(data, spec, n: int = 24):
    size = spec["input"]["height"]
    d = data if size == SIZE else shapes.generate(70, size=size, seed=5)
    return d.images[:n], d.labels[:n]


@pytest.mark.parametrize("name", sorted(SPECS))
def test_fast_surface_agrees_with_the_slow_reference(data, name):
    spec = SPECS[name]
    model = build(spec, np.random.default_rng(1))
    x, y = batch(data, spec)
    center = model.get_weights()
    plane = Plane("test", gaussian(center, 2), gaussian(center, 3))
    surf = loss_surface(model, plane, x, y, "cross_entropy", grid=5, span=1.0)
    ref = surface_reference(model, center, plane.d1, plane.d2, x, y, "cross_entropy",
                            surf.alphas, surf.betas)
    assert surf.losses.shape == (5, 5)
    np.testing.assert_allclose(surf.losses, ref, rtol=2e-5, atol=1e-6)
    assert np.ptp(ref) > 1e-3  # the directions really change the loss


@pytest.mark.parametrize("name", sorted(SPECS))
def test_centre_value_is_the_loss_at_the_current_weights(data, name):
    spec = SPECS[name]
    model = build(spec, np.random.default_rng(4))
    x, y = batch(data, spec)
    before = model.get_weights()
    surf = loss_surface(model, random_plane(before, 0), x, y, "cross_entropy", grid=7)
    out = model.forward(x)  # the trainer's loss: the value from the softmax's input
    direct = losses.loss_and_grad("cross_entropy", out, y, logits=model.logits)[0]
    assert surf.center_loss == pytest.approx(direct, rel=1e-5)
    assert surf.losses[3, 3] == surf.center_loss
    after = model.get_weights()
    assert all(np.array_equal(before[k], after[k]) for k in before)  # model untouched


def test_bce_and_mse_losses_agree_with_the_reference(data):
    x, y = data.images[:20], (data.labels[:20] % 2).astype(np.int64)
    for loss, last in (("bce", "sigmoid"), ("mse", "softmax")):
        units = 1 if loss == "bce" else 7
        yy = y.reshape(-1, 1).astype(np.float32) if loss == "bce" else data.labels[:20]
        spec = spec_of({"type": "conv2d", "filters": 2, "kernel": 3}, {"type": "relu"},
                       {"type": "pool", "mode": "max", "size": 2}, {"type": "flatten"},
                       {"type": "dense", "units": units}, {"type": last})
        model = build(spec, np.random.default_rng(0))
        center = model.get_weights()
        plane = Plane("test", gaussian(center, 5), gaussian(center, 6))
        surf = loss_surface(model, plane, x, yy, loss, grid=3, span=2.0)
        ref = surface_reference(model, center, plane.d1, plane.d2, x, yy, loss,
                                surf.alphas, surf.betas)
        np.testing.assert_allclose(surf.losses, ref, rtol=2e-5, atol=1e-6)


def test_random_directions_are_filter_normalised_and_seeded():
    model = build(SMALL, np.random.default_rng(0))
    w = model.get_weights()
    model.named_params()["conv1.b"][...] = 0.5  # biases must still get a zero direction
    plane = random_plane(model.get_weights(), seed=3)
    for d in (plane.d1, plane.d2):
        for name, v in d.items():
            if name.endswith(".b"):
                assert not v.any()
            elif v.ndim == 4:  # conv (F, C, k, k): one norm per output filter
                np.testing.assert_allclose(np.linalg.norm(v.reshape(v.shape[0], -1), axis=1),
                                           np.linalg.norm(w[name].reshape(v.shape[0], -1),
                                                          axis=1), rtol=1e-5)
            else:  # dense (in, out): one norm per output unit (column)
                np.testing.assert_allclose(np.linalg.norm(v, axis=0),
                                           np.linalg.norm(w[name], axis=0), rtol=1e-5)
    again = random_plane(model.get_weights(), seed=3)
    other = random_plane(model.get_weights(), seed=4)
    assert all(np.array_equal(plane.d1[k], again.d1[k]) for k in w)
    assert not np.array_equal(plane.d1["conv1.W"], other.d1["conv1.W"])
    assert not np.array_equal(plane.d1["conv1.W"], plane.d2["conv1.W"])


def test_filter_normalize_rescales_each_filter_to_its_weight_norm():
    w = {"c.W": np.arange(1, 17, dtype=np.float32).reshape(2, 2, 2, 2),
         "c.b": np.ones(2, np.float32)}
    d = {"c.W": np.ones((2, 2, 2, 2), np.float32), "c.b": np.ones(2, np.float32)}
    out = filter_normalize(d, w)
    n0 = np.sqrt(np.sum(np.arange(1, 9) ** 2))
    np.testing.assert_allclose(out["c.W"][0], np.full((2, 2, 2), n0 / np.sqrt(8)), rtol=1e-6)
    assert not out["c.b"].any()


def line_trajectory(center: dict, seed: int) -> list[dict]:
    """Points moving mostly along one direction u, a little along v, ending at center."""
    u, v = gaussian(center, seed), gaussian(center, seed + 1)
    ts = np.linspace(-4, 0, 6)
    wiggle = np.array([0.3, -0.2, 0.25, -0.3, 0.2, 0.0])
    return [{k: center[k] + t * u[k] + s * v[k] for k in center}
            for t, s in zip(ts, wiggle, strict=True)]


def test_pca_shares_are_sorted_at_most_one_and_directions_orthonormal():
    model = build(SMALL, np.random.default_rng(0))
    center = model.get_weights()
    traj = line_trajectory(center, 7)
    plane = pca_plane(traj, center)
    share = plane.explained
    assert share is not None and share.shape == (2,)
    assert share[0] >= share[1] > 0 and share.sum() <= 1 + 1e-12
    assert share[0] > 0.9  # the trajectory is nearly a line
    flat = [np.concatenate([d[k].ravel() for k in sorted(d)]).astype(np.float64)
            for d in (plane.d1, plane.d2)]
    assert np.dot(flat[0], flat[0]) == pytest.approx(1, abs=1e-5)
    assert np.dot(flat[1], flat[1]) == pytest.approx(1, abs=1e-5)
    assert abs(np.dot(flat[0], flat[1])) < 1e-5
    coords = project(traj, center, plane)
    assert coords[0, 0] < 0 and np.allclose(coords[-1], 0)  # oldest negative, current origin
    assert np.all(np.diff(coords[:, 0]) > 0)  # the main direction follows the motion


def test_pca_refuses_a_trajectory_too_short_or_still():
    model = build(SMALL, np.random.default_rng(0))
    center = model.get_weights()
    with pytest.raises(ValueError, match="at least three points"):
        pca_plane([center, center], center)
    with pytest.raises(ValueError, match="hardly moved"):
        pca_plane([center, center, center], center)


def test_trajectory_projection_true_and_surface_losses(data):
    model = build(SMALL, np.random.default_rng(0))
    x, y = data.images[:24], data.labels[:24]
    center = model.get_weights()
    plane = Plane("test", gaussian(center, 11), gaussian(center, 12))
    in_plane = {k: center[k] + 0.3 * plane.d1[k] - 0.2 * plane.d2[k] for k in center}
    off_plane = {k: center[k] + g for k, g in gaussian(center, 13, 0.2).items()}
    traj = [(0.0, off_plane), (0.5, in_plane), (1.0, center)]
    surf = loss_surface(model, plane, x, y, "cross_entropy", grid=3, trajectory=traj)
    off, inside, now = surf.trajectory
    assert (now.x, now.y) == (0.0, 0.0)
    assert now.loss == pytest.approx(surf.center_loss, rel=1e-5)
    assert now.surface_loss == pytest.approx(surf.center_loss, rel=1e-5)
    assert (inside.x, inside.y) == pytest.approx((0.3, -0.2), abs=1e-5)
    assert inside.loss == pytest.approx(inside.surface_loss, rel=1e-4)
    assert off.loss == pytest.approx(loss_at(model, off_plane, x, y, "cross_entropy"),
                                     rel=1e-5)
    shadow = {k: center[k] + off.x * plane.d1[k] + off.y * plane.d2[k] for k in center}
    assert off.surface_loss == pytest.approx(loss_at(model, shadow, x, y, "cross_entropy"),
                                             rel=1e-5)
    assert abs(off.loss - off.surface_loss) > 1e-4  # off the plane, the two differ
    assert [p.position for p in surf.trajectory] == [0.0, 0.5, 1.0]


def test_progressive_gives_coarse_then_refined_reusing_coarse_points(data):
    model = build(SMALL, np.random.default_rng(0))
    x, y = data.images[:16], data.labels[:16]
    plane = random_plane(model.get_weights(), 0)
    first, second = list(loss_surfaces(model, plane, x, y, "cross_entropy", grid=21,
                                       span=0.8))
    assert not first.refined and first.losses.shape == (11, 11)
    assert second.refined and second.losses.shape == (21, 21)
    np.testing.assert_array_equal(first.alphas, second.alphas[::2])
    np.testing.assert_array_equal(first.losses, second.losses[::2, ::2])
    whole = loss_surface(model, plane, x, y, "cross_entropy", grid=21, span=0.8)
    np.testing.assert_allclose(second.losses, whole.losses, rtol=1e-6)
    assert first.center_loss == second.center_loss
    only = list(loss_surfaces(model, plane, x, y, "cross_entropy", grid=9))
    assert len(only) == 1 and only[0].refined


def test_slice_runs_through_the_centre_like_the_surface_row(data):
    model = build(SMALL, np.random.default_rng(0))
    x, y = data.images[:16], data.labels[:16]
    plane = random_plane(model.get_weights(), 1)
    sl = loss_slice(model, plane.d1, x, y, "cross_entropy", points=9, span=0.5)
    surf = loss_surface(model, plane, x, y, "cross_entropy", grid=9, span=0.5)
    np.testing.assert_allclose(sl.losses, surf.losses[4], rtol=1e-5)
    assert sl.center_loss == pytest.approx(surf.center_loss, rel=1e-6)
    center = model.get_weights()
    far = {k: center[k] + 0.5 * plane.d1[k] for k in center}
    assert sl.losses[-1] == pytest.approx(loss_at(model, far, x, y, "cross_entropy"), rel=1e-5)


@pytest.mark.parametrize("grid", [4, 1, 2.0])
def test_grid_must_be_odd(data, grid):
    model = build(SMALL, np.random.default_rng(0))
    with pytest.raises(ValueError, match="grid must be an odd integer"):
        loss_surface(model, random_plane(model.get_weights(), 0), data.images[:4],
                     data.labels[:4], "cross_entropy", grid=grid)


def test_evaluator_refuses_mismatched_inputs(data):
    model = build(SMALL, np.random.default_rng(0))
    w = model.get_weights()
    with pytest.raises(ValueError, match="do not match"):
        BatchedEvaluator(model, [{"conv1.W": w["conv1.W"]}], data.images[:4],
                         data.labels[:4], "cross_entropy")
    ev = BatchedEvaluator(model, [w, w], data.images[:4], data.labels[:4], "cross_entropy")
    with pytest.raises(ValueError, match=r"\(P, 2\)"):
        ev.losses(np.ones((3, 3)))


def test_small_chunks_give_the_same_losses(data):
    model = build(SMALL, np.random.default_rng(0))
    w = model.get_weights()
    basis = [w, gaussian(w, 1), gaussian(w, 2)]
    coefs = np.random.default_rng(0).standard_normal((7, 3))
    big = BatchedEvaluator(model, basis, data.images[:10], data.labels[:10], "cross_entropy")
    tiny = BatchedEvaluator(model, basis, data.images[:10], data.labels[:10], "cross_entropy",
                            budget=1)
    assert tiny.chunk == 1 and big.chunk >= 7
    np.testing.assert_allclose(big.losses(coefs), tiny.losses(coefs), rtol=1e-6)


def test_eval_subset_is_stratified_exact_and_seeded(data):
    sub = eval_subset(data, 35, seed=1)
    assert len(sub) == 35
    np.testing.assert_array_equal(sub.counts(), quotas(data.counts(), 35))
    assert np.abs(sub.counts() - data.counts() * 35 / len(data)).max() < 1
    again, other = eval_subset(data, 35, seed=1), eval_subset(data, 35, seed=2)
    np.testing.assert_array_equal(sub.images, again.images)
    assert not np.array_equal(sub.images, other.images)
    assert len(eval_subset(data, 10_000)) == len(data)
    assert quotas(np.array([5, 3, 2]), 5).tolist() == [3, 1, 1]


def test_trainer_surfaces_with_pca_of_within_epoch_checkpoints(data):
    model = build(SMALL, np.random.default_rng(0))
    tr = Trainer(model, make_optimizer("adam", 0.01), data.subset(np.arange(50)),
                 val=data.subset(np.arange(50, 70)), batch_size=8, seed=0)
    list(tr.run_epoch())
    tr.step_batches(2)
    assert tr.epoch == 1  # fewer than three epochs: the checkpoints make the trajectory
    coarse, fine = list(trainer_surfaces(tr, "pca", grid=13, count=20, coarse=7))
    assert fine.kind == "pca" and fine.explained is not None
    assert fine.explained[0] >= fine.explained[1] and fine.explained.sum() <= 1 + 1e-12
    assert len(fine.trajectory) == len(tr.trajectory()) >= 5
    now = fine.trajectory[-1]
    assert (now.x, now.y) == (0.0, 0.0)
    assert now.loss == pytest.approx(fine.center_loss, rel=1e-5)
    xs = np.array([p.x for p in fine.trajectory])
    ys = np.array([p.y for p in fine.trajectory])
    assert np.abs(xs).max() <= fine.alphas[-1] and np.abs(ys).max() <= fine.betas[-1]
    direct = tr.evaluate("val").loss
    assert fine.center_loss == pytest.approx(direct, rel=1e-5)  # all 20 val samples
    rand = list(trainer_surfaces(tr, "random", grid=5, count=20))[-1]
    assert rand.kind == "random" and rand.center_loss == pytest.approx(direct, rel=1e-5)
    sl = trainer_slice(tr, "random", points=5, count=20)
    assert sl.center_loss == pytest.approx(direct, rel=1e-5)
    along2 = trainer_slice(tr, "pca", points=13, count=20, axis=2)
    np.testing.assert_allclose(along2.losses, fine.losses[:, 6], rtol=1e-5)
    with pytest.raises(ValueError, match="axis must be 1 or 2"):
        trainer_slice(tr, axis=3)
    with pytest.raises(ValueError, match="unknown direction kind"):
        list(trainer_surfaces(tr, "pcb"))


def test_bad_grid_is_refused_before_iterating(data):
    model = build(SMALL, np.random.default_rng(0))
    plane = random_plane(model.get_weights(), 0)
    with pytest.raises(ValueError, match="grid must be an odd integer"):
        loss_surfaces(model, plane, data.images[:4], data.labels[:4], "cross_entropy", grid=20)
    with pytest.raises(ValueError, match="span must be a positive number"):
        loss_surfaces(model, plane, data.images[:4], data.labels[:4], "cross_entropy",
                      span=0.0)


def test_coarse_grid_not_on_the_fine_lattice_still_spans_the_same_square(data):
    model = build(SMALL, np.random.default_rng(0))
    plane = random_plane(model.get_weights(), 0)
    first, second = list(loss_surfaces(model, plane, data.images[:8], data.labels[:8],
                                       "cross_entropy", grid=13, span=(0.5, 0.25), coarse=5))
    assert first.losses.shape == (5, 5) and second.losses.shape == (13, 13)
    assert (first.alphas[-1], first.betas[-1]) == (0.5, 0.25)
    assert first.center_loss == pytest.approx(second.center_loss, rel=1e-6)


def test_one_or_many_worker_threads_give_identical_losses(data):
    model = build(SMALL, np.random.default_rng(0))
    w = model.get_weights()
    basis = [w, gaussian(w, 1), gaussian(w, 2)]
    coefs = np.random.default_rng(1).standard_normal((9, 3))
    runs = [BatchedEvaluator(model, basis, data.images[:12], data.labels[:12], "cross_entropy",
                             budget=1, workers=k).losses(coefs) for k in (1, 3)]
    np.testing.assert_array_equal(runs[0], runs[1])


@pytest.mark.parametrize("name", ["small", "stride_avg_overlap_sigmoid", "dense_first"])
def test_without_the_first_layer_cache_the_losses_are_the_same(data, name):
    spec = SPECS[name]
    model = build(spec, np.random.default_rng(1))
    x, y = batch(data, spec, n=12)
    w = model.get_weights()
    basis = [w, gaussian(w, 2), gaussian(w, 3)]
    coefs = np.array([[1.0, 0.0, 0.0], [1.0, 0.7, -0.4], [1.0, -1.0, 1.0]])
    cached = BatchedEvaluator(model, basis, x, y, "cross_entropy")
    plain = BatchedEvaluator(model, basis, x, y, "cross_entropy", cache_limit=0)
    assert cached.fused is not None and plain.fused is None
    np.testing.assert_allclose(plain.losses(coefs), cached.losses(coefs), rtol=2e-5)
    ref = [loss_at(model, {k: sum(c * b[k] for c, b in zip(row, basis, strict=True))
                           for k in w}, x, y, "cross_entropy") for row in coefs]
    np.testing.assert_allclose(plain.losses(coefs), ref, rtol=2e-5)
