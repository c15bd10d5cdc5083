"""Turning a drawing, an upload or a photo into what the network sees, the way MNIST was made;
and the project's one image decoder (:func:`decode_image`).

MNIST convention: bright ink on a dark background; the ink's bounding box scaled (aspect kept)
so its longer side is 20 px of a 28 px frame; placed so that the centre of mass
``(sum_i y_i I_i / sum_i I_i, sum_i x_i I_i / sum_i I_i)`` (0-based pixel indices) lands on
``(size / 2, size / 2)``, i.e. (14, 14) for 28. That is where MNIST puts it: over the 10,000
shipped digits the centre of mass averages (13.996, 14.004), every one within 0.5 px of
(14, 14) (whole-pixel shifts), not at the geometric middle 13.5.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image, UnidentifiedImageError
from PIL.Image import Transpose

from engine.ink import find_ink

FORMATS = ("PNG", "JPEG", "BMP", "GIF")
BOX_FRACTION = 20 / 28  # longer side of the ink box / frame size
INK_THRESHOLD = 0.1  # of the brightest ink: what counts for the bounding box
BLANK_LEVEL = 0.05  # ink weaker than this (0..1) everywhere means "nothing drawn"
MIN_FRAME_SIDE = 4  # a smaller frame gets the whole ink image shrunk, not MNIST framing
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)  # ITU-R 601, as Pillow's "L"


class ImageDecodeError(ValueError):
    """An image that cannot be used; the message starts with the file's name.

    ``reason`` says which check refused it: "bytes" (too many encoded bytes), "empty",
    "format" (not one of the accepted formats), "pixels" (too many pixels) or "corrupt".
    """

    def __init__(self, message: str, reason: str = "corrupt") -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class DecodeLimits:
    """What ``decode_image`` accepts: at most ``max_bytes`` encoded, ``max_pixels`` decoded.

    ``bytes_name`` and ``pixels_name`` are how the messages name the two limits (a server
    names its own settings).
    """

    max_bytes: int = 10 * 1024 * 1024
    max_pixels: int = 4096 * 4096
    bytes_name: str = "max_bytes"
    pixels_name: str = "max_pixels"


@dataclass(frozen=True)
class PreprocessInfo:
    """How a drawing was turned into the network's input.

    blank: nothing was drawn (the output is all zeros; the other fields are neutral).
    inverted: the input had dark ink on a light background and was flipped.
    background: the background level (0..1, after any inversion) that was subtracted.
    bbox: (top, left, bottom, right) of the ink in the input, bottom/right exclusive.
    scale: output pixels per input pixel.
    offset: (row, col) of the scaled ink box's top-left corner in the output frame.
    center_of_mass: (row, col) of the output's centre of mass; the target is size / 2.
    """

    blank: bool
    inverted: bool
    background: float
    bbox: tuple[int, int, int, int] | None
    scale: float
    offset: tuple[int, int]
    center_of_mass: tuple[float, float]


def to_gray(image: np.ndarray) -> np.ndarray:
    """(H, W) uint8/float, or (H, W, 3|4) RGB(A) -> (H, W) float32 in [0, 1].

    Gray = 0.299 R + 0.587 G + 0.114 B. Alpha is composited over white when the opaque pixels
    are dark on average and over black when they are bright, so ink drawn on a transparent
    canvas stays visible whichever colour it is.
    """
    arr = np.asarray(image)
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[2] not in (3, 4)):
        raise ValueError(f"image must be (H, W), (H, W, 3) or (H, W, 4); got shape {arr.shape}")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"image is empty: shape {arr.shape}")
    values = _unit_range(arr)
    if values.ndim == 2:
        return values
    gray = values[:, :, :3] @ _LUMA
    if values.shape[2] == 3:
        return np.clip(gray, 0, 1).astype(np.float32)
    alpha = values[:, :, 3]
    covered = float(alpha.sum())
    mean_ink = float((gray * alpha).sum() / covered) if covered > 0 else 0.0
    backdrop = 1.0 if mean_ink < 0.5 else 0.0
    return np.clip(gray * alpha + backdrop * (1 - alpha), 0, 1).astype(np.float32)


def _unit_range(arr: np.ndarray) -> np.ndarray:
    if arr.dtype == np.uint8:
        return arr.astype(np.float32) / np.float32(255)
    if arr.dtype == np.bool_:
        return arr.astype(np.float32)
    if not np.issubdtype(arr.dtype, np.number):
        raise ValueError(f"image must be numeric; got dtype {arr.dtype}")
    values = arr.astype(np.float32)
    if not np.isfinite(values).all():
        raise ValueError("image contains NaN or infinite values")
    if values.min() < 0 or values.max() > 1:
        raise ValueError(
            f"a non-uint8 image must have values in [0, 1]; got {values.min()}..{values.max()}"
        )
    return values


def decode_image(
    data: bytes,
    name: str = "image",
    limits: DecodeLimits | None = None,
    formats: tuple[str, ...] = FORMATS,
    color: bool = False,
) -> np.ndarray:
    """Decode image bytes (first frame) with Pillow -> float32 in [0, 1].

    The one decoder of the project (uploads to the server, zip archives, tests). A camera's
    EXIF orientation is applied (:func:`upright`): a phone photo comes out as it was taken.
    ``color=False``: (H, W) gray, alpha composited as :func:`to_gray` does.
    ``color=True``: as stored: (H, W) for a gray image, (H, W, 3) RGB, or (H, W, 4) RGBA when
    it has transparency (:func:`to_gray` and :func:`fit_input` take any of them).

    Raises ``ImageDecodeError`` starting with ``name`` for: more than ``limits.max_bytes``,
    nothing at all, not one of ``formats`` (default PNG, JPEG, BMP, GIF), more than
    ``limits.max_pixels`` (checked from the header, before any pixel is decoded), and
    truncated or corrupt data.
    """
    limits = limits or DecodeLimits()
    if len(data) > limits.max_bytes:
        raise ImageDecodeError(
            f"{name}: {len(data)} bytes is more than the limit of {limits.max_bytes} "
            f"({limits.bytes_name})", "bytes")
    if not data:
        raise ImageDecodeError(f"{name}: the image is empty (0 bytes)", "empty")
    try:
        with warnings.catch_warnings():
            # Pillow warns from about 89 M pixels; our own (far lower) limit is checked from
            # the header below, before any pixel is decoded
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=formats) as im:
                _check_pixels(im.size, name, limits)
                turn = orientation(im)
                im.load()
                shown = upright(im, turn)
                return _pil_to_array(shown) if color else pil_to_gray(shown)
    except UnidentifiedImageError:
        raise ImageDecodeError(f"{name}: not a {_format_list(formats)} image", "format") from None
    except Image.DecompressionBombError as exc:
        raise ImageDecodeError(
            f"{name}: more pixels than the limit of {limits.max_pixels} ({limits.pixels_name}); "
            f"Pillow refused it before decoding: {exc}", "pixels") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        if isinstance(exc, ImageDecodeError):
            raise
        raise ImageDecodeError(f"{name}: corrupt or truncated image ({exc})") from None


def _format_list(formats: tuple[str, ...]) -> str:
    return formats[0] if len(formats) == 1 else ", ".join(formats[:-1]) + " or " + formats[-1]


def _check_pixels(size: tuple[int, int], name: str, limits: DecodeLimits) -> None:
    w, h = size
    if w * h > limits.max_pixels:
        raise ImageDecodeError(
            f"{name}: image is {w}x{h} = {w * h} pixels, more than the limit of "
            f"{limits.max_pixels} ({limits.pixels_name})", "pixels")


def has_alpha(im: Image.Image) -> bool:
    """Whether a Pillow image carries transparency (an alpha band or a transparent colour)."""
    return im.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in im.info


# EXIF orientation (tag 0x0112) -> the transpose that shows the picture as it was taken: a
# phone photo held upright is stored sideways with tag 6 ("rotate 90 degrees clockwise").
_UPRIGHT = {
    2: Transpose.FLIP_LEFT_RIGHT,
    3: Transpose.ROTATE_180,
    4: Transpose.FLIP_TOP_BOTTOM,
    5: Transpose.TRANSPOSE,
    6: Transpose.ROTATE_270,
    7: Transpose.TRANSVERSE,
    8: Transpose.ROTATE_90,
}


def orientation(im: Image.Image) -> int:
    """The picture's EXIF orientation, 1 (as stored) when it has none; read from the header."""
    value = im.getexif().get(0x0112, 1)
    return value if value in _UPRIGHT else 1


