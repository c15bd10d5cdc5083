"""The one container every dataset in nnplay is handed around in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass
class Dataset:
    """Images with integer labels and the names of the classes.

    images: (N, C, H, W) float32, every value in [0, 1].
    labels: (N,) int64, each in ``0 .. len(class_names) - 1``.
    class_names: one name per class; ``class_names[labels[i]]`` names sample ``i``.

    Construction checks all of this and raises ``ValueError`` naming what is wrong.
    """

    images: np.ndarray
    labels: np.ndarray
    class_names: list[str]

    def __post_init__(self) -> None:
        self.images = np.asarray(self.images, dtype=np.float32)
        self.labels = np.asarray(self.labels, dtype=np.int64)
        self.class_names = [str(name) for name in self.class_names]
        _check(self.images, self.labels, self.class_names)

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
        return Dataset(self.images[idx], self.labels[idx], list(self.class_names))

    def counts(self) -> np.ndarray:
        """(num_classes,) int64: how many samples each class has."""
        return np.bincount(self.labels, minlength=self.num_classes).astype(np.int64)


def _check(images: np.ndarray, labels: np.ndarray, class_names: list[str]) -> None:
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
    if images.size and not (np.isfinite(images).all() and images.min() >= 0 and images.max() <= 1):
        raise ValueError("image values must be finite and in [0, 1]")
    if labels.size and (labels.min() < 0 or labels.max() >= len(class_names)):
        raise ValueError(
            f"labels must be in 0..{len(class_names) - 1} for {len(class_names)} classes; "
            f"got {labels.min()}..{labels.max()}"
        )
