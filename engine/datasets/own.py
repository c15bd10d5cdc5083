"""The user's own samples: drawn or uploaded images, each labelled with a name they choose."""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.datasets.dataset import Dataset

MAX_LABEL_LENGTH = 40


class OwnDataset:
    """Samples of a fixed ``size`` x ``size``, added and removed one by one.

    Each sample has a unique id (never reused), a label (any non-empty name) and an image
    (size, size) float32 in [0, 1]. Classes are the distinct labels, in order of first
    appearance among the current samples.
    """

    def __init__(self, size: int = 28, max_samples: int = 10_000) -> None:
        if int(size) != size or size < 4:
            raise ValueError(f"size must be a whole number >= 4; got {size}")
        self.size = int(size)
        self.max_samples = int(max_samples)
        self._images: dict[int, np.ndarray] = {}
        self._labels: dict[int, str] = {}
        self._next_id = 0

    def __len__(self) -> int:
        return len(self._images)

    def add(self, image: np.ndarray, label: str) -> int:
        """Add one sample: image (size, size) or (1, size, size), float in [0, 1] or uint8.

        Returns its id. Raises ValueError for a wrong shape, values outside [0, 1], a blank or
        over-long label, or a full dataset.
        """
        name = _clean_label(label)
        pixels = self._clean_image(image)
        if len(self) >= self.max_samples:
            raise ValueError(f"your dataset is full: {self.max_samples} samples (max_samples)")
        sample_id = self._next_id
        self._next_id += 1
        self._images[sample_id] = pixels
        self._labels[sample_id] = name
        return sample_id

    def remove(self, sample_id: int) -> None:
        """Remove one sample by id; ValueError if there is no such sample."""
        if sample_id not in self._images:
            raise ValueError(f"there is no sample with id {sample_id}")
        del self._images[sample_id]
        del self._labels[sample_id]

    def image(self, sample_id: int) -> np.ndarray:
        """(size, size) float32 copy of one sample's image."""
        if sample_id not in self._images:
            raise ValueError(f"there is no sample with id {sample_id}")
        return self._images[sample_id].copy()

    def samples(self) -> list[tuple[int, str]]:
        """(id, label) of every sample, oldest first."""
        return sorted(self._labels.items())

    def class_names(self) -> list[str]:
        return list(dict.fromkeys(label for _, label in self.samples()))

    def counts(self) -> dict[str, int]:
        """Samples per class, classes in order of first appearance."""
        counts = dict.fromkeys(self.class_names(), 0)
        for label in self._labels.values():
            counts[label] += 1
        return counts

    def to_dataset(self) -> Dataset:
        """All samples as a Dataset (N, 1, size, size), oldest first; needs two classes."""
        counts = self.counts()
        if len(counts) < 2:
            have = ", ".join(f'"{k}": {v}' for k, v in counts.items()) or "no samples"
            raise ValueError(
                f"your dataset needs samples of at least two classes to train on; "
                f"it has {len(counts)} ({have})"
            )
        names = list(counts)
        ids = [sid for sid, _ in self.samples()]
        images = np.stack([self._images[i] for i in ids])[:, None]
        labels = np.array([names.index(self._labels[i]) for i in ids], dtype=np.int64)
        return Dataset(images, labels, names)

    def to_arrays(self) -> dict[str, Any]:
        """Plain data to persist: size, next_id, ids (N,) int64, images (N, size, size) float32,
        labels list[str]."""
        ids = [sid for sid, _ in self.samples()]
        images = (
            np.stack([self._images[i] for i in ids])
            if ids
            else np.zeros((0, self.size, self.size), np.float32)
        )
        return {
            "size": self.size,
            "max_samples": self.max_samples,
            "next_id": self._next_id,
            "ids": np.array(ids, dtype=np.int64),
            "images": images,
            "labels": [self._labels[i] for i in ids],
        }

    @classmethod
    def from_arrays(cls, data: dict[str, Any]) -> OwnDataset:
        """Rebuild from ``to_arrays`` output, checking it; ValueError naming what is wrong."""
        try:
            own = cls(int(data["size"]), int(data.get("max_samples", 10_000)))
            ids = np.asarray(data["ids"], dtype=np.int64).reshape(-1)
            images = np.asarray(data["images"])
            labels = list(data["labels"])
            next_id = int(data["next_id"])
        except KeyError as exc:
            raise ValueError(f"saved own dataset is missing {exc}") from None
        if not (len(ids) == len(labels) == images.shape[0]):
            raise ValueError(
                f"saved own dataset is inconsistent: {len(ids)} ids, {len(labels)} labels, "
                f"{images.shape[0]} images"
            )
        if len(set(ids.tolist())) != len(ids) or (len(ids) and ids.max() >= next_id):
            raise ValueError("saved own dataset has duplicate ids or ids past next_id")
        for sid, image, label in zip(ids.tolist(), images, labels, strict=True):
            own._images[sid] = own._clean_image(image)
            own._labels[sid] = _clean_label(label)
        own._next_id = next_id
        return own

    def _clean_image(self, image: np.ndarray) -> np.ndarray:
        arr = np.asarray(image)
        if arr.ndim == 3 and arr.shape[0] == 1:
            arr = arr[0]
        if arr.shape != (self.size, self.size):
            raise ValueError(
                f"a sample must be {self.size}x{self.size} (or 1x{self.size}x{self.size}); "
                f"got shape {np.asarray(image).shape}"
            )
        if arr.dtype == np.uint8:
            return arr.astype(np.float32) / np.float32(255)
        pixels = arr.astype(np.float32)
        if not np.isfinite(pixels).all() or pixels.min() < 0 or pixels.max() > 1:
            raise ValueError("sample values must be finite and in [0, 1]")
        return pixels


def _clean_label(label: str) -> str:
    if not isinstance(label, str):
        raise ValueError(f"a label must be text; got {type(label).__name__}")
    name = label.strip()
    if not name:
        raise ValueError("a label must not be empty")
    if len(name) > MAX_LABEL_LENGTH:
        raise ValueError(f"a label must be at most {MAX_LABEL_LENGTH} characters; got {len(name)}")
    return name
