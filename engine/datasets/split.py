"""Stratified train / validation / test splits, reproducible for a seed."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def stratified_split(
    labels: Sequence[int] | np.ndarray,
    fractions: Sequence[float] = (0.8, 0.1, 0.1),
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Indices (int64, sorted) of the train, validation and test samples.

    labels: (N,) integer class of each sample. fractions: (train, val, test), each >= 0,
    train > 0, summing to 1. Every class is split on its own: its n_c samples (shuffled with
    ``numpy.random.default_rng(seed)``) go n_c * fraction to each part, rounded by largest
    remainder (ties favour train, then val) so the parts add up to n_c exactly. The same labels,
    fractions and seed always give the same split.
    """
    shares = _validate_fractions(fractions)
    y = np.asarray(labels)
    if y.ndim != 1 or (y.size and not np.issubdtype(y.dtype, np.integer)):
        raise ValueError(f"labels must be a 1-D array of integers; got shape {y.shape}, {y.dtype}")
    rng = np.random.default_rng(seed)
    parts: list[list[np.ndarray]] = [[], [], []]
    for cls in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == cls))
        bounds = np.cumsum(_allocate(members.size, shares))
        for part, chunk in zip(parts, np.split(members, bounds[:-1]), strict=True):
            part.append(chunk)
    train, val, test = (
        np.sort(np.concatenate(p)).astype(np.int64) if p else np.zeros(0, np.int64) for p in parts
    )
    return train, val, test


def _validate_fractions(fractions: Sequence[float]) -> np.ndarray:
    shares = np.asarray(fractions, dtype=np.float64)
    if shares.shape != (3,):
        raise ValueError(f"fractions must be three numbers (train, val, test); got {fractions}")
    if not np.isfinite(shares).all() or (shares < 0).any():
        raise ValueError(f"fractions must be finite and >= 0; got {list(fractions)}")
    if shares[0] <= 0:
        raise ValueError(f"the train fraction must be > 0; got {list(fractions)}")
    if abs(shares.sum() - 1) > 1e-6:
        raise ValueError(f"fractions must add up to 1; got {list(fractions)} = {shares.sum():g}")
    return shares


def _allocate(n: int, shares: np.ndarray) -> np.ndarray:
    """(3,) int counts summing to n, each floor(n * share) plus the largest remainders."""
    exact = n * shares
    counts = np.floor(exact).astype(np.int64)
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[: n - counts.sum()]] += 1
    return counts
