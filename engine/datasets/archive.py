"""Image datasets from a zip or a folder in the one-folder-per-class layout.

``cats/001.png, cats/002.jpg, dogs/001.png`` -> classes ["cats", "dogs"] (sorted). A single
wrapping folder (``mydata/cats/...``) is looked through. Every file is decoded with Pillow
(PNG, JPEG, BMP, GIF), made grayscale and resized to ``size`` x ``size``.

Resizing: by default a plain resize of the whole picture (Pillow, Lanczos), because a folder
may hold anything (photos, textures, shapes) and MNIST-style handling (inverting, cropping to
the ink) would distort pictures that are not drawings. ``mode="drawing"`` applies
``engine.preprocess.preprocess_drawing`` instead, for folders of drawn or scanned digits, so
that they match what the drawing pad feeds the network.

Each file that cannot be used becomes a ``Problem`` naming it and the rest are kept: unsafe
paths (absolute, ``..``), files past ``max_files``, files larger than ``max_file_bytes``
(declared size checked first, then read with a cap), the running total past
``max_total_bytes``, images with more than ``max_pixels``, and corrupt or non-image files.
Nothing is ever written to disk.

Decoding is what an archive costs (a 4 KB PNG can hold 4 million pixels): every image is
charged to a ``PixelBudget`` before it is decoded, and an archive past it is refused whole
(``PixelBudgetExceeded``). A large JPEG is decoded at 1/2, 1/4 or 1/8 scale and any large
image box-reduced before it is resized (see ``_decode``).
"""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

import numpy as np
from PIL import Image, UnidentifiedImageError

from engine.datasets.dataset import Dataset
from engine.preprocess import (
    FORMATS,
    ImageDecodeError,
    has_alpha,
    orientation,
    pil_to_gray,
    preprocess_drawing,
    upright,
)

Mode = Literal["resize", "drawing"]
_JUNK_NAMES = {"thumbs.db", "desktop.ini", "__macosx"}
MAX_NAMED_PAST_LIMIT = 100  # files past max_files named one by one; the rest in one Problem


@dataclass(frozen=True)
class ArchiveLimits:
    """Everything an uploaded archive or folder may not exceed (bytes are uncompressed)."""

    max_files: int = 5000
    max_file_bytes: int = 5 * 1024 * 1024
    max_total_bytes: int = 200 * 1024 * 1024
    max_pixels: int = 4096 * 4096
    max_archive_bytes: int = 100 * 1024 * 1024
    max_decoded_pixels: int = 64_000_000  # all images together, as decoded (see PixelBudget)


@dataclass(frozen=True)
class Problem:
    """One file that was left out, and why."""

    file: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.reason}"


