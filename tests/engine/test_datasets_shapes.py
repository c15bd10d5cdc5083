"""Generated shapes: deterministic, balanced, in range, and each class looks like its name."""

from __future__ import annotations

import numpy as np
import pytest

from engine.datasets import shapes


def _ink_moments(image: np.ndarray) -> tuple[float, float, float]:
    """(var of row, var of col, cov(row, col)) of the ink, weighted by brightness."""
    h, w = image.shape
    ys, xs = np.mgrid[0:h, 0:w]
    m = image / image.sum()
    my, mx = (m * ys).sum(), (m * xs).sum()
    return (
        float((m * (ys - my) ** 2).sum()),
        float((m * (xs - mx) ** 2).sum()),
        float((m * (ys - my) * (xs - mx)).sum()),
    )


def test_same_seed_same_images_other_seed_other_images() -> None:
    a, b = shapes.generate(50, seed=3), shapes.generate(50, seed=3)
    np.testing.assert_array_equal(a.images, b.images)
    np.testing.assert_array_equal(a.labels, b.labels)
    c = shapes.generate(50, seed=4)
    assert not np.array_equal(a.images, c.images)


@pytest.mark.parametrize(("count", "size"), [(0, 28), (1, 8), (29, 28), (15, 64), (8, 13)])
def test_any_count_and_size(count: int, size: int) -> None:
    ds = shapes.generate(count, size=size)
    assert ds.images.shape == (count, 1, size, size) and ds.images.dtype == np.float32
    assert len(ds.class_names) >= 6 and ds.class_names == shapes.CLASS_NAMES
    if count:
        assert 0 <= ds.images.min() and ds.images.max() <= 1


def test_classes_balanced_within_one() -> None:
    counts = shapes.generate(1000, seed=0).counts()
    assert counts.max() - counts.min() <= 1 and counts.sum() == 1000


def test_shapes_stay_inside_the_frame_without_noise() -> None:
    ds = shapes.generate(300, seed=1, noise=0)
    border = np.concatenate(
        [ds.images[:, 0, 0], ds.images[:, 0, -1], ds.images[:, 0, :, 0], ds.images[:, 0, :, -1]],
        axis=1,
    )
    assert border.max() == 0
    assert (ds.images.reshape(300, -1).max(axis=1) > 0.4).all()  # every shape is visible


def test_each_class_has_its_geometry() -> None:
    ds = shapes.generate(140, seed=2, noise=0)
    name = dict(enumerate(ds.class_names))
    for image, label in zip(ds.images[:, 0], ds.labels, strict=True):
        vy, vx, cov = _ink_moments(image)
        kind = name[int(label)]
        if kind == "vertical line":
            assert vy > 5 * vx
        elif kind == "horizontal line":
            assert vx > 5 * vy
        elif kind == "diagonal down":  # row grows with column
            assert cov > 0.8 * np.sqrt(vy * vx)
        elif kind == "diagonal up":
            assert cov < -0.8 * np.sqrt(vy * vx)
        elif kind in ("circle", "square"):  # hollow: nothing at the centre of mass
            h, w = image.shape
            ys, xs = np.mgrid[0:h, 0:w]
            cy, cx = (image * ys).sum() / image.sum(), (image * xs).sum() / image.sum()
            assert image[round(cy), round(cx)] == 0
            assert abs(vy - vx) < 0.2 * (vy + vx)
        elif kind == "cross":  # ink at the centre of mass, spread equally both ways
            assert abs(vy - vx) < 0.2 * (vy + vx) and abs(cov) < 0.2 * (vy + vx)


def test_noise_adds_variation_on_the_background() -> None:
    clean = shapes.generate(20, seed=5, noise=0)
    noisy = shapes.generate(20, seed=5, noise=0.2)
    assert (clean.images == 0).mean() > 0.5
    assert (noisy.images == 0).mean() < (clean.images == 0).mean()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"count": -1}, "count"), ({"count": 2.5}, "count"), ({"count": 5, "size": 4}, "size"),
     ({"count": 5, "noise": -0.1}, "noise")],
)
def test_bad_arguments(kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        shapes.generate(**kwargs)
