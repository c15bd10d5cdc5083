"""Decoding costs what the pixels cost: an archive's images are charged against a pixel budget
before they are decoded, and large JPEGs are decoded at reduced size (issue 13, item 6)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from engine.datasets.archive import PixelBudget, PixelBudgetExceeded, load_zip
from tests.zips import zip_bytes


def _png(side: int, value: int = 0) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (side, side), value).save(buffer, "PNG")
    return buffer.getvalue()


def _bars_jpeg(side: int) -> tuple[bytes, np.ndarray]:
    """A JPEG of vertical bars (bright left third, grey middle, dark right) and its pixels."""
    arr = np.zeros((side, side), np.uint8)
    arr[:, : side // 3] = 230
    arr[:, side // 3 : 2 * side // 3] = 120
    buffer = io.BytesIO()
    Image.fromarray(arr).save(buffer, "JPEG", quality=95)
    return buffer.getvalue(), arr


def test_small_pngs_that_decode_to_many_pixels_are_refused_by_the_budget():
    data = zip_bytes({f"a/{i}.png": _png(1000) for i in range(3)} | {"b/0.png": _png(1000, 255)})
    assert len(data) < 40_000  # a few kB each: what they cost is the decoding
    budget = PixelBudget(2_500_000, "max_zip_pixels")
    with pytest.raises(PixelBudgetExceeded) as refused:
        load_zip(data, size=8, budget=budget)
    message = str(refused.value)
    assert "2500000 decoded pixels (max_zip_pixels)" in message and "a/2.png" in message
    assert budget.spent == 2_000_000  # two decoded, the third refused before decoding
    within = PixelBudget(4_000_000)
    ds, problems = load_zip(data, size=8, budget=within)
    assert len(ds) == 4 and problems == [] and within.spent == 4_000_000


def test_a_large_jpeg_is_decoded_at_reduced_size_and_looks_the_same():
    data, arr = _bars_jpeg(2000)
    budget = PixelBudget(100_000)  # far less than its 4,000,000 pixels
    ds, _ = load_zip(zip_bytes({"a/x.jpg": data, "b/y.png": _png(20)}), size=28, budget=budget)
    assert budget.spent == 250 * 250 + 20 * 20  # decoded at 1/8 scale: 250 x 250
    full = Image.fromarray(arr.astype(np.float32) / 255).resize((28, 28),
                                                                Image.Resampling.LANCZOS)
    got = ds.images[int(np.flatnonzero(ds.labels == 0)[0]), 0]
    assert np.abs(got - np.clip(np.asarray(full), 0, 1)).max() < 0.02  # as _fit clips


def test_a_large_png_is_reduced_before_resizing_and_looks_the_same():
    arr = np.zeros((1200, 1200), np.uint8)
    arr[:, :400] = 230
    arr[300:900, 600:] = 90
    buffer = io.BytesIO()
    Image.fromarray(arr).save(buffer, "PNG")
    ds, _ = load_zip(zip_bytes({"a/x.png": buffer.getvalue(), "b/y.png": _png(20)}), size=28)
    full = Image.fromarray(arr.astype(np.float32) / 255).resize((28, 28),
                                                                Image.Resampling.LANCZOS)
    got = ds.images[int(np.flatnonzero(ds.labels == 0)[0]), 0]
    assert np.abs(got - np.clip(np.asarray(full), 0, 1)).max() < 0.02  # as _fit clips


def _in_mode(mode: str, fmt: str) -> bytes:
    """A 600x600 picture (noise) saved in Pillow ``mode`` as ``fmt``."""
    noise = (np.random.default_rng(1).random((600, 600)) * 255).astype(np.uint8)
    image = Image.fromarray(noise)
    if mode == "I;16":
        image = Image.fromarray(noise.astype(np.uint16) * 257)
    elif mode != "L":
        image = image.convert(mode)
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


@pytest.mark.parametrize(("mode", "fmt"), [
    ("L", "PNG"), ("1", "PNG"), ("LA", "PNG"), ("P", "PNG"), ("RGB", "PNG"), ("RGBA", "PNG"),
    ("I;16", "PNG"), ("CMYK", "JPEG"), ("RGB", "JPEG"), ("RGB", "GIF"), ("RGB", "BMP")])
def test_every_mode_is_reduced_to_the_same_gray(mode, fmt):
    from engine.preprocess import decode_image

    data = _in_mode(mode, fmt)
    ds, problems = load_zip(zip_bytes({"a/x": data, "b/y.png": _png(20)}), size=28)
    assert problems == []
    got = ds.images[int(np.flatnonzero(ds.labels == 0)[0]), 0]
    full = decode_image(data)  # the whole picture, decoded at full size
    assert abs(float(got.mean()) - float(full.mean())) < 0.01
