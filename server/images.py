"""Turning what the client sent into a grayscale array: JSON pixels or a PNG/JPEG upload.

Decoding only (Pillow); preprocessing the way the network was trained is the engine's job.
Every refusal is an :class:`ApiError` naming the field.
"""

from __future__ import annotations

import base64
import binascii
import io
import warnings

import numpy as np
from PIL import Image, UnidentifiedImageError

from server.errors import ApiError
from server.schemas.images import Pixels

ACCEPTED_FORMATS = ("PNG", "JPEG")


def _check_pixels(width: int, height: int, max_pixels: int, field: str) -> None:
    if width * height > max_pixels:
        raise ApiError(413, f"{field}: {width}x{height} is {width * height} pixels, more than "
                       f"the limit of {max_pixels} (max_image_pixels)", field)


def gray_from_pixels(body: Pixels, max_pixels: int) -> np.ndarray:
    """(height, width) float32 in [0, 1] from JSON pixels (list of numbers or base64 bytes)."""
    _check_pixels(body.width, body.height, max_pixels, "width")
    expected = body.width * body.height
    if isinstance(body.pixels, str):
        try:
            raw = base64.b64decode(body.pixels, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ApiError(422, "pixels: not valid base64", "pixels") from exc
        if len(raw) != expected:
            raise ApiError(422, f"pixels: {len(raw)} bytes, but width*height is {expected}",
                           "pixels")
        return np.frombuffer(raw, dtype=np.uint8).reshape(body.height, body.width).astype(
            np.float32) / np.float32(255.0)
    if len(body.pixels) != expected:
        raise ApiError(422, f"pixels: {len(body.pixels)} values, but width*height is {expected}",
                       "pixels")
    values = np.asarray(body.pixels, dtype=np.float32).reshape(body.height, body.width)
    top = float(body.range)
    if values.size and (values.min() < 0 or values.max() > top):
        raise ApiError(422, f"pixels: values must be in 0..{body.range} (range {body.range})",
                       "pixels")
    return values / np.float32(top)


def gray_from_upload(data: bytes, max_pixels: int, field: str = "file") -> np.ndarray:
    """(height, width) float32 in [0, 1] from PNG/JPEG bytes; refuses anything else."""
    if not data:
        raise ApiError(422, f"{field}: the upload is empty", field)
    with warnings.catch_warnings():
        # Pillow warns from about 89 M pixels; our own (far lower) limit is checked from the
        # header below, before any pixel is decoded
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as img:
                if img.format not in ACCEPTED_FORMATS:
                    raise ApiError(415, f"{field}: a {img.format} image; send PNG or JPEG", field)
                _check_pixels(img.width, img.height, max_pixels, field)
                img.load()
                gray = img.convert("L")
        except ApiError:
            raise
        except Image.DecompressionBombError as exc:  # over twice Pillow's limit: no size given
            raise ApiError(413, f"{field}: the image has more pixels than the limit of "
                           f"{max_pixels} (max_image_pixels): {exc}", field) from exc
        except UnidentifiedImageError as exc:
            raise ApiError(415, f"{field}: not a PNG or JPEG image", field) from exc
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise ApiError(422, f"{field}: the image is damaged or truncated ({exc})",
                           field) from exc
    return np.asarray(gray, dtype=np.float32) / np.float32(255.0)
