"""Turning what the client sent into an array: JSON pixels, typed input values, or a PNG/JPEG
upload (decoded by the engine's one decoder).

Decoding only; preprocessing the way the network was trained is the engine's job.
Every refusal is an :class:`ApiError` naming the field.
"""

from __future__ import annotations

import base64
import binascii

import numpy as np

from engine.preprocess import DecodeLimits, ImageDecodeError, decode_image
from server.errors import ApiError
from server.http.schemas.images import MAX_INPUT_VALUE, Pixels, TypedInput

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


_UPLOAD_STATUS = {"bytes": 413, "pixels": 413, "format": 415, "empty": 422, "corrupt": 422}


def image_from_upload(data: bytes, max_pixels: int, field: str = "file") -> np.ndarray:
    """PNG/JPEG bytes -> float32 in [0, 1] as stored: (H, W) gray, (H, W, 3) RGB or (H, W, 4)
    RGBA, decoded by the engine's one decoder (``engine.preprocess.decode_image``), which
    keeps what ``fit_input`` needs: colour for a 3-channel network, alpha for a drawing on a
    transparent background. Refuses anything else (415), too many pixels (413), an empty
    or damaged file (422), naming ``field``."""
    limits = DecodeLimits(max_bytes=len(data), max_pixels=max_pixels,
                          pixels_name="max_image_pixels")
    try:
        return decode_image(data, field, limits, formats=ACCEPTED_FORMATS, color=True)
    except ImageDecodeError as exc:
        raise ApiError(_UPLOAD_STATUS.get(exc.reason, 422), str(exc), field) from exc


def tensor_from_typed(body: TypedInput, shape: tuple[int, ...], max_values: int) -> np.ndarray:
    """The typed values as the network's (C, H, W) float32 input, fed as they are.

    413 naming ``input.values`` past ``max_values`` numbers; 422 naming ``input.shape`` if the
    shape given is not the network's, ``input.values`` for a count that does not fill it or a
    value beyond +-MAX_INPUT_VALUE (non-finite numbers are refused by the schema)."""
    count = len(body.values)
    if count > max_values:
        raise ApiError(413, f"input.values: {count} values, more than the limit of "
                       f"{max_values} (max_image_pixels)", "input.values")
    want = "x".join(map(str, shape))
    if body.shape is not None and tuple(body.shape) != tuple(shape):
        raise ApiError(422, f"input.shape: {'x'.join(map(str, body.shape))}, but this network "
                       f"takes {want}", "input.shape")
    expected = int(np.prod(shape))
    if count != expected:
        raise ApiError(422, f"input.values: {count} values, but this network takes {want} = "
                       f"{expected}", "input.values")
    values = np.asarray(body.values, dtype=np.float64)
    if np.abs(values).max() > MAX_INPUT_VALUE:
        raise ApiError(422, f"input.values: every value must be within +-{MAX_INPUT_VALUE:g}",
                       "input.values")
    return values.astype(np.float32).reshape(shape)
