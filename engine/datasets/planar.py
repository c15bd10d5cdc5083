"""2-D data for the lab: seeded point sets in the style of TensorFlow Playground.

``generate(name, count, noise, seed, points=None) -> Planar``: raw points ``(N, 2)`` float64
with labels (classification, 0/1) or real targets (regression), the shift applied to them
and the extent of the plane they are drawn on. ``features(points, names) -> (N, F, 1, 1)``
turns points into network inputs, one channel per feature; ``Planar.dataset(names)`` wraps
them in a :class:`Dataset`.

Sets (noise in 0..0.5, as the Playground's 0..50 %; each class gets ``count // 2`` points):

* ``circle``: class 1 inside radius 2.5, class 0 in the ring 3.5..5; the label is decided
  at the point moved by uniform noise of up to ``5 * noise`` per axis (so noisy labels cross).
* ``xor``: uniform on +-5 with a 0.3 gap at the axes; class 1 where ``x1 * x2 >= 0`` of the
  point moved by up to ``5 * noise``.
* ``gauss``: two Gaussians, class 1 at (2, 2), class 0 at (-2, -2), variance
  ``0.5 + 7 * noise`` per axis.
* ``spiral``: two arms ``r = 5 i / n``, angle ``1.75 * 2 pi i / n`` (+ pi for class 0), each
  coordinate jittered uniformly by +-noise.
* ``plane`` (regression): uniform on +-6, target ``(x1 + x2) / 10`` at the point moved by
  up to ``6 * noise``.
* ``gmm`` (regression): uniform on +-6; the target is, of six signed cone-shaped bumps
  ``s * max(0, 1 - d / 2)`` centred at (-4, 0 or 4, +-2.5), the one largest in size at the
  point moved by up to ``6 * noise`` (values in -1..1).
* ``people``, ``people_raw``: the four people of :mod:`engine.datasets.people`, shifted by
  (135 lb, 66 in) or in raw units (``count`` and ``noise`` do not apply).
* ``custom``: ``points = [[x1, x2, label], ...]`` given by the user, label 0 or 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from engine.datasets import people
from engine.datasets.dataset import Dataset

CLASSIFICATION = ("circle", "xor", "gauss", "spiral")
REGRESSION = ("plane", "gmm")
PEOPLE = ("people", "people_raw")
SETS = CLASSIFICATION + REGRESSION + PEOPLE + ("custom",)
FEATURES = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2")
MAX_NOISE = 0.5
MIN_COUNT, MAX_COUNT = 4, 2000
MAX_CUSTOM, MAX_ABS = 2000, 1000.0
DOMAIN = 6.0  # the generated sets are drawn on [-6, 6] x [-6, 6]
CLASS_NAMES = ("0", "1")
GMM_BUMPS = ((-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1),
             (4, -2.5, -1))


class PlanarError(ValueError):
    """A parameter that cannot make a data set; ``field`` names it (set, noise, count,
    features, points)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True)
class Planar:
    """One 2-D data set.

    points: (N, 2) float64 as shown (people: after the shift); labels: (N,) int64 (0/1, or
    all 0 for regression); targets: (N,) float64 or None; shift: (2,), raw = points + shift;
    extent: ((x1_lo, x1_hi), (x2_lo, x2_hi)); axes: the two axis names; names: a name per
    point (people) or None.
    """

    name: str
    points: np.ndarray
    labels: np.ndarray
    targets: np.ndarray | None
    class_names: tuple[str, ...]
    shift: np.ndarray
    extent: tuple[tuple[float, float], tuple[float, float]]
    axes: tuple[str, str] = ("x1", "x2")
    names: tuple[str, ...] | None = None

    @property
    def task(self) -> str:
        return "regression" if self.targets is not None else "classification"

    def dataset(self, names: Sequence[str]) -> Dataset:
        """The points as network inputs ``(N, F, 1, 1)`` (unbounded values), with labels or
        ``(N, 1)`` targets."""
        targets = None if self.targets is None else self.targets.reshape(-1, 1)
        return Dataset(features(self.points, names), self.labels, list(self.class_names),
                       targets=targets, bounded=False)


