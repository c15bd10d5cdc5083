"""MNIST and Fashion-MNIST as Datasets: the shipped 10,000 digits or a user's own download."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from engine.datasets.dataset import Dataset
from engine.datasets.idx import IMAGES_MAGIC, LABELS_MAGIC, IdxError, read_idx

DATA_DIR = Path(__file__).resolve().parent / "data"
SHIPPED_IMAGES = DATA_DIR / "mnist-10k-images-idx3-ubyte.gz"
SHIPPED_LABELS = DATA_DIR / "mnist-10k-labels-idx1-ubyte.gz"

DIGIT_CLASSES = [str(d) for d in range(10)]
FASHION_CLASSES = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
]  # fmt: skip


def load_shipped() -> Dataset:
    """The 10,000 shipped MNIST digits, (10000, 1, 28, 28).

    Read once and cached; the arrays are read-only and shared by every caller (``subset``
    returns writable copies).
    """
    return _load_shipped_cached()


@lru_cache(maxsize=1)
def _load_shipped_cached() -> Dataset:
    ds = load_idx(SHIPPED_IMAGES, SHIPPED_LABELS, class_names=DIGIT_CLASSES)
    ds.images.flags.writeable = False
    ds.labels.flags.writeable = False
    return ds


def load_idx(
    images_path: str | Path,
    labels_path: str | Path,
    class_names: list[str] | None = None,
    *,
    fashion: bool | None = None,
) -> Dataset:
    """Load an IDX image file and its label file (each gzipped or plain) as a Dataset.

    images: uint8 (N, rows, cols) -> (N, 1, rows, cols) float32 = pixel / 255.
    Class names: ``class_names`` if given; else Fashion-MNIST's names when ``fashion`` is True,
    or when ``fashion`` is None and either path contains "fashion"; else the digits "0".."9".
    Raises ``IdxError`` (a ValueError) naming the file on any mismatch.
    """
    images = read_idx(images_path, IMAGES_MAGIC)
    labels = read_idx(labels_path, LABELS_MAGIC)
    if images.dtype != np.uint8 or labels.dtype != np.uint8:
        raise IdxError(f"{images_path}, {labels_path}: expected unsigned-byte IDX data")
    if labels.shape[0] != images.shape[0]:
        raise IdxError(
            f"{labels_path}: has {labels.shape[0]} labels but {images_path} has "
            f"{images.shape[0]} images"
        )
    names = _class_names(class_names, fashion, images_path, labels_path)
    if labels.size and int(labels.max()) >= len(names):
        raise IdxError(
            f"{labels_path}: label {int(labels.max())} is out of range for {len(names)} classes"
        )
    pixels = images.astype(np.float32) / np.float32(255)
    return Dataset(pixels[:, None, :, :], labels.astype(np.int64), names)


def _class_names(
    class_names: list[str] | None, fashion: bool | None, *paths: str | Path
) -> list[str]:
    if class_names is not None:
        return list(class_names)
    if fashion is None:
        fashion = any("fashion" in str(p).lower() for p in paths)
    return list(FASHION_CLASSES if fashion else DIGIT_CLASSES)
