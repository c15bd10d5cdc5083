"""The lab's 2-D sets: shapes, balance, seeds, noise, features, refusals."""

from __future__ import annotations

import numpy as np
import pytest

from engine.datasets import people
from engine.datasets.planar import (
    CLASSIFICATION,
    FEATURES,
    REGRESSION,
    PlanarError,
    features,
    generate,
    gmm_value,
)


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_classification_sets_shape_balance_and_extent(name) -> None:
    p = generate(name, 301, 0.0, 7)
    assert p.points.shape == (300, 2) and p.labels.shape == (300,)
    assert p.targets is None and p.task == "classification"
    assert np.bincount(p.labels).tolist() == [150, 150]
    assert p.extent == ((-6.0, 6.0), (-6.0, 6.0))
    if name != "gauss":  # Gaussians have tails
        assert np.abs(p.points).max() <= 6.0


@pytest.mark.parametrize("name", CLASSIFICATION + REGRESSION)
def test_same_seed_same_points_other_seed_other_points(name) -> None:
    a, b, c = generate(name, 100, 0.2, 1), generate(name, 100, 0.2, 1), generate(name, 100,
                                                                                 0.2, 2)
    np.testing.assert_array_equal(a.points, b.points)
    np.testing.assert_array_equal(a.labels, b.labels)
    assert not np.array_equal(a.points, c.points)


def test_noise_zero_labels_follow_the_rule() -> None:
    circle = generate("circle", 400, 0.0, 0)
    r = np.hypot(*circle.points.T)
    assert ((r < 2.5) == (circle.labels == 1)).all()
    xor = generate("xor", 400, 0.0, 0)
    assert ((xor.points[:, 0] * xor.points[:, 1] >= 0) == (xor.labels == 1)).all()
    assert np.abs(xor.points).min() >= 0.3
    spiral = generate("spiral", 400, 0.0, 0)
    # noise 0: the two arms are point reflections of each other
    np.testing.assert_allclose(spiral.points[:200], -spiral.points[200:], atol=1e-12)


def test_noise_flips_labels_or_spreads_points() -> None:
    def wrong(name: str, noise: float) -> int:
        p = generate(name, 1000, noise, 0)
        if name == "circle":
            return int(((np.hypot(*p.points.T) < 2.5) != (p.labels == 1)).sum())
        return int(((p.points[:, 0] * p.points[:, 1] >= 0) != (p.labels == 1)).sum())
    for name in ("circle", "xor"):
        assert wrong(name, 0.0) == 0
        assert 0 < wrong(name, 0.1) < wrong(name, 0.5)
    spread = [generate("gauss", 1000, n, 0).points[:500].std() for n in (0.0, 0.5)]
    assert spread[1] > 2 * spread[0]
    clean, noisy = generate("spiral", 400, 0.0, 0), generate("spiral", 400, 0.3, 0)
    moved = np.abs(noisy.points - clean.points)
    assert moved.max() <= 0.3 and moved.mean() > 0.05


def test_regression_sets() -> None:
    plane = generate("plane", 200, 0.0, 0)
    assert plane.task == "regression" and plane.class_names == ("value",)
    np.testing.assert_allclose(plane.targets, plane.points.sum(axis=1) / 10)
    assert (plane.labels == 0).all()
    gmm = generate("gmm", 500, 0.0, 0)
    np.testing.assert_array_equal(gmm.targets, gmm_value(gmm.points))
    assert gmm.targets.min() < -0.5 and gmm.targets.max() > 0.5
    assert gmm_value(np.array([[-4.0, 2.5], [0.0, 2.5], [0.0, 0.0]])).tolist() == [1, -1, 0]
    noisy = generate("plane", 200, 0.3, 0)
    assert not np.allclose(noisy.targets, noisy.points.sum(axis=1) / 10)
    ds = plane.dataset(["x1", "x2"])
    assert ds.targets.shape == (200, 1) and ds.regression


def test_people_shifted_and_raw() -> None:
    p = generate("people")
    np.testing.assert_array_equal(p.points, [[-2, -1], [25, 6], [17, 4], [-15, -6]])
    assert p.labels.tolist() == [1, 0, 0, 1] and p.shift.tolist() == [135, 66]
    assert p.names == people.NAMES and p.axes == people.FEATURES
    raw = generate("people_raw")
    np.testing.assert_array_equal(raw.points, p.points + p.shift)
    assert raw.shift.tolist() == [0, 0]
    (a0, a1), (b0, b1) = p.extent
    assert a0 < -15 and a1 > 25 and b0 < -6 and b1 > 6
    ds = raw.dataset(["x1", "x2"])
    assert ds.images.max() == 160 and not ds.bounded


def test_custom_points() -> None:
    p = generate("custom", points=[[1, 2, 1], [-3, 0.5, 0], [20, -1, 1]])
    np.testing.assert_array_equal(p.points, [[1, 2], [-3, 0.5], [20, -1]])
    assert p.labels.tolist() == [1, 0, 1]
    (a0, a1), (b0, b1) = p.extent
    assert a0 == pytest.approx(-3 - 0.15 * 23) and a1 == pytest.approx(20 + 0.15 * 23)
    assert (b0, b1) == (-6, 6)  # the points span less than [-6, 6] in x2


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"name": "moons"}, "set"),
    ({"name": "xor", "noise": 0.6}, "noise"),
    ({"name": "xor", "noise": -0.1}, "noise"),
    ({"name": "xor", "count": 3}, "count"),
    ({"name": "xor", "count": 2001}, "count"),
    ({"name": "custom"}, "points"),
    ({"name": "custom", "points": [[1, 2]]}, "points"),
    ({"name": "custom", "points": [[1, 2, 0.5]]}, "points"),
    ({"name": "custom", "points": [[1, "a", 0]]}, "points"),
    ({"name": "custom", "points": [[1, 2, 0], [1, 2]]}, "points"),
    ({"name": "custom", "points": [[1e9, 2, 0]]}, "points"),
    ({"name": "custom", "points": [[float("nan"), 2, 0]]}, "points"),
    ({"name": "custom", "points": [[1, 2, 0]] * 2001}, "points"),
])
def test_refusals_name_the_field(kwargs, field) -> None:
    with pytest.raises(PlanarError) as err:
        generate(**kwargs)
    assert err.value.field == field and str(err.value).startswith(field)


def test_features() -> None:
    pts = np.array([[1.0, 2.0], [-0.5, 3.0]])
    x = features(pts, list(FEATURES))
    assert x.shape == (2, 7, 1, 1) and x.dtype == np.float32
    want = [[1, 2, 1, 4, 2, np.sin(1), np.sin(2)],
            [-0.5, 3, 0.25, 9, -1.5, np.sin(-0.5), np.sin(3)]]
    np.testing.assert_allclose(x[:, :, 0, 0], want, rtol=1e-6)
    np.testing.assert_array_equal(features(pts, ["x2", "x1"])[:, :, 0, 0], pts[:, ::-1])
    for bad in ([], ["x3"], ["x1", "x1"]):
        with pytest.raises(PlanarError) as err:
            features(pts, bad)
        assert err.value.field == "features"