class ArchiveError(ValueError):
    """The archive or folder as a whole cannot be used; ``problems`` lists per-file reasons."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class PixelBudgetExceeded(ArchiveError):
    """Decoding the next image would take the archive past its pixel budget."""


class PixelBudget:
    """Pixels an archive may decode in all (decoding is what costs time: a 4 KB PNG can hold
    4 million pixels). Each image is charged before it is decoded, at the size it will be
    decoded at (a JPEG at its reduced draft size); ``spent`` is the running total."""

    def __init__(self, limit: int, name: str = "max_decoded_pixels") -> None:
        self.limit = limit
        self.name = name  # how the limit is called where it is set, for the message
        self.spent = 0

    def charge(self, pixels: int, file: str) -> None:
        if self.spent + pixels > self.limit:
            raise PixelBudgetExceeded(
                f"{file}: decoding it would take this upload past {self.limit} decoded pixels "
                f"({self.name}); {self.spent} were decoded before it. Send smaller images or "
                "fewer at a time")
        self.spent += pixels


@dataclass(frozen=True)
class _Entry:
    name: str  # path inside the archive/folder, "/"-separated
    declared_bytes: int
    read: Callable[[int], bytes]  # read(cap) -> at most cap bytes


def load_zip(
    source: str | Path | bytes,
    size: int = 28,
    limits: ArchiveLimits | None = None,
    mode: Mode = "resize",
    budget: PixelBudget | None = None,
) -> tuple[Dataset, list[Problem]]:
    """A zip (a path or its bytes) -> (Dataset (N, 1, size, size), problems).

    Raises ``ArchiveError`` naming the archive if it is not a readable zip, is larger than
    ``max_archive_bytes``, or yields no usable image, and ``PixelBudgetExceeded`` (an
    ArchiveError) when its images would decode to more pixels than ``budget`` (default: one
    of ``limits.max_decoded_pixels``) allows.
    """
    limits = limits or ArchiveLimits()
    label = "the uploaded zip" if isinstance(source, bytes) else str(source)
    length = len(source) if isinstance(source, bytes) else _file_size(Path(source), label)
    if length > limits.max_archive_bytes:
        raise ArchiveError(
            f"{label}: {length} bytes is more than the limit of {limits.max_archive_bytes} "
            "(max_archive_bytes)"
        )
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        with zipfile.ZipFile(stream) as zf:
            entries = [_zip_entry(zf, info) for info in zf.infolist() if not info.is_dir()]
            return _build(entries, label, size, limits, mode, budget)
    except zipfile.BadZipFile as exc:
        raise ArchiveError(f"{label}: not a readable zip file ({exc})") from None


def load_folder(
    path: str | Path,
    size: int = 28,
    limits: ArchiveLimits | None = None,
    mode: Mode = "resize",
    budget: PixelBudget | None = None,
) -> tuple[Dataset, list[Problem]]:
    """A folder with one sub-folder per class -> (Dataset (N, 1, size, size), problems).

    Symbolic links are not followed out of the folder. Raises ``ArchiveError`` if the folder
    does not exist or yields no usable image.
    """
    limits = limits or ArchiveLimits()
    root = Path(path)
    if not root.is_dir():
        raise ArchiveError(f"{root}: not a folder")
    return _build(list(_folder_entries(root)), str(root), size, limits, mode, budget)


def _file_size(path: Path, label: str) -> int:
    try:
        return path.stat().st_size
    except OSError as exc:
        raise ArchiveError(f"{label}: cannot be opened ({exc.strerror})") from None


def _zip_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> _Entry:
    def read(cap: int) -> bytes:
        if info.flag_bits & 0x1:
            raise ValueError("encrypted")
        with zf.open(info) as f:
            return f.read(cap)

    return _Entry(info.filename, info.file_size, read)


def _folder_entries(root: Path) -> Iterable[_Entry]:
    real_root = root.resolve()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for filename in sorted(filenames):
            full = Path(dirpath) / filename
            name = full.relative_to(root).as_posix()
            if not full.resolve().is_relative_to(real_root):
                yield _Entry(name, 0, _refuse("a link pointing outside the folder"))
                continue
            yield _Entry(name, _size_or_zero(full), _capped_reader(full))


def _size_or_zero(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _capped_reader(path: Path) -> Callable[[int], bytes]:
    def read(cap: int) -> bytes:
        with path.open("rb") as f:
            return f.read(cap)

    return read


def _refuse(reason: str) -> Callable[[int], bytes]:
    def read(cap: int) -> bytes:
        raise ValueError(reason)

    return read


def _build(
    entries: list[_Entry], label: str, size: int, limits: ArchiveLimits, mode: Mode,
    pixel_budget: PixelBudget | None,
) -> tuple[Dataset, list[Problem]]:
    if int(size) != size or size < 1:
        raise ValueError(f"size must be a whole number >= 1; got {size}")
    pixels = pixel_budget or PixelBudget(limits.max_decoded_pixels)
    problems: list[Problem] = []
    usable = [e for e in sorted(entries, key=lambda e: e.name) if not _is_junk(e.name)]
    classes = _class_folders(usable, problems)
    images: list[np.ndarray] = []
    names: list[str] = []
    budget = _Budget(limits)
    past_limit = classes[limits.max_files :][MAX_NAMED_PAST_LIMIT:]
    for entry, cls in classes[: len(classes) - len(past_limit)]:
        reason = budget.admit(entry)
        if reason is None:
            try:
                data = _read_capped(entry, limits.max_file_bytes)
                reason = budget.settle(entry, len(data))
                if reason is None:
                    images.append(_fit(data, entry.name, size, limits, mode, pixels))
                    names.append(cls)
                    continue
            except ImageDecodeError as exc:
                reason = str(exc).removeprefix(f"{entry.name}: ")
            except _Unreadable as exc:
                reason = str(exc)
        problems.append(Problem(entry.name, reason))
    if past_limit:
        problems.append(Problem(f"{past_limit[0][0].name} and after",
                                f"{len(past_limit)} more files past max_files; not read"))
    if not images:
        detail = "; ".join(str(p) for p in problems[:5]) or "it holds no files in class folders"
        raise ArchiveError(f"{label}: no usable images ({detail})", problems)
    class_names = sorted(set(names))
    labels = np.array([class_names.index(n) for n in names], dtype=np.int64)
    return Dataset(np.stack(images)[:, None], labels, class_names), problems


class _Unreadable(Exception):
    pass


class _Budget:
    """Counts files and bytes against the limits; ``admit`` returns a reason to refuse or None."""

    def __init__(self, limits: ArchiveLimits) -> None:
        self.limits = limits
        self.files = 0
        self.total = 0

    def admit(self, entry: _Entry) -> str | None:
        lim = self.limits
        self.files += 1
        if self.files > lim.max_files:
            return f"more than {lim.max_files} files (max_files); not read"
        if entry.declared_bytes > lim.max_file_bytes:
            return (
                f"declares {entry.declared_bytes} bytes uncompressed, more than the limit of "
                f"{lim.max_file_bytes} (max_file_bytes)"
            )
        if self.total + entry.declared_bytes > lim.max_total_bytes:
            return f"would take the total past {lim.max_total_bytes} bytes (max_total_bytes)"
        self.total += entry.declared_bytes
        return None

    def settle(self, entry: _Entry, actual: int) -> str | None:
        """Charge bytes read beyond the declared size; a reason to refuse if past the total."""
        self.total += max(0, actual - entry.declared_bytes)
        if self.total > self.limits.max_total_bytes:
            return f"takes the total past {self.limits.max_total_bytes} bytes (max_total_bytes)"
        return None


def _read_capped(entry: _Entry, max_bytes: int) -> bytes:
    """At most ``max_bytes`` of the entry, whatever its header declared; _Unreadable beyond."""
    try:
        data = entry.read(max_bytes + 1)
    except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError,
            OSError, ValueError) as exc:  # fmt: skip
        raise _Unreadable(f"cannot be read ({exc})") from None
    if len(data) > max_bytes:
        raise _Unreadable(f"holds more than {max_bytes} bytes uncompressed (max_file_bytes)")
    return data


def _fit(data: bytes, name: str, size: int, limits: ArchiveLimits, mode: Mode,
         budget: PixelBudget) -> np.ndarray:
    """Decode one file and fit it to (size, size) float32 in [0, 1]."""
    # the drawing preprocessing crops to the ink first: keep detail for that
    target = size if mode == "resize" else max(4 * size, 112)
    gray, extent = _decode(data, name, limits.max_pixels, target, budget)
    if mode == "drawing":
        return preprocess_drawing(gray, size)[0][0]
    resized = Image.fromarray(gray).resize((size, size), Image.Resampling.LANCZOS,
                                           box=(0.0, 0.0, *extent))
    return np.clip(np.asarray(resized, dtype=np.float32), 0, 1)


def _decode(data: bytes, name: str, max_pixels: int, target: int,
            budget: PixelBudget) -> tuple[np.ndarray, tuple[float, float]]:
    """PNG, JPEG, BMP or GIF bytes (first frame) -> ((H, W) float32 gray in [0, 1], extent),
    at a reduced size when the picture is far larger than ``target`` pixels a side.
    ``extent`` (width, height) is how much of the array the picture spans: a reduction by a
    factor f that does not divide the side leaves a last, partial column (row) of boxes,
    and the picture spans W0 / f of it.

    The size is read from the header first: over ``max_pixels`` is an ImageDecodeError, and
    the budget is charged before any pixel is decoded. A JPEG is decoded at 1/2, 1/4 or 1/8
    scale (Pillow's ``draft``: the DCT skips the detail) while it stays at least ``target`` a
    side; any image then at least 4x ``target`` a side is box-reduced by a whole factor
    (Pillow's ``reduce``) to no less than twice ``target``, so what follows works on far fewer
    pixels. Gray as ``engine.preprocess.decode_image`` makes it (16-bit scaled, alpha
    composited by ``to_gray``, turned upright as its EXIF orientation says).
    """
    try:
        with Image.open(io.BytesIO(data), formats=FORMATS) as im:
            width, height = im.size
            if width * height > max_pixels:
                raise ImageDecodeError(f"{name}: image is {width}x{height} = {width * height} "
                                       f"pixels, more than the limit of {max_pixels} "
                                       "(max_pixels)")
            turn = orientation(im)
            if im.format == "JPEG":
                im.draft(im.mode, (target, target))
            budget.charge(im.size[0] * im.size[1], name)
            im.load()
            shown = upright(im, turn)  # before reducing: the partial boxes stay right, bottom
            factor = min(shown.size) // (2 * target)
            if factor < 2:
                return pil_to_gray(shown), (float(shown.size[0]), float(shown.size[1]))
            extent = (shown.size[0] / factor, shown.size[1] / factor)
            return pil_to_gray(_reduced(shown, factor)), extent
    except UnidentifiedImageError:
        raise ImageDecodeError(f"{name}: not a PNG, JPEG, BMP or GIF image") from None
    except Image.DecompressionBombError as exc:
        raise ImageDecodeError(
            f"{name}: more pixels than the limit of {max_pixels} (max_pixels); "
            f"Pillow refused it before decoding: {exc}") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        if isinstance(exc, (ImageDecodeError, ArchiveError)):
            raise
        raise ImageDecodeError(f"{name}: corrupt or truncated image ({exc})") from None


def _reduced(im: Image.Image, factor: int) -> Image.Image:
    """Each ``factor`` x ``factor`` box averaged into one pixel (Pillow's ``reduce``)."""
    if im.mode.startswith("I"):  # 16-bit grayscale: reduce at 32 bits, keep the scale
        im = im.convert("I")
    elif im.mode not in ("L", "RGB", "RGBA"):
        im = im.convert("RGBA" if has_alpha(im) else "L")
    return im.reduce(factor)


def _is_junk(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return any(
        p.startswith(".") or p.lower() in _JUNK_NAMES for p in parts if p not in ("/", ".", "..")
    )


def _class_folders(
    entries: list[_Entry], problems: list[Problem]
) -> list[tuple[_Entry, str]]:
    """Pair each safe entry with its class (first folder after any single wrapping folder)."""
    safe: list[tuple[_Entry, tuple[str, ...]]] = []
    for entry in entries:
        parts = PurePosixPath(entry.name).parts
        if _unsafe(entry.name, parts):
            problems.append(Problem(entry.name, "unsafe path (absolute or with ..); refused"))
        else:
            safe.append((entry, parts))
    while safe and all(len(p) >= 3 for _, p in safe) and len({p[0] for _, p in safe}) == 1:
        safe = [(e, p[1:]) for e, p in safe]
    paired = []
    for entry, parts in safe:
        if len(parts) < 2:
            problems.append(Problem(entry.name, "not inside a class folder"))
        else:
            paired.append((entry, parts[0]))
    return paired


def _unsafe(name: str, parts: tuple[str, ...]) -> bool:
    return (
        name.startswith(("/", "\\"))
        or "\\" in name
        or ".." in parts
        or (len(name) > 1 and name[1] == ":")
    )
