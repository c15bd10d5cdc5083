"""A camera's EXIF orientation is applied by the one decoder and by the zip reader: a phone
photo held upright is stored sideways with a tag that says how to turn it (tag 0x0112)."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
from PIL import Image, ImageOps

from engine.datasets.archive import load_zip
from engine.preprocess import decode_image
from tests.zips import zip_bytes

# As the EXIF standard words them, the transform that shows the stored pixels upright.
SHOWN = {
    1: lambda a: a,
    2: lambda a: a[:, ::-1],  # mirrored left-right
    3: lambda a: a[::-1, ::-1],  # turned half a turn
    4: lambda a: a[::-1, :],  # mirrored top-bottom
    5: lambda a: a.T,  # mirrored along the main diagonal
    6: lambda a: np.rot90(a, k=-1),  # turn a quarter clockwise
    7: lambda a: np.rot90(a, k=2).T,  # mirrored along the other diagonal
    8: lambda a: np.rot90(a, k=1),  # turn a quarter counter-clockwise
}


def _stored(height: int = 6, width: int = 9) -> np.ndarray:
    """An asymmetric gray picture (every pixel its own value), uint8 (H, W)."""
    return (np.arange(height * width).reshape(height, width) * 4 + 3).astype(np.uint8)


def _png(pixels: np.ndarray, orientation: int) -> bytes:
    im = Image.fromarray(pixels, mode="L")
    exif = Image.Exif()
    exif[0x0112] = orientation
    buf = io.BytesIO()
    im.save(buf, format="PNG", exif=exif.tobytes())
    return buf.getvalue()


@pytest.mark.parametrize("orientation", range(1, 9))
def test_decode_image_shows_the_picture_as_its_tag_says(orientation: int) -> None:
    stored = _stored()
    got = decode_image(_png(stored, orientation))
    want = SHOWN[orientation](stored).astype(np.float32) / 255
    assert got.shape == want.shape
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_the_colour_decode_turns_too_and_agrees_with_pillows_own(orientation: int) -> None:
    data = _png(_stored(), orientation)
    reference = np.asarray(ImageOps.exif_transpose(Image.open(io.BytesIO(data))))
    got = decode_image(data, color=True)
    np.testing.assert_array_equal(got, reference.astype(np.float32) / 255)


def _zip(files: dict[str, bytes]) -> bytes:
    return zip_bytes(files, zipfile.ZIP_STORED)


def _digit_like(height: int, width: int) -> np.ndarray:
    """Dark ink (an L-shaped stroke, not symmetric under any turn) on white paper."""
    a = np.full((height, width), 250, np.uint8)
    a[height // 6: height * 5 // 6, width // 3: width // 3 + max(2, width // 12)] = 10
    a[height * 5 // 6 - max(2, height // 12): height * 5 // 6, width // 3: width * 3 // 4] = 10
    return a


@pytest.mark.parametrize("size", [(60, 40), (400, 300)])  # as is, and box-reduced first
@pytest.mark.parametrize("orientation", [2, 3, 6, 8])
def test_a_zip_of_tagged_photos_reads_as_the_upright_pictures(size: tuple[int, int],
                                                               orientation: int) -> None:
    upright = _digit_like(*size)
    # what a camera stores: pixels such that the tag's transform gives the upright picture
    stored = next(s for s in (upright, upright.T, np.rot90(upright, 1), np.rot90(upright, -1),
                              upright[::-1], upright[:, ::-1], np.rot90(upright, 2),
                              np.rot90(upright, 2).T)
                  if SHOWN[orientation](s).shape == upright.shape
                  and np.array_equal(SHOWN[orientation](s), upright))
    tagged, _ = load_zip(_zip({"a/one.png": _png(np.ascontiguousarray(stored), orientation)}))
    plain, _ = load_zip(_zip({"a/one.png": _png(upright, 1)}))
    np.testing.assert_array_equal(tagged.images, plain.images)
    assert tagged.images.std() > 0  # a picture, not a blank
