"""A reader for the IDX format of MNIST and Fashion-MNIST, gzipped or plain.

Layout (big-endian): 2 zero bytes, a type byte (0x08 = unsigned byte, ...), a byte giving the
number of dimensions d, then d uint32 sizes, then ``prod(sizes)`` items. MNIST image files have
magic ``0x00000803 = 2051`` (ubyte, 3 dims: count, rows, cols); label files ``0x00000801 = 2049``
(ubyte, 1 dim: count).
"""

from __future__ import annotations

import gzip
import io
import struct
import zlib
from pathlib import Path

import numpy as np

IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049
GZIP_SIGNATURE = b"\x1f\x8b"
# Full MNIST training images are 47 MB; leave room for larger IDX sets but refuse absurd headers.
MAX_PAYLOAD_BYTES = 1 << 30

_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


class IdxError(ValueError):
    """An IDX file that cannot be read; the message starts with the file's path."""


def read_idx(
    path: str | Path, expected_magic: int | None = None, max_bytes: int = MAX_PAYLOAD_BYTES
) -> np.ndarray:
    """Read one IDX file (gzip detected by its signature) into an array of the declared shape.

    Refuses, naming the file: a wrong magic number, a header that declares more than
    ``max_bytes`` of payload, a payload shorter than declared (truncated) or followed by extra
    bytes (oversized), and a broken gzip stream.
    """
    path = Path(path)
    try:
        with path.open("rb") as raw:
            gzipped = raw.read(2) == GZIP_SIGNATURE
        opener = gzip.open if gzipped else open
        with opener(path, "rb") as f:
            return _read_stream(f, path, expected_magic, max_bytes)
    except FileNotFoundError:
        raise IdxError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise IdxError(f"{path}: is a directory, not an IDX file") from None
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise IdxError(f"{path}: broken or truncated gzip stream ({exc})") from None


def _read_stream(
    f: io.BufferedIOBase, path: Path, expected_magic: int | None, max_bytes: int
) -> np.ndarray:
    head = f.read(4)
    if len(head) < 4:
        raise IdxError(f"{path}: truncated: only {len(head)} bytes, too short for an IDX header")
    magic = struct.unpack(">I", head)[0]
    if expected_magic is not None and magic != expected_magic:
        raise IdxError(f"{path}: magic number {magic}, expected {expected_magic}{_hint(magic)}")
    zero, type_code, ndim = head[0:2], head[2], head[3]
    if zero != b"\x00\x00" or type_code not in _DTYPES or ndim == 0:
        raise IdxError(f"{path}: magic number {magic} is not an IDX header")
    dims_raw = f.read(4 * ndim)
    if len(dims_raw) < 4 * ndim:
        raise IdxError(f"{path}: truncated inside the header ({ndim} dimensions declared)")
    dims = struct.unpack(f">{ndim}I", dims_raw)
    dtype = _DTYPES[type_code]
    expected = int(np.prod(dims, dtype=np.int64)) * dtype.itemsize
    if expected > max_bytes:
        raise IdxError(
            f"{path}: header declares {'x'.join(map(str, dims))} items = {expected} bytes, "
            f"more than the limit of {max_bytes} bytes"
        )
    payload = f.read(expected)
    if len(payload) < expected:
        raise IdxError(
            f"{path}: truncated: header declares {'x'.join(map(str, dims))} = {expected} bytes "
            f"of data but only {len(payload)} are present"
        )
    if f.read(1):
        raise IdxError(
            f"{path}: oversized: extra bytes after the {expected} bytes of data the header declares"
        )
    return np.frombuffer(payload, dtype=dtype).reshape(dims).astype(dtype.newbyteorder("="))


def _hint(magic: int) -> str:
    if magic == IMAGES_MAGIC:
        return " (this is an images file)"
    if magic == LABELS_MAGIC:
        return " (this is a labels file)"
    return ""