def upright(im: Image.Image, turn: int) -> Image.Image:
    """``im`` turned as its EXIF ``orientation`` says (1: as it is)."""
    return im.transpose(_UPRIGHT[turn]) if turn in _UPRIGHT else im


def pil_to_gray(im: Image.Image) -> np.ndarray:
    """(H, W) float32 in [0, 1] of a Pillow image: 16-bit gray scaled, alpha composited on
    white by ``to_gray``."""
    if im.mode.startswith("I"):  # 16-bit grayscale PNG
        return np.clip(np.asarray(im, dtype=np.float32) / 65535, 0, 1)
    if has_alpha(im):
        return to_gray(np.asarray(im.convert("RGBA")))
    return to_gray(np.asarray(im.convert("L")))


def _pil_to_array(im: Image.Image) -> np.ndarray:
    if im.mode.startswith("I") or im.mode in ("1", "L", "F"):
        return pil_to_gray(im)
    if has_alpha(im):
        return np.asarray(im.convert("RGBA"), dtype=np.float32) / np.float32(255)
    return np.asarray(im.convert("RGB"), dtype=np.float32) / np.float32(255)


def preprocess_drawing(
    image: np.ndarray, size: int | tuple[int, int] = 28
) -> tuple[np.ndarray, PreprocessInfo]:
    """A drawing or upload -> ((1, H, W) float32 in [0, 1], PreprocessInfo).

    ``size`` is the frame: a side (square) or (H, W). Steps: gray (``to_gray``); the ink,
    bright on dark (``engine.ink.find_ink``: for a clean image the border's median
    background subtracted, flipped if it is light; a photo also loses its uneven lighting,
    noise and specks); crop to the ink (pixels above 10% of the brightest); resize with
    Pillow (Lanczos) so the longer side is round(min(H, W) * 20/28), aspect kept; rescale so
    the brightest pixel is 1; place at the whole-pixel offset that puts the centre of mass
    nearest (H/2, W/2) (ink pushed past the frame is cut, as in MNIST). A frame with a side
    under 4 px has no room for that: the whole ink image is shrunk to it (area average),
    brightest pixel 1. A blank
    image gives an all-zero frame.
    """
    h, w = _frame_shape(size)
    found = find_ink(to_gray(image))
    ink, inverted, background = found.ink, found.inverted, found.background
    frame = np.zeros((1, h, w), dtype=np.float32)
    if ink.max() < BLANK_LEVEL:
        return frame, PreprocessInfo(True, inverted, background, None, 1.0, (0, 0),
                                     (h / 2, w / 2))  # fmt: skip
    if min(h, w) < MIN_FRAME_SIDE:
        frame[0] = _shrink(ink, h, w)
        scale = min(h / ink.shape[0], w / ink.shape[1])
        full = (0, 0, int(ink.shape[0]), int(ink.shape[1]))
        return frame, PreprocessInfo(False, inverted, background, full, scale,
                                     (0, 0), center_of_mass(frame[0]))  # fmt: skip
    bbox = _bounding_box(ink >= INK_THRESHOLD * ink.max())
    top, left, bottom, right = bbox
    patch, scale = _resize_longer_side(ink[top:bottom, left:right], _box_side(min(h, w)))
    offset = _centring_offset(patch, (h, w))
    _paste(frame[0], patch, offset)
    info = PreprocessInfo(False, inverted, background, bbox, scale, offset,
                          center_of_mass(frame[0]))  # fmt: skip
    return frame, info


