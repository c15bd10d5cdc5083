"""Stratified split: disjoint, complete, proportional per class, reproducible, validated."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.datasets.split import stratified_split


def _check_partition(labels: np.ndarray, parts, fractions) -> None:
    joined = np.concatenate(parts)
    assert np.array_equal(np.sort(joined), np.arange(labels.size))  # disjoint and complete
    for cls in np.unique(labels):
        n_c = int((labels == cls).sum())
        for part, f in zip(parts, fractions, strict=True):
            assert abs(int((labels[part] == cls).sum()) - n_c * f) < 1 + 1e-9


def test_proportional_per_class_on_imbalanced_labels() -> None:
    labels = np.repeat(np.arange(3), [500, 100, 20])
    parts = stratified_split(labels, (0.7, 0.2, 0.1), seed=0)
    _check_partition(labels, parts, (0.7, 0.2, 0.1))
    train, val, test = parts
    assert [int((labels[val] == c).sum()) for c in range(3)] == [100, 20, 4]
    assert [int((labels[test] == c).sum()) for c in range(3)] == [50, 10, 2]
    assert all(p.dtype == np.int64 for p in parts)


def test_reproducible_for_a_seed_and_different_for_another() -> None:
    labels = np.arange(300) % 5
    a = stratified_split(labels, (0.6, 0.2, 0.2), seed=7)
    b = stratified_split(labels, (0.6, 0.2, 0.2), seed=7)
    c = stratified_split(labels, (0.6, 0.2, 0.2), seed=8)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not np.array_equal(a[1], c[1])


def test_zero_test_fraction_gives_an_empty_test_set() -> None:
    train, val, test = stratified_split(np.arange(10) % 2, (0.8, 0.2, 0.0), seed=0)
    assert test.size == 0 and train.size == 8 and val.size == 2


@given(
    counts=st.lists(st.integers(1, 40), min_size=1, max_size=6),
    weights=st.tuples(st.integers(1, 10), st.integers(0, 10), st.integers(0, 10)),
    seed=st.integers(0, 2**32 - 1),
)
@settings(max_examples=60, deadline=None)
def test_partition_property(counts, weights, seed) -> None:
    labels = np.random.default_rng(seed).permutation(np.repeat(np.arange(len(counts)), counts))
    fractions = tuple(w / sum(weights) for w in weights)
    _check_partition(labels, stratified_split(labels, fractions, seed), fractions)


@pytest.mark.parametrize(
    ("fractions", "message"),
    [((0.5, 0.5), "three numbers"), ((0.8, 0.3, 0.1), "add up to 1"),
     ((1.2, -0.1, -0.1), ">= 0"), ((0.0, 0.5, 0.5), "train fraction must be > 0"),
     ((float("nan"), 0.5, 0.5), "finite")],
)
def test_bad_fractions_are_refused(fractions, message) -> None:
    with pytest.raises(ValueError, match=message):
        stratified_split(np.arange(10) % 2, fractions, seed=0)


def test_labels_must_be_integers() -> None:
    with pytest.raises(ValueError, match="integers"):
        stratified_split(np.array([0.5, 1.5]), (0.5, 0.5, 0.0))
