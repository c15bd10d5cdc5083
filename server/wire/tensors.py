"""Encoding ndarrays for the wire (docs/protocol.md): never JSON lists of float64.

In JSON a tensor is ``{"shape", "dtype", "data": base64}`` (little-endian, C order); on the
WebSocket it is a binary frame: a 4-byte little-endian header length, a UTF-8 JSON header
padded with spaces so the data starts at a multiple of 4, then the raw bytes.
"""

from __future__ import annotations

import base64
import json
import math
import struct
from typing import Any

import numpy as np

_LE_F32 = np.dtype("<f4")


def _as_float32(array: Any) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(array), dtype=_LE_F32)


def quantize_uint8(array: Any) -> tuple[np.ndarray, float, float]:
    """(bytes, scale, offset) with value ~= offset + scale * byte; non-finite values -> 0."""
    values = np.asarray(array, dtype=np.float64)
    values = np.where(np.isfinite(values), values, 0.0)
    lo = float(values.min()) if values.size else 0.0
    hi = float(values.max()) if values.size else 0.0
    scale = (hi - lo) / 255.0 if hi > lo else 1.0
    codes = np.rint((values - lo) / scale) if hi > lo else np.zeros_like(values)
    return np.ascontiguousarray(codes, dtype=np.uint8), scale, lo


def tensor_json(array: Any, dtype: str = "float32") -> dict[str, Any]:
    """A tensor object for a JSON reply."""
    if dtype == "uint8":
        codes, scale, offset = quantize_uint8(array)
        return {"shape": list(codes.shape), "dtype": "uint8", "scale": scale, "offset": offset,
                "data": base64.b64encode(codes.tobytes()).decode("ascii")}
    data = _as_float32(array)
    return {"shape": list(data.shape), "dtype": "float32",
            "data": base64.b64encode(data.tobytes()).decode("ascii")}


def mask_json(array: Any) -> dict[str, Any]:
    """A 0/1 mask as a uint8 tensor object (scale 1, offset 0)."""
    codes = np.ascontiguousarray(np.asarray(array).astype(np.uint8))
    return {"shape": list(codes.shape), "dtype": "uint8", "scale": 1.0, "offset": 0.0,
            "data": base64.b64encode(codes.tobytes()).decode("ascii")}


def decode_tensor_json(obj: dict[str, Any]) -> np.ndarray:
    """The inverse of :func:`tensor_json` (used by tests and the benchmark)."""
    raw = base64.b64decode(obj["data"])
    if obj["dtype"] == "uint8":
        codes = np.frombuffer(raw, dtype=np.uint8).reshape(obj["shape"])
        return (obj["offset"] + obj["scale"] * codes.astype(np.float64)).astype(np.float32)
    return np.frombuffer(raw, dtype=_LE_F32).reshape(obj["shape"]).astype(np.float32)


def tensor_frame(header: dict[str, Any], array: Any, dtype: str = "float32") -> bytes:
    """One binary WebSocket frame holding ``array`` described by ``header``."""
    if dtype == "uint8":
        codes, scale, offset = quantize_uint8(array)
        payload = codes.tobytes()
        meta = {**header, "shape": list(codes.shape), "dtype": "uint8",
                "scale": scale, "offset": offset}
    else:
        data = _as_float32(array)
        payload = data.tobytes()
        meta = {**header, "shape": list(data.shape), "dtype": "float32"}
    text = json.dumps(meta, separators=(",", ":"), allow_nan=False).encode("utf-8")
    text += b" " * ((-(4 + len(text))) % 4)
    return struct.pack("<I", len(text)) + text + payload


def decode_frame(frame: bytes) -> tuple[dict[str, Any], np.ndarray]:
    """The inverse of :func:`tensor_frame` (used by tests and the benchmark)."""
    (length,) = struct.unpack_from("<I", frame, 0)
    header = json.loads(frame[4 : 4 + length].decode("utf-8"))
    raw = frame[4 + length :]
    if header["dtype"] == "uint8":
        codes = np.frombuffer(raw, dtype=np.uint8).reshape(header["shape"])
        values = header["offset"] + header["scale"] * codes.astype(np.float64)
        return header, values.astype(np.float32)
    return header, np.frombuffer(raw, dtype=_LE_F32).reshape(header["shape"])


def finite_or_none(value: Any) -> float | None:
    """A float for JSON, or None when it is NaN or infinite (never reaches JSON.parse)."""
    number = float(value)
    return number if math.isfinite(number) else None
