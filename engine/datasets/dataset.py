"""The one container every dataset in nnplay is handed around in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass
class Dataset:
    """Images with integer labels and the names of the classes.

    images: (N, C, H, W) float32, every value in [0, 1] (``bounded``), or any finite value
    when ``bounded`` is False (the lab's 2-D features, e.g. x1^2 or a weight in lb).
    labels: (N,) int64, each in ``0 .. len(class_names) - 1``.
    class_names: one name per class; ``class_names[labels[i]]`` names sample ``i``.
    targets: None (classification: the labels are what is learnt), or (N, T) float32 finite
    real-valued targets (regression, mse): the trainer fits these, accuracy is undefined
    (None), and the labels only serve the split (one class, all 0, for regression sets).

    Construction checks all of this and raises ``ValueError`` naming what is wrong.
    """

    images: np.ndarray
    labels: np.ndarray
    class_names: list[str]
    targets: np.ndarray | None = None
    bounded: bool = True

    def __post_init__(self) -> None:
        self.images = np.asarray(self.images, dtype=np.float32)
        self.labels = np.asarray(self.labels, dtype=np.int64)
        self.class_names = [str(name) for name in self.class_names]
        _check(self.images, self.labels, self.class_names, self.bounded)
        if self.targets is not None:
            self.targets = np.asarray(self.targets, dtype=np.float32)
            t = self.targets
            if t.ndim != 2 or t.shape[0] != self.images.shape[0]:
                raise ValueError(f"targets must be (N, T) with N = {self.images.shape[0]}; "
                                 f"got shape {t.shape}")
            if not np.isfinite(t).all():
                raise ValueError("targets must be finite")

    @property
    def regression(self) -> bool:
        """True when the data has real-valued targets (fitted with mse; no accuracy)."""
        return self.targets is not None

    def y(self, indices: np.ndarray | slice | None = None) -> np.ndarray:
        """What a loss compares the outputs with: targets (regression) or labels, at
        ``indices`` (all when None)."""
        source = self.targets if self.targets is not None else self.labels
        return source if indices is None else source[indices]

    def __len__(self) -> int:
        return int(self.labels.shape[0])

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    @property
    def input_shape(self) -> tuple[int, int, int]:
        """(C, H, W) of one sample."""
        _, c, h, w = self.images.shape
        return (int(c), int(h), int(w))

    def subset(self, indices: Sequence[int] | np.ndarray) -> Dataset:
        """A new Dataset of the samples at ``indices`` (copies), same class names."""
        idx = np.asarray(indices, dtype=np.int64).reshape(-1)
        if idx.size and (idx.min() < -len(self) or idx.max() >= len(self)):
            raise ValueError(f"subset index out of range for a dataset of {len(self)} samples")
        targets = None if self.targets is None else self.targets[idx]
        return Dataset(self.images[idx], self.labels[idx], list(self.class_names), targets,
                       self.bounded)

    def counts(self) -> np.ndarray:
        """(num_classes,) int64: how many samples each class has."""
        return np.bincount(self.labels, minlength=self.num_classes).astype(np.int64)


def _check(images: np.ndarray, labels: np.ndarray, class_names: list[str],
           bounded: bool = True) -> None:
    if images.ndim != 4:
        raise ValueError(f"images must be (N, C, H, W); got shape {images.shape}")
    if labels.ndim != 1 or labels.shape[0] != images.shape[0]:
        raise ValueError(
            f"labels must be (N,) with N = {images.shape[0]} images; got shape {labels.shape}"
        )
    if not class_names:
        raise ValueError("a dataset needs at least one class name")
    if len(set(class_names)) != len(class_names):
        raise ValueError(f"class names must be distinct; got {class_names}")
    if images.size and not np.isfinite(images).all():
        raise ValueError("image values must be finite" + (" and in [0, 1]" if bounded else ""))
    if bounded and images.size and not (images.min() >= 0 and images.max() <= 1):
        raise ValueError("image values must be finite and in [0, 1]")
    if labels.size and (labels.min() < 0 or labels.max() >= len(class_names)):
        raise ValueError(
            f"labels must be in 0..{len(class_names) - 1} for {len(class_names)} classes; "
            f"got {labels.min()}..{labels.max()}"
        )