def fit_input(image: np.ndarray, shape: tuple[int, int, int]) -> np.ndarray:
    """An image -> the (C, H, W) float32 input of a network that takes ``shape``.

    A colour image, (H', W', 3|4), for a 3-channel network is kept in colour: alpha composited
    as :func:`to_gray` decides, the whole picture resized to H x W (Lanczos), values 0..1, no
    framing (a photo, as CIFAR-10 was made). Anything else is a drawing:
    :func:`preprocess_drawing` into an H x W frame, the one gray channel repeated C times.
    """
    c, h, w = (int(v) for v in shape)
    arr = np.asarray(image)
    if c == 3 and arr.ndim == 3 and arr.shape[2] in (3, 4):
        return _colour_resize(arr, h, w)
    frame, _info = preprocess_drawing(arr, (h, w))
    return np.repeat(frame, c, axis=0)


def _colour_resize(image: np.ndarray, h: int, w: int) -> np.ndarray:
    """(H', W', 3|4) -> (3, h, w) float32 RGB in [0, 1]."""
    values = _unit_range(image)
    if values.shape[0] == 0 or values.shape[1] == 0:
        raise ValueError(f"image is empty: shape {values.shape}")
    rgb = values[:, :, :3]
    if values.shape[2] == 4:
        alpha = values[:, :, 3:]
        gray = rgb @ _LUMA
        covered = float(alpha.sum())
        mean_ink = float((gray * alpha[:, :, 0]).sum() / covered) if covered > 0 else 0.0
        rgb = rgb * alpha + (1.0 if mean_ink < 0.5 else 0.0) * (1 - alpha)
    out = np.empty((3, h, w), dtype=np.float32)
    for ch in range(3):
        channel = Image.fromarray(np.ascontiguousarray(rgb[:, :, ch], dtype=np.float32))
        out[ch] = np.asarray(channel.resize((w, h), Image.Resampling.LANCZOS), np.float32)
    return np.clip(out, 0, 1)


