"""Image archives and folders: good files kept, every bad file refused by name.

The bad files are built for real: a deflated zip bomb of zeros, a zip whose header lies about
the size, a valid 20000x20000 1-bit PNG, a truncated PNG, a text file named .png, unsafe
paths, and more files than allowed.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from engine.datasets.archive import (
    ArchiveError,
    ArchiveLimits,
    Problem,
    _Entry,
    _read_capped,
    _Unreadable,
    load_folder,
    load_zip,
)
from tests.zips import zip_bytes

SMALL = ArchiveLimits(max_files=50, max_file_bytes=1 << 20, max_total_bytes=8 << 20)


def _encoded(fmt: str, value: int = 200, size: tuple[int, int] = (40, 30)) -> bytes:
    """A picture with a bright left half and dark right half, encoded as ``fmt``."""
    arr = np.zeros((size[1], size[0]), np.uint8)
    arr[:, : size[0] // 2] = value
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format=fmt)
    return buf.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_png(side: int = 20_000) -> bytes:
    """A valid side x side 1-bit grayscale PNG, all black; compresses to a few tens of KB."""
    row = b"\x00" + b"\x00" * ((side + 7) // 8)  # filter byte + packed bits
    comp = zlib.compressobj(9)
    idat = b"".join(comp.compress(row * 1000) for _ in range(side // 1000)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat)
            + _png_chunk(b"IEND", b""))  # fmt: skip


def _bomb_zip(good: dict[str, bytes], name: str, zeros: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in good.items():
            zf.writestr(n, data)
        with zf.open(name, "w") as f:
            chunk = b"\x00" * (1 << 20)
            for _ in range(zeros >> 20):
                f.write(chunk)
    return buf.getvalue()


def _good_files() -> dict[str, bytes]:
    return {
        "cats/a.png": _encoded("PNG"),
        "cats/b.jpg": _encoded("JPEG"),
        "dogs/c.bmp": _encoded("BMP", 120),
        "dogs/d.gif": _encoded("GIF", 120),
    }


def _assert_good(ds, count: int = 4) -> None:
    assert ds.class_names == ["cats", "dogs"]
    assert len(ds) == count and ds.images.shape[1:] == (1, 28, 28)
    assert ds.images.dtype == np.float32 and 0 <= ds.images.min() and ds.images.max() <= 1
    # plain resize keeps the picture: bright left, dark right, at its own brightness
    left, right = ds.images[:, 0, :, :10].mean(axis=(1, 2)), ds.images[:, 0, :, 18:].mean((1, 2))
    assert (left > 0.4).all() and (right < 0.05).all()
    assert np.allclose(left[ds.labels == 1], 120 / 255, atol=0.05)


def test_good_zip_from_bytes_and_from_path(tmp_path: Path) -> None:
    data = zip_bytes(_good_files())
    ds, problems = load_zip(data, size=28)
    assert problems == []
    _assert_good(ds)
    (tmp_path / "d.zip").write_bytes(data)
    ds2, _ = load_zip(tmp_path / "d.zip")
    np.testing.assert_array_equal(ds.images, ds2.images)


def test_single_wrapping_folder_is_looked_through_and_junk_ignored() -> None:
    files = {f"mine/{k}": v for k, v in _good_files().items()}
    files["__MACOSX/mine/cats/._a.png"] = b"junk"
    files["mine/.DS_Store"] = b"junk"
    ds, problems = load_zip(zip_bytes(files))
    assert problems == []
    _assert_good(ds)


def test_every_bad_file_is_named_and_the_rest_kept() -> None:
    truncated = _encoded("PNG", size=(64, 64))
    files = {
        **_good_files(),
        "cats/notes.png": b"this is a text file, not a picture\n",
        "cats/truncated.png": truncated[: len(truncated) // 2],
        "dogs/huge.png": huge_png(),
        "loose.png": _encoded("PNG"),
        "../escape/evil.png": _encoded("PNG"),
        "/abs/evil2.png": _encoded("PNG"),
        "dogs/drawing.tiff": _tiff(),
    }
    ds, problems = load_zip(zip_bytes(files))
    _assert_good(ds)
    reasons = {p.file: p.reason for p in problems}
    assert set(reasons) == {"cats/notes.png", "cats/truncated.png", "dogs/huge.png", "loose.png",
                            "../escape/evil.png", "/abs/evil2.png", "dogs/drawing.tiff"}
    assert "not a PNG, JPEG, BMP or GIF" in reasons["cats/notes.png"]
    assert "truncated" in reasons["cats/truncated.png"]
    assert "400000000 pixels" in reasons["dogs/huge.png"]
    assert "max_pixels" in reasons["dogs/huge.png"]
    assert "not inside a class folder" in reasons["loose.png"]
    assert "unsafe path" in reasons["../escape/evil.png"] and "unsafe" in reasons["/abs/evil2.png"]
    assert "not a PNG" in reasons["dogs/drawing.tiff"]
    assert str(problems[0]).startswith(f"{problems[0].file}: ")


def _tiff() -> bytes:
    buf = io.BytesIO()
    Image.new("L", (8, 8), 255).save(buf, format="TIFF")
    return buf.getvalue()


def test_huge_png_is_a_real_20000_square_png() -> None:
    data = huge_png()
    assert len(data) < 200_000
    # Pillow parses its header (and refuses it by its own bomb check, citing the real size) ...
    with pytest.raises(Image.DecompressionBombError, match="400000000 pixels"):
        Image.open(io.BytesIO(data))
    # ... and its pixel data inflates to exactly 20000 rows of 1 filter byte + 2500 bytes.
    idat_len = struct.unpack(">I", data[33:37])[0]
    assert data[37:41] == b"IDAT"
    assert len(zlib.decompress(data[41 : 41 + idat_len])) == 20_000 * 2_501


def test_zip_bomb_of_zeros_is_refused_by_declared_size() -> None:
    data = _bomb_zip(_good_files(), "cats/bomb.png", 64 << 20)
    assert len(data) < 1 << 20  # 64 MB of zeros in well under 1 MB
    ds, problems = load_zip(data, limits=SMALL)
    _assert_good(ds)
    assert [p.file for p in problems] == ["cats/bomb.png"]
    assert "declares 67108864 bytes" in problems[0].reason
    assert "max_file_bytes" in problems[0].reason


def test_zip_bomb_that_lies_about_its_size_is_stopped_while_reading() -> None:
    data = bytearray(_bomb_zip(_good_files(), "cats/bomb.png", 8 << 20))
    real = (8 << 20).to_bytes(4, "little")
    fake = (1000).to_bytes(4, "little")
    # the uncompressed size sits in the local header (and data descriptor) and the central
    # directory; rewrite every copy of it
    assert data.count(real) >= 2
    data = bytearray(bytes(data).replace(real, fake))
    ds, problems = load_zip(bytes(data), limits=SMALL)
    _assert_good(ds)
    assert [p.file for p in problems] == ["cats/bomb.png"]
    # zipfile stops at the declared size, so the lie shows as a checksum failure
    assert "cannot be read (Bad CRC-32" in problems[0].reason


def test_reading_is_capped_whatever_the_source_declares() -> None:
    endless = _Entry("cats/endless.png", 10, lambda cap: b"\x00" * cap)
    with pytest.raises(_Unreadable, match="more than 1000 bytes uncompressed"):
        _read_capped(endless, 1000)


def test_stored_file_larger_than_limit_is_refused_by_reading_cap() -> None:
    limits = ArchiveLimits(max_file_bytes=5000)
    big = _encoded("BMP", size=(100, 100))  # > 10 kB uncompressed
    ds, problems = load_zip(zip_bytes({**_good_files(), "cats/big.bmp": big}), limits=limits)
    assert len(ds) == 4 and [p.file for p in problems] == ["cats/big.bmp"]
    assert "max_file_bytes" in problems[0].reason


def test_total_size_limit_refuses_files_past_it() -> None:
    limits = ArchiveLimits(max_total_bytes=len(_encoded("PNG")) * 2 + 10)
    files = {f"{c}/{i}.png": _encoded("PNG") for c in ("a", "b") for i in range(3)}
    ds, problems = load_zip(zip_bytes(files), limits=limits)
    assert len(ds) == 2
    assert len(problems) == 4 and all("max_total_bytes" in p.reason for p in problems)


def test_more_files_than_allowed_are_refused_by_name() -> None:
    files = {f"{c}/{i:02d}.png": _encoded("PNG") for c in ("a", "b") for i in range(4)}
    ds, problems = load_zip(zip_bytes(files), limits=ArchiveLimits(max_files=5))
    assert len(ds) == 5 and ds.class_names == ["a", "b"]
    assert [p.file for p in problems] == ["b/01.png", "b/02.png", "b/03.png"]
    assert all("more than 5 files (max_files)" in p.reason for p in problems)


def test_thousands_of_files_past_the_limit_are_summarised() -> None:
    png = _encoded("PNG", size=(4, 4))
    files = {f"{c}/{i:04d}.png": png for c in ("a", "b") for i in range(600)}
    ds, problems = load_zip(zip_bytes(files), limits=ArchiveLimits(max_files=1000))
    assert len(ds) == 1000 and ds.counts().tolist() == [600, 400]
    assert [p.file for p in problems[:2]] == ["b/0400.png", "b/0401.png"]
    assert len(problems) == 101
    summary = Problem("b/0500.png and after", "100 more files past max_files; not read")
    assert problems[-1] == summary


def test_not_a_zip_and_nothing_usable_are_whole_archive_errors(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="the uploaded zip: not a readable zip"):
        load_zip(b"PK but not really")
    with pytest.raises(ArchiveError, match="no usable images.*a/x.png: not a PNG") as err:
        load_zip(zip_bytes({"a/x.png": b"text"}))
    assert [p.file for p in err.value.problems] == ["a/x.png"]
    with pytest.raises(ArchiveError, match="max_archive_bytes"):
        load_zip(zip_bytes(_good_files()), limits=ArchiveLimits(max_archive_bytes=100))
    with pytest.raises(ArchiveError, match="missing.zip: cannot be opened"):
        load_zip(tmp_path / "missing.zip")


def test_folder_layout_with_a_link_outside(tmp_path: Path) -> None:
    root = tmp_path / "data"
    for name, data in _good_files().items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    (root / "cats" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    outside = tmp_path / "secret.png"
    outside.write_bytes(_encoded("PNG"))
    (root / "dogs" / "link.png").symlink_to(outside)
    ds, problems = load_folder(root)
    _assert_good(ds)
    reasons = {p.file: p.reason for p in problems}
    assert set(reasons) == {"cats/broken.jpg", "dogs/link.png"}
    assert "outside the folder" in reasons["dogs/link.png"]
    with pytest.raises(ArchiveError, match="not a folder"):
        load_folder(tmp_path / "nope")


def test_drawing_mode_centres_dark_on_light_digits() -> None:
    arr = np.full((100, 100), 255, np.uint8)
    arr[5:45, 5:15] = 0  # a dark bar in the top-left corner of a white page
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format="PNG")
    ds, _ = load_zip(zip_bytes({"one/bar.png": buf.getvalue(), "two/bar.png": buf.getvalue()}),
                     mode="drawing")
    img = ds.images[0, 0]
    assert img.max() == pytest.approx(1.0) and img[0].max() == 0 and img[:, 0].max() == 0
    ys, xs = np.mgrid[0:28, 0:28]
    assert abs((img * ys).sum() / img.sum() - 14) <= 0.5
    assert abs((img * xs).sum() / img.sum() - 14) <= 0.5
