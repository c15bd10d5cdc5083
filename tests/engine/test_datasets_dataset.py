"""The Dataset container: checks on construction, subset, counts."""

from __future__ import annotations

import numpy as np
import pytest

from engine.datasets.dataset import Dataset


def _toy(n: int = 6) -> Dataset:
    rng = np.random.default_rng(0)
    return Dataset(rng.uniform(0, 1, (n, 1, 4, 4)), np.arange(n) % 3, ["a", "b", "c"])


def test_types_shapes_and_counts() -> None:
    ds = _toy()
    assert ds.images.dtype == np.float32 and ds.labels.dtype == np.int64
    assert len(ds) == 6 and ds.num_classes == 3 and ds.input_shape == (1, 4, 4)
    assert ds.counts().tolist() == [2, 2, 2]


def test_subset_copies_the_chosen_samples() -> None:
    ds = _toy()
    sub = ds.subset([4, 1])
    assert sub.labels.tolist() == [1, 1]
    np.testing.assert_array_equal(sub.images[0], ds.images[4])
    sub.images[0] = 0
    assert ds.images[4].max() > 0
    with pytest.raises(ValueError, match="out of range"):
        ds.subset([6])


@pytest.mark.parametrize(
    ("images", "labels", "names", "message"),
    [
        (np.zeros((2, 4, 4)), [0, 1], ["a", "b"], r"\(N, C, H, W\)"),
        (np.zeros((2, 1, 4, 4)), [0], ["a", "b"], "labels must be"),
        (np.full((2, 1, 4, 4), 1.5), [0, 1], ["a", "b"], r"\[0, 1\]"),
        (np.full((2, 1, 4, 4), np.nan), [0, 1], ["a", "b"], "finite"),
        (np.zeros((2, 1, 4, 4)), [0, 2], ["a", "b"], "labels must be in 0..1"),
        (np.zeros((2, 1, 4, 4)), [0, 1], ["a", "a"], "distinct"),
        (np.zeros((2, 1, 4, 4)), [0, 1], [], "at least one class"),
    ],
)
def test_bad_construction_is_refused(images, labels, names, message) -> None:
    with pytest.raises(ValueError, match=message):
        Dataset(images, labels, names)
