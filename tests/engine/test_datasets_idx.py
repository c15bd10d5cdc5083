"""The IDX parser and MNIST loading: real files, written here byte by byte."""

from __future__ import annotations

import gzip
import hashlib
import struct
from pathlib import Path

import numpy as np
import pytest

from engine.datasets import mnist
from engine.datasets.idx import IMAGES_MAGIC, LABELS_MAGIC, IdxError, read_idx


def _idx_bytes(magic: int, array: np.ndarray) -> bytes:
    return struct.pack(">I", magic) + struct.pack(f">{array.ndim}I", *array.shape) + (
        array.astype(np.uint8).tobytes()
    )


def _write(path: Path, data: bytes, gz: bool) -> Path:
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def _pair(tmp_path: Path, n: int = 5, gz: bool = True, prefix: str = "") -> tuple[Path, Path]:
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, n, dtype=np.uint8)
    suffix = ".gz" if gz else ""
    ip = _write(tmp_path / f"{prefix}images-idx3-ubyte{suffix}", _idx_bytes(2051, images), gz)
    lp = _write(tmp_path / f"{prefix}labels-idx1-ubyte{suffix}", _idx_bytes(2049, labels), gz)
    return ip, lp


def test_shipped_mnist_matches_its_readme() -> None:
    for path, digest in [
        (mnist.SHIPPED_IMAGES, "84163e9fdea1bfd43d10838e8e5dbf8ac19ef9b8bcd0d8e4d0d2383ef60f7a45"),
        (mnist.SHIPPED_LABELS, "1713132980b419d3dd12ed1a08773601062ab806966cc2d42cb001ce3d1a3842"),
    ]:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    ds = mnist.load_shipped()
    assert ds.images.shape == (10000, 1, 28, 28) and ds.images.dtype == np.float32
    assert ds.counts().tolist() == [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]
    assert ds.images.min() == 0.0 and ds.images.max() == 1.0
    # MNIST digits are bright ink on a dark background, centred by mass near (14, 14).
    assert np.median(ds.images) == 0.0
    mass = ds.images[:500, 0].sum(axis=(0, 1))
    assert abs(float(mass @ np.arange(28) / mass.sum()) - 14.0) < 0.5


def test_shipped_is_cached_and_read_only() -> None:
    a, b = mnist.load_shipped(), mnist.load_shipped()
    assert a.images is b.images
    with pytest.raises(ValueError):
        a.images[0, 0, 0, 0] = 1.0
    assert a.subset([0, 1]).images.flags.writeable


@pytest.mark.parametrize("gz", [True, False])
def test_round_trip_gzipped_or_plain(tmp_path: Path, gz: bool) -> None:
    ip, lp = _pair(tmp_path, gz=gz)
    raw = read_idx(ip, IMAGES_MAGIC)
    assert raw.shape == (5, 28, 28) and raw.dtype == np.uint8
    ds = mnist.load_idx(ip, lp)
    np.testing.assert_array_equal(ds.images[:, 0], raw.astype(np.float32) / 255)
    np.testing.assert_array_equal(ds.labels, read_idx(lp, LABELS_MAGIC))
    assert ds.class_names == [str(d) for d in range(10)]


def test_fashion_names_by_flag_path_or_explicit(tmp_path: Path) -> None:
    (tmp_path / "fashion").mkdir()
    ip, lp = _pair(tmp_path / "fashion")
    assert mnist.load_idx(ip, lp).class_names[0] == "T-shirt/top"
    assert mnist.load_idx(ip, lp, fashion=False).class_names[0] == "0"
    ip2, lp2 = _pair(tmp_path)
    assert mnist.load_idx(ip2, lp2, fashion=True).class_names[9] == "Ankle boot"
    names = [f"c{i}" for i in range(10)]
    assert mnist.load_idx(ip2, lp2, class_names=names).class_names == names


def test_swapped_files_are_refused_by_magic(tmp_path: Path) -> None:
    ip, lp = _pair(tmp_path)
    with pytest.raises(IdxError, match=rf"{lp.name}: magic number 2049, expected 2051"):
        mnist.load_idx(lp, ip)


@pytest.mark.parametrize("gz", [True, False])
def test_truncated_file_is_refused_naming_it(tmp_path: Path, gz: bool) -> None:
    ip, lp = _pair(tmp_path, gz=gz)
    data = ip.read_bytes()
    ip.write_bytes(data[: len(data) - 30])
    with pytest.raises(IdxError, match=rf"{ip.name}: (truncated|broken or truncated gzip)"):
        mnist.load_idx(ip, lp)


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    images = np.zeros((3, 28, 28), np.uint8)
    ip = _write(tmp_path / "im", _idx_bytes(2051, images) + b"\x00", gz=True)
    with pytest.raises(IdxError, match="im: oversized"):
        read_idx(ip, IMAGES_MAGIC)


def test_header_declaring_too_much_is_refused_before_reading(tmp_path: Path) -> None:
    header = struct.pack(">I3I", 2051, 4_000_000_000, 28, 28)
    ip = _write(tmp_path / "huge", header, gz=False)
    with pytest.raises(IdxError, match="huge: header declares .* more than the limit"):
        read_idx(ip, IMAGES_MAGIC)


def test_short_header_and_missing_file(tmp_path: Path) -> None:
    short = _write(tmp_path / "short", b"\x00\x00\x08", gz=False)
    with pytest.raises(IdxError, match="short: truncated"):
        read_idx(short)
    with pytest.raises(IdxError, match="nothere: no such file"):
        read_idx(tmp_path / "nothere")


def test_label_count_must_match_image_count(tmp_path: Path) -> None:
    ip, _ = _pair(tmp_path, n=5)
    lp = _write(tmp_path / "labels4", _idx_bytes(2049, np.zeros(4, np.uint8)), gz=False)
    with pytest.raises(IdxError, match="labels4: has 4 labels but .* has 5 images"):
        mnist.load_idx(ip, lp)


def test_label_out_of_range_for_the_class_names(tmp_path: Path) -> None:
    ip, _ = _pair(tmp_path, n=2)
    lp = _write(tmp_path / "lab", _idx_bytes(2049, np.array([0, 12], np.uint8)), gz=False)
    with pytest.raises(IdxError, match="lab: label 12 is out of range for 10 classes"):
        mnist.load_idx(ip, lp)
