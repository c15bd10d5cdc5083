"""The data a session trains on: its dataset, cut to size and split, from the engine.

MNIST and shapes splits are shared: read-only arrays, one copy for every session that asks for
the same dataset, size, split fractions and input side, whatever its seed. The shapes are
drawn, and both built-in datasets split, with ``DATA_SEED`` (the default seed, 0), so a
session's seed sets its initial weights and the order of its batches but not its data (a
20,000-image set is built once, not once per seed). Own samples and the lab's points are split
afresh for each session, with its seed.

Where a built-in split comes from is a hook: :func:`make_builtin` builds it here, unless a
runtime has set another source (:func:`set_builtin_source`; on Ray, the cluster's object
store, one copy per node shared by every session actor: ``server/runtime/ray_datasets.py``).
A source returns the same arrays :func:`make_builtin` would, read-only.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.datasets import mnist, planar, shapes
from engine.datasets.dataset import Dataset
from engine.datasets.split import stratified_split
from server.errors import ApiError
from server.sessions.settings import TrainSettings

SHAPES_DEFAULT_SIZE = 3000
SPLITS = ("train", "val", "test")
DATA_SEED = 0  # draws the shapes and splits the built-in datasets, for every session


@dataclass(frozen=True)
class SplitData:
    name: str
    class_names: list[str]
    train: Dataset
    val: Dataset
    test: Dataset
    planar: PlanarSplit | None = None  # the lab's 2-D points, for dataset "planar"

    def part(self, split: str) -> Dataset:
        return {"train": self.train, "val": self.val, "test": self.test}[split]

    def sizes(self) -> dict[str, int]:
        return {s: len(self.part(s)) for s in SPLITS}


def _split(ds: Dataset, fractions: tuple[float, float, float], seed: int) -> list[Dataset]:
    parts = stratified_split(ds.labels, fractions, seed)
    out = []
    for idx in parts:
        part = ds.subset(idx)
        part.images.flags.writeable = False
        part.labels.flags.writeable = False
        out.append(part)
    return out


@dataclass(frozen=True)
class PlanarSplit:
    """The 2-D set behind a planar SplitData: ``index[split]`` are the positions in
    ``data.points`` of that split's samples, in the split's order."""

    data: planar.Planar
    features: list[str]
    index: dict[str, np.ndarray]


def load_planar(settings: TrainSettings, input_shape: tuple[int, ...]) -> SplitData:
    """The lab's points: generated (or the user's), split train ``r`` / val ``1 - r`` /
    test empty, stratified by ``settings.seed``; 422 naming ``settings.planar.<field>``."""
    p = settings.planar
    try:
        data = planar.generate(p.set, p.count, p.noise, settings.seed, p.points)
    except planar.PlanarError as exc:
        raise ApiError(422, f"settings.planar.{exc}", f"settings.planar.{exc.field}") from exc
    names = [str(n) for n in p.features]
    if tuple(input_shape) != (len(names), 1, 1):
        shape = "x".join(map(str, input_shape))
        raise ApiError(422, f"settings.planar.features: {len(names)} features make inputs of "
                       f"{len(names)}x1x1 but the network takes {shape}; set input channels "
                       f"to {len(names)}, height and width to 1", "settings.planar.features")
    if data.task == "regression" and settings.loss != "mse":
        raise ApiError(422, f"settings.loss: the {p.set} set has real-valued targets: use mse, "
                       f"not {settings.loss}", "settings.loss")
    full = data.dataset(names)
    fractions = (p.train_ratio, 1.0 - p.train_ratio, 0.0)
    index = dict(zip(SPLITS, stratified_split(full.labels, fractions, settings.seed),
                     strict=True))
    if len(index["train"]) == 0:
        raise ApiError(422, f"settings.planar.train_ratio: {p.train_ratio:g} of "
                       f"{len(full)} points leaves none to train on",
                       "settings.planar.train_ratio")
    parts: dict[str, Any] = {}
    for name in SPLITS:
        part = full.subset(index[name])
        part.images.flags.writeable = False
        parts[name] = part
    return SplitData("planar", list(full.class_names), parts["train"], parts["val"],
                     parts["test"], PlanarSplit(data, names, index))


Key = tuple[str, int | None, tuple[float, float, float], int]  # name, size, fractions, side
Source = Callable[[str, int | None, tuple[float, float, float], int], SplitData]
_source: Source | None = None  # None: make_builtin, in this process
_shared: weakref.WeakValueDictionary[Key, SplitData] = weakref.WeakValueDictionary()
_recent: OrderedDict[Key, SplitData] = OrderedDict()
_lock = threading.Lock()
RECENT = 4  # splits kept alive with no session using them


def alive_splits() -> list[SplitData]:
    """Every shared split some session (or the recent list) still holds."""
    with _lock:
        return list(_shared.values())


def set_builtin_source(source: Source | None) -> None:
    """Build built-in splits with ``source(name, size, fractions, side)`` from now on (None:
    :func:`make_builtin`, the default); forgets the splits cached so far."""
    global _source
    with _lock:
        _source = source
        _shared.clear()
        _recent.clear()


def _builtin(name: str, size: int | None, fractions: tuple[float, float, float],
             side: int) -> SplitData:
    """One SplitData per distinct (dataset, size, split, side) while any session uses it
    (the arrays are read-only and shared), plus the few most recent ones."""
    key: Key = (name, size, fractions, side)
    with _lock:
        found = _shared.get(key)
        if found is None:
            found = _shared[key] = (_source or make_builtin)(*key)
        _recent[key] = found
        _recent.move_to_end(key)
        while len(_recent) > RECENT:
            _recent.popitem(last=False)
        return found


def make_builtin(name: str, size: int | None, fractions: tuple[float, float, float],
                 side: int) -> SplitData:
    """Build the built-in split ``key`` here: MNIST (the first ``size`` shipped digits) or
    ``size`` shapes of ``side`` pixels, split with ``DATA_SEED``; arrays read-only."""
    if name == "mnist":
        base = mnist.load_shipped()
        if size is not None and size < len(base):
            base = base.subset(np.arange(size))
    else:
        base = shapes.generate(size or SHAPES_DEFAULT_SIZE, size=side, seed=DATA_SEED)
    train, val, test = _split(base, fractions, DATA_SEED)
    return SplitData(name, list(base.class_names), train, val, test)


def builtin_split(name: str, seed: int = DATA_SEED) -> SplitData:
    """A built-in dataset with the default size and split fractions (the same for every
    ``seed``: see the module docstring)."""
    defaults = TrainSettings()
    fractions = (defaults.split.train, defaults.split.val, defaults.split.test)
    return _builtin(name, None, fractions, 28)


def load(settings: TrainSettings, input_shape: tuple[int, ...], own: Dataset | None,
         max_size: int, max_pixels: int) -> SplitData:
    """The split data for ``settings``; 422 naming the setting when it cannot be had."""
    fractions = (settings.split.train, settings.split.val, settings.split.test)
    size = settings.dataset_size
    if size is not None and size > max_size:
        raise ApiError(422, f"settings.dataset_size: {size} is more than this server's limit "
                       f"of {max_size}", "settings.dataset_size")
    c, h, w = (tuple(input_shape) + (1, 1))[:3]
    if settings.dataset == "planar":
        return load_planar(settings, input_shape)
    if settings.dataset == "mnist":
        if (c, h, w) != (1, 28, 28):
            raise ApiError(422, f"settings.dataset: MNIST images are 1x28x28 but the network "
                           f"takes {c}x{h}x{w}", "settings.dataset")
        return _builtin("mnist", size, fractions, 28)
    if settings.dataset == "shapes":
        if c != 1 or h != w or len(input_shape) != 3:
            raise ApiError(422, f"settings.dataset: shapes are square grayscale images but the "
                           f"network takes {c}x{h}x{w}", "settings.dataset")
        if h < shapes.MIN_SIZE:
            raise ApiError(422, f"settings.dataset: shapes are drawn at {shapes.MIN_SIZE}x"
                           f"{shapes.MIN_SIZE} pixels or more but the network takes "
                           f"{c}x{h}x{w}; use an input side of at least {shapes.MIN_SIZE} or "
                           "another dataset", "settings.dataset")
        count = size or SHAPES_DEFAULT_SIZE
        if count > max_size:
            raise ApiError(422, f"settings.dataset_size: more than the limit of {max_size}",
                           "settings.dataset_size")
        if count * h * w > max_pixels:
            raise ApiError(422, f"settings.dataset_size: {count} shapes of {h}x{w} pixels is "
                           f"more than this server's limit of {max_pixels} pixels",
                           "settings.dataset_size")
        return _builtin("shapes", size, fractions, h)
    if own is None or own.num_classes < 2:
        raise ApiError(422, "settings.dataset: your own dataset needs samples of at least two "
                       "classes; add some first", "settings.dataset")
    if own.input_shape != tuple(input_shape):
        shape = "x".join(map(str, own.input_shape))
        raise ApiError(422, f"settings.dataset: your samples are {shape} but the network "
                       f"takes {c}x{h}x{w}", "settings.dataset")
    if size is not None and size < len(own):
        own = own.subset(np.arange(size))
    try:
        train, val, test = _split(own, fractions, settings.seed)
    except ValueError as exc:
        raise ApiError(422, f"settings.split: {exc}", "settings.split") from exc
    return SplitData("own", list(own.class_names), train, val, test)
