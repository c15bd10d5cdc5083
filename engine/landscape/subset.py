"""A fixed, stratified evaluation subset for loss surfaces.

Exactly ``count`` samples (or all when fewer): class ``c`` with ``n_c`` of ``N`` samples gets
``count * n_c / N`` rounded by largest remainder (ties to the lower class index), members
drawn with ``numpy.random.default_rng(seed)``; indices sorted. Same data, count and seed give
the same subset, so surfaces computed at different times are comparable.
"""

from __future__ import annotations

import numpy as np

from engine.datasets.dataset import Dataset


def quotas(counts: np.ndarray, count: int) -> np.ndarray:
    """(K,) int64 per-class sample counts summing to ``min(count, counts.sum())``."""
    total = int(counts.sum())
    count = min(int(count), total)
    exact = counts * (count / total)
    base = np.floor(exact).astype(np.int64)
    short = count - int(base.sum())
    order = np.argsort(-(exact - base), kind="stable")
    base[order[:short]] += 1
    return base


def stratified_indices(labels: np.ndarray, count: int, seed: int) -> np.ndarray:
    """(min(count, N),) sorted int64 indices, classes in proportion."""
    if isinstance(count, bool) or int(count) < 1:
        raise ValueError(f"evaluation subset size must be at least 1, got {count!r}")
    labels = np.asarray(labels, dtype=np.int64)
    classes, counts = np.unique(labels, return_counts=True)
    rng = np.random.default_rng(seed)
    picked = [rng.permutation(np.flatnonzero(labels == c))[:q]
              for c, q in zip(classes, quotas(counts, count), strict=True)]
    return np.sort(np.concatenate(picked)).astype(np.int64)


def eval_subset(data: Dataset, count: int = 256, seed: int = 0) -> Dataset:
    """The stratified subset of ``data`` as a Dataset."""
    if len(data) == 0:
        raise ValueError("cannot take an evaluation subset of an empty dataset")
    return data.subset(stratified_indices(data.labels, count, seed))
