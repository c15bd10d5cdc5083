"""A generated dataset of simple strokes and outlines, for seeing what filters learn.

Every shape is drawn from a signed-distance description: for each pixel, the distance ``d``
(in pixels) to the shape's centre line; ink = clip(t/2 + 0.5 - d, 0, 1) for stroke thickness
``t`` (a one-pixel anti-aliased edge). All samples of one class are drawn at once as an
(n, H, W) array, so generation is vectorised.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from engine.datasets.dataset import Dataset

CLASS_NAMES = [
    "vertical line",
    "horizontal line",
    "diagonal down",
    "diagonal up",
    "circle",
    "cross",
    "square",
]
MIN_SIZE = 8

# (n,) per-sample parameters -> distance field (n, H, W); arguments: y, x grids (1, H, W),
# centre cy, cx (n, 1, 1), half-extent r (n, 1, 1).
_Field = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def _vertical(y: np.ndarray, x: np.ndarray, cy: np.ndarray, cx: np.ndarray, r: np.ndarray):
    return np.hypot(np.maximum(np.abs(y - cy) - r, 0), x - cx)


def _horizontal(y: np.ndarray, x: np.ndarray, cy: np.ndarray, cx: np.ndarray, r: np.ndarray):
    return _vertical(x, y, cx, cy, r)


def _diagonal(sign: float) -> _Field:
    """Segment through the centre at 45 degrees: along u = (y - cy + sign (x - cx)) / sqrt(2)."""

    def field(y, x, cy, cx, r):
        along = ((y - cy) + sign * (x - cx)) / np.sqrt(2)
        across = ((y - cy) - sign * (x - cx)) / np.sqrt(2)
        return np.hypot(np.maximum(np.abs(along) - r, 0), across)

    return field


def _circle(y: np.ndarray, x: np.ndarray, cy: np.ndarray, cx: np.ndarray, r: np.ndarray):
    return np.abs(np.hypot(y - cy, x - cx) - r)


def _cross(y: np.ndarray, x: np.ndarray, cy: np.ndarray, cx: np.ndarray, r: np.ndarray):
    return np.minimum(_vertical(y, x, cy, cx, r), _horizontal(y, x, cy, cx, r))


def _square(y: np.ndarray, x: np.ndarray, cy: np.ndarray, cx: np.ndarray, r: np.ndarray):
    return np.abs(np.maximum(np.abs(y - cy), np.abs(x - cx)) - r)


_FIELDS: list[_Field] = [
    _vertical, _horizontal, _diagonal(1.0), _diagonal(-1.0), _circle, _cross, _square,
]  # fmt: skip


def generate(count: int, size: int = 28, seed: int = 0, noise: float = 0.1) -> Dataset:
    """``count`` shapes of ``size`` x ``size`` pixels, classes balanced and shuffled.

    Returns a Dataset with images (count, 1, size, size) float32 in [0, 1] and labels indexing
    ``CLASS_NAMES``. Per sample, uniformly random: half-extent r in [0.2, 0.4] * size, stroke
    thickness in [max(1, size/28), max(1, size/10)], brightness in [0.7, 1], and a centre that
    keeps the shape inside the frame; then Gaussian noise of standard deviation ``noise``,
    clipped to [0, 1]. The same (count, size, seed, noise) always gives the same images.
    """
    _validate(count, size, noise)
    rng = np.random.default_rng(seed)
    k = len(CLASS_NAMES)
    labels = rng.permutation(np.arange(count, dtype=np.int64) % k)
    r = rng.uniform(0.2, 0.4, count) * size
    thin = max(1.0, size / 28)
    thickness = rng.uniform(thin, max(thin, size / 10), count)
    margin = r + thickness / 2 + 0.5
    cy = margin + rng.uniform(0, 1, count) * (size - 1 - 2 * margin)
    cx = margin + rng.uniform(0, 1, count) * (size - 1 - 2 * margin)
    brightness = rng.uniform(0.7, 1.0, count)
    images = np.zeros((count, size, size), dtype=np.float32)
    grid = np.arange(size, dtype=np.float32)
    y, x = grid[None, :, None], grid[None, None, :]
    for c in range(k):
        sel = np.flatnonzero(labels == c)
        if sel.size == 0:
            continue
        col = (lambda a, s=sel: a[s, None, None].astype(np.float32))  # noqa: E731
        d = _FIELDS[c](y, x, col(cy), col(cx), col(r))
        images[sel] = np.clip(col(thickness) / 2 + 0.5 - d, 0, 1) * col(brightness)
    if noise > 0:
        images += rng.normal(0, noise, images.shape).astype(np.float32)
        np.clip(images, 0, 1, out=images)
    return Dataset(images[:, None], labels, list(CLASS_NAMES))


def _validate(count: int, size: int, noise: float) -> None:
    if int(count) != count or count < 0:
        raise ValueError(f"count must be a whole number >= 0; got {count}")
    if int(size) != size or size < MIN_SIZE:
        raise ValueError(f"size must be a whole number >= {MIN_SIZE}; got {size}")
    if not np.isfinite(noise) or not 0 <= noise <= 1:
        raise ValueError(f"noise must be in [0, 1]; got {noise}")
