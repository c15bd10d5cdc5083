"""Preprocessing drawings and uploads the MNIST way, and decoding uploaded bytes."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from engine.datasets import mnist
from engine.preprocess import (
    DecodeLimits,
    ImageDecodeError,
    center_of_mass,
    decode_image,
    preprocess_drawing,
)
from tests.engine.helpers import TINY_CNN, train_on_shipped_mnist
from tests.engine.test_datasets_archive import huge_png

CANVAS = 280
# A "4" and a "7" as pen strokes in unit coordinates (x, y).
STROKES = {
    "4": [[(0.65, 0.0), (0.0, 0.65), (1.0, 0.65)], [(0.65, 0.0), (0.65, 1.0)]],
    "7": [[(0.0, 0.0), (1.0, 0.0), (0.35, 1.0)]],
}


def draw(digit: str, left: int, top: int, side: int, pen: int = 18) -> np.ndarray:
    """A (280, 280) uint8 canvas: black strokes on white, the digit in the given box."""
    im = Image.new("L", (CANVAS, CANVAS), 255)
    pen_draw = ImageDraw.Draw(im)
    for stroke in STROKES[digit]:
        pts = [(left + x * side, top + y * side) for x, y in stroke]
        pen_draw.line(pts, fill=0, width=pen, joint="curve")
    return np.asarray(im)


def paste_large(digit: np.ndarray, left: int, top: int, side: int = 200) -> np.ndarray:
    """(280, 280) float32 canvas with a 28x28 digit scaled to side x side at (left, top)."""
    big = Image.fromarray(digit.astype(np.float32)).resize((side, side), Image.Resampling.BICUBIC)
    canvas = np.zeros((CANVAS, CANVAS), np.float32)
    canvas[top : top + side, left : left + side] = np.clip(np.asarray(big), 0, 1)
    return canvas


def corr(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])


def naive(canvas: np.ndarray) -> np.ndarray:
    """What a plain resize of the whole canvas would feed the network (for contrast)."""
    img = Image.fromarray(255 - canvas).resize((28, 28), Image.Resampling.LANCZOS)
    return np.asarray(img, np.float32)


@pytest.mark.parametrize("digit", ["4", "7"])
def test_corner_and_centre_drawings_give_the_same_input(digit: str) -> None:
    corner, centre = draw(digit, 10, 10, 150), draw(digit, 65, 65, 150)
    a, info_a = preprocess_drawing(corner)
    b, info_b = preprocess_drawing(centre)
    assert a.shape == (1, 28, 28) and a.dtype == np.float32
    assert info_a.inverted and info_b.inverted
    assert corr(a, b) > 0.95
    assert corr(naive(corner), naive(centre)) < 0.5  # without preprocessing they differ


def test_mnist_digit_large_in_a_corner_matches_centred() -> None:
    ds = mnist.load_shipped()
    for i in range(20):
        digit = ds.images[i, 0]
        a, _ = preprocess_drawing(paste_large(digit, 0, 0))
        b, _ = preprocess_drawing(paste_large(digit, 40, 40))
        assert corr(a, b) > 0.95, i


def test_inverted_input_gives_the_same_result() -> None:
    canvas = draw("4", 30, 50, 120)
    a, info_a = preprocess_drawing(canvas)
    b, info_b = preprocess_drawing(255 - canvas)
    assert info_a.inverted and not info_b.inverted
    np.testing.assert_allclose(a, b, atol=1e-5)


def test_rgba_rgb_uint8_and_float_inputs_agree() -> None:
    canvas = draw("7", 40, 30, 140)
    ref, _ = preprocess_drawing(canvas)
    np.testing.assert_allclose(preprocess_drawing(canvas / 255.0)[0], ref, atol=1e-5)
    ink = 255 - canvas  # how much ink each pixel holds
    transparent = np.zeros((CANVAS, CANVAS, 4), np.uint8)  # black ink on a transparent canvas
    transparent[..., 3] = ink
    np.testing.assert_allclose(preprocess_drawing(transparent)[0], ref, atol=1e-5)
    white_ink = transparent.copy()  # white ink on a transparent canvas
    white_ink[..., :3] = 255
    np.testing.assert_allclose(preprocess_drawing(white_ink)[0], ref, atol=1e-5)
    blue = np.stack([canvas, canvas, np.full_like(canvas, 255)], axis=-1)  # blue pen on white
    assert corr(preprocess_drawing(blue)[0], ref) > 0.99


def test_shipped_mnist_has_its_centre_of_mass_at_fourteen() -> None:
    ds = mnist.load_shipped()
    com = np.array([center_of_mass(ds.images[i, 0]) for i in range(2000)])
    assert np.abs(com - 14.0).max() <= 0.5 + 1e-6


def test_centre_of_mass_within_half_a_pixel_of_the_centre() -> None:
    ds = mnist.load_shipped()
    inputs = [paste_large(ds.images[i, 0], 70, 0, 150) for i in range(30)]
    inputs += [draw(d, 5, 120, 150) for d in STROKES]
    for image in inputs:
        out, info = preprocess_drawing(image)
        cy, cx = center_of_mass(out[0])
        assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5
        h, w = out[0].shape
        ys, xs = np.mgrid[0:h, 0:w]
        assert cy == pytest.approx((out[0] * ys).sum() / out[0].sum(), abs=1e-5)
        assert info.center_of_mass == pytest.approx((cy, cx))


@pytest.mark.parametrize(("size", "box"), [(28, 20), (56, 40), (14, 10)])
def test_longer_side_is_scaled_to_twenty_of_twenty_eight(size: int, box: int) -> None:
    canvas = np.zeros((CANVAS, CANVAS), np.float32)
    canvas[20:170, 100:160] = 1.0  # 150 tall, 60 wide
    out, info = preprocess_drawing(canvas, size=size)
    assert out.shape == (1, size, size) and out.max() == pytest.approx(1.0)
    rows = np.flatnonzero((out[0] > 0.5).any(axis=1))
    cols = np.flatnonzero((out[0] > 0.5).any(axis=0))
    assert rows[-1] - rows[0] + 1 == box
    assert abs((cols[-1] - cols[0] + 1) - box * 60 / 150) <= 1
    assert info.bbox == (20, 100, 170, 160) and info.scale == pytest.approx(box / 150)


def test_shipped_mnist_already_follows_the_convention() -> None:
    ds = mnist.load_shipped()
    scores = [corr(preprocess_drawing(ds.images[i, 0])[0], ds.images[i]) for i in range(300)]
    assert np.median(scores) > 0.999 and min(scores) > 0.98


def test_gray_paper_background_is_removed() -> None:
    canvas = draw("4", 40, 40, 150).astype(np.float32) / 255 * 0.6 + 0.2  # ink 0.2, paper 0.8
    out, info = preprocess_drawing(canvas)
    assert info.inverted and info.background == pytest.approx(0.2, abs=1e-6)
    assert out[0, 0].max() == 0 and out.max() == pytest.approx(1.0)
    assert corr(out, preprocess_drawing(draw("4", 40, 40, 150))[0]) > 0.99


@pytest.mark.parametrize("value", [0, 255])
def test_blank_image_gives_a_blank_frame(value: int) -> None:
    out, info = preprocess_drawing(np.full((280, 280), value, np.uint8))
    assert info.blank and info.bbox is None
    assert out.shape == (1, 28, 28) and not np.isnan(out).any() and out.max() == 0


def test_single_dot_is_centred() -> None:
    canvas = np.zeros((50, 50), np.float32)
    canvas[3, 47] = 1.0
    out, info = preprocess_drawing(canvas)
    assert not info.blank and np.isfinite(out).all()
    assert center_of_mass(out[0]) == pytest.approx((14, 14), abs=0.5)


@pytest.mark.parametrize(
    ("image", "message"),
    [(np.zeros((5, 5, 2)), r"\(H, W, 3\)"), (np.full((5, 5), 2.0), r"\[0, 1\]"),
     (np.full((5, 5), np.nan), "NaN"), (np.zeros((0, 5)), "empty"),
     (np.array([["a"]]), "numeric")],
)
def test_bad_arrays_are_refused(image: np.ndarray, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        preprocess_drawing(image)


# -- decode_image --------------------------------------------------------------------------


def _encode(arr: np.ndarray, fmt: str = "PNG") -> bytes:
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format=fmt)
    return buf.getvalue()


def test_decode_gray_png_exactly() -> None:
    arr = np.arange(256, dtype=np.uint8).reshape(16, 16)
    np.testing.assert_array_equal(decode_image(_encode(arr)), arr.astype(np.float32) / 255)


def test_decode_rgba_16bit_and_jpeg() -> None:
    rgba = np.zeros((10, 10, 4), np.uint8)
    rgba[2:8, 4:6, 3] = 255  # black opaque bar on transparency -> dark on white
    gray = decode_image(_encode(rgba))
    assert gray[0, 0] == 1.0 and gray[5, 5] == 0.0
    deep = (np.arange(100, dtype=np.uint16).reshape(10, 10) * 600).astype(np.uint16)
    buf = io.BytesIO()
    Image.fromarray(deep).save(buf, format="PNG")
    np.testing.assert_allclose(decode_image(buf.getvalue()), deep / 65535, atol=1e-6)
    smooth = np.tile(np.linspace(0, 255, 32).astype(np.uint8), (32, 1))
    np.testing.assert_allclose(decode_image(_encode(smooth, "JPEG")), smooth / 255, atol=0.05)


def test_decode_refuses_bad_bytes_by_name() -> None:
    png = _encode(np.zeros((64, 64), np.uint8) + 7)
    with pytest.raises(ImageDecodeError, match="drawing.png: corrupt or truncated"):
        decode_image(png[: len(png) // 2], "drawing.png")
    with pytest.raises(ImageDecodeError, match="notes.png: not a PNG, JPEG, BMP or GIF"):
        decode_image(b"hello, world\n", "notes.png")
    with pytest.raises(ImageDecodeError, match="upload: .* more than the limit of 100 "):
        decode_image(png, "upload", DecodeLimits(max_bytes=100))
    with pytest.raises(ImageDecodeError, match="big.png: image is 64x64 = 4096 pixels.*max_pix"):
        decode_image(png, "big.png", DecodeLimits(max_pixels=4000))
    with pytest.raises(ImageDecodeError, match="huge.png: .*400000000 pixels"):
        decode_image(huge_png(), "huge.png")


# -- the promise that matters: the network sees the same thing -----------------------------


def _tiny_trained_cnn():
    return train_on_shipped_mnist(TINY_CNN, count=4000, epochs=2)


def test_digit_in_a_corner_is_classified_like_the_centred_digit() -> None:
    model = _tiny_trained_cnn()
    ds = mnist.load_shipped()
    held_out = range(9000, 9100)  # not used in training
    corner = np.stack([preprocess_drawing(paste_large(ds.images[i, 0], 0, 0))[0]
                       for i in held_out])  # fmt: skip
    centre = np.stack([preprocess_drawing(paste_large(ds.images[i, 0], 40, 40))[0]
                       for i in held_out])  # fmt: skip
    p_corner = model.forward(corner).argmax(axis=1)
    p_centre = model.forward(centre).argmax(axis=1)
    truth = ds.labels[9000:9100]
    assert (p_centre == truth).mean() >= 0.8  # the network does read preprocessed digits
    assert (p_corner == p_centre).mean() >= 0.95
    # contrast: fed the whole canvas shrunk to 28x28, the corner digits are not read alike
    raw_corner = np.stack([np.asarray(Image.fromarray(paste_large(ds.images[i, 0], 0, 0))
                                      .resize((28, 28), Image.Resampling.LANCZOS))
                           for i in held_out])[:, None].clip(0, 1)  # fmt: skip
    assert (model.forward(raw_corner).argmax(axis=1) == p_centre).mean() < 0.7