def _frame_shape(size: int | tuple[int, int]) -> tuple[int, int]:
    sides: tuple[Any, ...] = (size, size) if np.ndim(size) == 0 else tuple(size)  # type: ignore[arg-type]
    if len(sides) != 2 or any(int(s) != s or s < 1 for s in sides):
        raise ValueError(f"size must be a whole number >= 1 or (height, width); got {size}")
    return int(sides[0]), int(sides[1])


def _shrink(ink: np.ndarray, h: int, w: int) -> np.ndarray:
    """(H', W') -> (h, w), each output pixel the mean of the input area it covers; peak 1."""
    small = Image.fromarray(np.ascontiguousarray(ink, dtype=np.float32)).resize(
        (w, h), Image.Resampling.BOX)
    out = np.clip(np.asarray(small, dtype=np.float32), 0, None)
    peak = float(out.max())
    return out / peak if peak > 0 else out


def _box_side(size: int) -> int:
    return max(1, round(size * BOX_FRACTION))


def _bounding_box(mask: np.ndarray) -> tuple[int, int, int, int]:
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


def _resize_longer_side(patch: np.ndarray, side: int) -> tuple[np.ndarray, float]:
    """(h, w) -> (h', w') with max(h', w') = side, aspect kept; brightest pixel rescaled to 1."""
    h, w = patch.shape
    scale = side / max(h, w)
    new_h, new_w = max(1, round(h * scale)), max(1, round(w * scale))
    resized = Image.fromarray(np.ascontiguousarray(patch, dtype=np.float32)).resize(
        (new_w, new_h), Image.Resampling.LANCZOS
    )
    out = np.clip(np.asarray(resized, dtype=np.float32), 0, None)
    peak = out.max()
    return (out / peak if peak > 0 else out), scale


def center_of_mass(image: np.ndarray) -> tuple[float, float]:
    """(row, col) = (sum y I / sum I, sum x I / sum I) of a 2-D array; its centre if all zero."""
    total = float(image.sum())
    h, w = image.shape
    if total <= 0:
        return ((h - 1) / 2, (w - 1) / 2)
    rows = float(image.sum(axis=1) @ np.arange(h)) / total
    cols = float(image.sum(axis=0) @ np.arange(w)) / total
    return (rows, cols)


def _centring_offset(patch: np.ndarray, frame: tuple[int, int]) -> tuple[int, int]:
    cy, cx = center_of_mass(patch)
    return (int(np.floor(frame[0] / 2 - cy + 0.5)), int(np.floor(frame[1] / 2 - cx + 0.5)))


def _paste(frame: np.ndarray, patch: np.ndarray, offset: tuple[int, int]) -> None:
    """Copy ``patch`` into ``frame`` with its top-left at ``offset``, cutting what falls outside."""
    oy, ox = offset
    h, w = patch.shape
    fy0, fx0 = max(oy, 0), max(ox, 0)
    fy1, fx1 = min(oy + h, frame.shape[0]), min(ox + w, frame.shape[1])
    if fy0 < fy1 and fx0 < fx1:
        frame[fy0:fy1, fx0:fx1] = patch[fy0 - oy : fy1 - oy, fx0 - ox : fx1 - ox]