def check_features(names: Sequence[str]) -> list[str]:
    """The feature names as a list; PlanarError('features') unless 1..7 distinct known."""
    names = list(names)
    if not names:
        raise PlanarError("features", "pick at least one feature")
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        raise PlanarError("features", f"unknown feature {unknown[0]!r} (known: "
                          f"{', '.join(FEATURES)})")
    if len(set(names)) != len(names):
        raise PlanarError("features", f"each feature at most once, got {names}")
    return names


def features(points: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """``(N, 2)`` points -> ``(N, F, 1, 1)`` float32 inputs, channel f = feature names[f]:
    x1, x2, x1sq = x1^2, x2^2, x1x2 = x1 x2, sinx1 = sin x1, sinx2 = sin x2 (float64, then
    rounded once to float32)."""
    names = check_features(names)
    p = np.asarray(points, dtype=np.float64)
    if p.ndim != 2 or p.shape[1] != 2:
        raise ValueError(f"points must be (N, 2); got shape {p.shape}")
    x1, x2 = p[:, 0], p[:, 1]
    table = {"x1": x1, "x2": x2, "x1sq": x1 * x1, "x2sq": x2 * x2, "x1x2": x1 * x2,
             "sinx1": np.sin(x1), "sinx2": np.sin(x2)}
    cols = np.stack([table[n] for n in names], axis=1) if len(p) else np.zeros((0, len(names)))
    return cols.astype(np.float32).reshape(len(p), len(names), 1, 1)


def generate(name: str, count: int = 400, noise: float = 0.0, seed: int = 0,
             points: Sequence[Sequence[float]] | None = None) -> Planar:
    """The set ``name`` (see the module docstring); PlanarError naming the bad parameter."""
    if name not in SETS:
        raise PlanarError("set", f"unknown set {name!r} (known: {', '.join(SETS)})")
    if not (isinstance(noise, (int, float)) and 0 <= noise <= MAX_NOISE):
        raise PlanarError("noise", f"must be in 0..{MAX_NOISE}, got {noise!r}")
    if name in PEOPLE:
        return _people(name == "people")
    if name == "custom":
        return _custom(points)
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or not (
            MIN_COUNT <= count <= MAX_COUNT):
        raise PlanarError("count", f"must be an integer in {MIN_COUNT}..{MAX_COUNT}, "
                          f"got {count!r}")
    rng = np.random.default_rng(seed)
    extent = ((-DOMAIN, DOMAIN), (-DOMAIN, DOMAIN))
    zero = np.zeros(2)
    if name in REGRESSION:
        x, t = (_plane if name == "plane" else _gmm)(rng, int(count), float(noise))
        return Planar(name, x, np.zeros(len(x), np.int64), t, ("value",), zero, extent)
    half = int(count) // 2
    x, y = {"circle": _circle, "xor": _xor, "gauss": _gauss, "spiral": _spiral}[name](
        rng, half, float(noise))
    return Planar(name, x, y, None, CLASS_NAMES, zero, extent)


# -- classification ---------------------------------------------------------------------
def _circle(rng: np.random.Generator, half: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    radius = 5.0
    r = np.concatenate([rng.uniform(0, radius * 0.5, half),
                        rng.uniform(radius * 0.7, radius, half)])
    angle = rng.uniform(0, 2 * np.pi, 2 * half)
    x = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
    moved = x + rng.uniform(-radius, radius, x.shape) * noise
    labels = (np.hypot(moved[:, 0], moved[:, 1]) < radius * 0.5).astype(np.int64)
    return x, labels


def _xor(rng: np.random.Generator, half: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """Uniform points, a 0.3 gap at the axes; half the points per class by construction
    (a quadrant of each class per sample pair), the label of the noisy point."""
    x = rng.uniform(-5, 5, (2 * half, 2))
    x += np.where(x > 0, 0.3, -0.3)
    # balance: the first half lies in quadrants 1/3 (x1 x2 >= 0), the second in 2/4
    x[:half, 1] = np.abs(x[:half, 1]) * np.sign(x[:half, 0])
    x[half:, 1] = -np.abs(x[half:, 1]) * np.sign(x[half:, 0])
    moved = x + rng.uniform(-5, 5, x.shape) * noise
    labels = (moved[:, 0] * moved[:, 1] >= 0).astype(np.int64)
    return x, labels


def _gauss(rng: np.random.Generator, half: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    sd = np.sqrt(0.5 + 7.0 * noise)
    pos = rng.normal(2.0, sd, (half, 2))
    neg = rng.normal(-2.0, sd, (half, 2))
    return np.concatenate([pos, neg]), np.repeat(np.array([1, 0], np.int64), half)


def _spiral(rng: np.random.Generator, half: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    i = np.arange(half, dtype=np.float64)
    r = i / half * 5
    arms = []
    for delta in (0.0, np.pi):
        t = 1.75 * i / half * 2 * np.pi + delta
        jitter = rng.uniform(-1, 1, (half, 2)) * noise
        arms.append(np.stack([r * np.sin(t), r * np.cos(t)], axis=1) + jitter)
    return np.concatenate(arms), np.repeat(np.array([1, 0], np.int64), half)


# -- regression -------------------------------------------------------------------------
def _uniform_moved(rng: np.random.Generator, count: int, noise: float
                   ) -> tuple[np.ndarray, np.ndarray]:
    x = rng.uniform(-DOMAIN, DOMAIN, (count, 2))
    return x, x + rng.uniform(-DOMAIN, DOMAIN, x.shape) * noise


def _plane(rng: np.random.Generator, count: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    x, moved = _uniform_moved(rng, count, noise)
    return x, (moved[:, 0] + moved[:, 1]) / 10.0


def _gmm(rng: np.random.Generator, count: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    x, moved = _uniform_moved(rng, count, noise)
    return x, gmm_value(moved)


def gmm_value(p: np.ndarray) -> np.ndarray:
    """(N,) the signed bump of largest size at each point: ``s * clip(1 - d / 2, 0, 1)``
    over the six bumps (d = distance to its centre)."""
    best = np.zeros(len(p))
    for cx, cy, sign in GMM_BUMPS:
        value = sign * np.clip(1 - np.hypot(p[:, 0] - cx, p[:, 1] - cy) / 2, 0, 1)
        best = np.where(np.abs(value) > np.abs(best), value, best)
    return best


# -- people and custom ------------------------------------------------------------------
def _padded(points: np.ndarray) -> tuple[tuple[float, float], tuple[float, float]]:
    """The bounding box padded by 15 % of its span (at least 1) on each side."""
    lo, hi = points.min(axis=0), points.max(axis=0)
    pad = np.maximum((hi - lo) * 0.15, 1.0)
    return ((float(lo[0] - pad[0]), float(hi[0] + pad[0])),
            (float(lo[1] - pad[1]), float(hi[1] + pad[1])))


def _people(shifted: bool) -> Planar:
    x, labels, shift = people.table(shifted)
    return Planar("people" if shifted else "people_raw", x.astype(np.float64), labels, None,
                  tuple(people.CLASS_NAMES), shift, _padded(x),
                  (people.FEATURES[0], people.FEATURES[1]),
                  tuple(people.NAMES))


def _custom(points: Sequence[Sequence[float]] | None) -> Planar:
    if points is None or len(points) == 0:
        raise PlanarError("points", "the custom set needs at least one point [x1, x2, label]")
    if len(points) > MAX_CUSTOM:
        raise PlanarError("points", f"at most {MAX_CUSTOM} points, got {len(points)}")
    try:
        arr = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise PlanarError("points", "each point must be [x1, x2, label] numbers") from exc
    if arr.ndim != 2 or arr.shape[1] != 3:
        raise PlanarError("points", "each point must be [x1, x2, label]")
    if not np.isfinite(arr).all() or np.abs(arr[:, :2]).max() > MAX_ABS:
        raise PlanarError("points", f"coordinates must be finite and within +-{MAX_ABS:g}")
    if not np.isin(arr[:, 2], (0.0, 1.0)).all():
        raise PlanarError("points", "labels must be 0 or 1")
    x = arr[:, :2].copy()
    (a0, a1), (b0, b1) = _padded(x)
    extent = ((min(a0, -DOMAIN), max(a1, DOMAIN)), (min(b0, -DOMAIN), max(b1, DOMAIN)))
    return Planar("custom", x, arr[:, 2].astype(np.int64), None, CLASS_NAMES, np.zeros(2),
                  extent)
