"""Photos of digits (issue 12 item 6): background and uneven lighting removed, contrast
stretched, the ink found (dark on light or light on dark), the largest strokes kept, then the
MNIST framing; the trained default network reads them."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from engine.datasets import mnist
from engine.ink import find_ink, label_pieces
from engine.preprocess import decode_image, preprocess_drawing
from tests.engine.helpers import TINY_CNN, train_on_shipped_mnist
from tests.engine.photos import photo_of_digit
from tests.engine.test_preprocess import draw

# the playground's default network (static/js/lib/presets.js, "tiny")
HELD_OUT = range(9000, 9200)  # never trained on


@pytest.fixture(scope="module")
def trained():
    """The default network after three epochs on 8,000 shipped digits (a few seconds)."""
    return train_on_shipped_mnist(TINY_CNN, count=8000, epochs=3)


def test_the_trained_default_network_reads_photos_of_digits(trained) -> None:
    ds = mnist.load_shipped()
    rng = np.random.default_rng(12)
    photos = [photo_of_digit(ds.images[i, 0], rng)[0] for i in HELD_OUT]
    seen = np.stack([preprocess_drawing(decode_image(p, f"{i}.jpg", color=True))[0]
                     for i, p in zip(HELD_OUT, photos, strict=True)])  # fmt: skip
    truth = ds.labels[HELD_OUT.start : HELD_OUT.stop]
    read = trained.forward(seen).argmax(axis=1)
    clean = trained.forward(ds.images[HELD_OUT.start : HELD_OUT.stop]).argmax(axis=1)
    assert (read == truth).mean() >= 0.9, ((read == truth).mean(), (clean == truth).mean())
    # contrast: the same photos merely shrunk to 28x28 and inverted are not read
    shrunk = np.stack([1 - np.asarray(Image.open(io.BytesIO(p)).convert("L").resize(
        (28, 28), Image.Resampling.LANCZOS), np.float32)[None] / 255 for p in photos])
    assert (trained.forward(shrunk).argmax(axis=1) == truth).mean() < 0.5


@pytest.mark.parametrize("chalk", [False, True])
def test_the_ink_is_found_dark_on_light_and_light_on_dark(chalk: bool) -> None:
    ds = mnist.load_shipped()
    for k in range(5):
        rng = np.random.default_rng(100 + k)
        photo, _ = photo_of_digit(ds.images[9300 + k, 0], rng, chalk=chalk)
        found = find_ink(decode_image(photo))
        assert found.cleaned and found.inverted == (not chalk)
        out, info = preprocess_drawing(decode_image(photo))
        assert not info.blank and info.inverted == (not chalk)
        assert out[0, 0].max() == 0 and out.max() == pytest.approx(1.0)  # bright on black


def test_a_blank_page_under_uneven_light_is_blank() -> None:
    for seed in range(6):
        rng = np.random.default_rng(seed)
        photo, _ = photo_of_digit(np.zeros((28, 28), np.float32), rng)
        out, info = preprocess_drawing(decode_image(photo))
        assert info.blank and out.max() == 0, seed


def _lit(canvas: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A clean 0..255 drawing photographed: light falling off to 55%, grain and noise."""
    h, w = canvas.shape
    light = np.linspace(1.0, 0.55, w, dtype=np.float32)[None, :]
    gray = (0.15 + 0.75 * canvas / 255) * light + rng.normal(0, 0.02, (h, w))
    return np.clip(gray, 0, 1).astype(np.float32)


def test_uneven_lighting_is_removed_and_specks_dropped() -> None:
    rng = np.random.default_rng(3)
    canvas = draw("4", 60, 60, 150)
    clean, _ = preprocess_drawing(canvas)
    photo = _lit(canvas, rng)
    with_speck = photo.copy()
    with_speck[250:262, 10:22] *= 0.3  # a dark smudge in the far corner
    for image in (photo, with_speck):
        assert find_ink(image).cleaned
        out, info = preprocess_drawing(image)
        assert info.inverted and info.bbox is not None
        top, left, bottom, right = info.bbox
        assert top >= 40 and left >= 40  # the smudge is not part of the ink's box
        assert np.corrcoef(out.ravel(), clean.ravel())[0, 1] > 0.9


def test_clean_drawings_keep_the_simple_rule() -> None:
    for image in (draw("7", 40, 30, 140), mnist.load_shipped().images[0, 0]):
        found = find_ink(np.asarray(image, np.float32) / (255 if image.dtype == np.uint8 else 1))
        assert not found.cleaned


def test_pieces_are_eight_connected() -> None:
    mask = np.array([[1, 0, 0, 1],
                     [0, 1, 0, 1],
                     [0, 0, 0, 0],
                     [1, 1, 0, 0]], bool)  # fmt: skip
    labels, areas = label_pieces(mask)
    assert sorted(areas) == [2, 2, 2]
    assert labels[0, 0] == labels[1, 1] and labels[0, 3] == labels[1, 3] != labels[0, 0]
    assert (labels > 0).sum() == mask.sum()


def test_black_strokes_on_transparency_decode_as_ink_on_white() -> None:
    rgba = np.zeros((120, 120, 4), np.uint8)
    alpha = 255 - draw("7", 0, 0, 100)[:120, :120]
    rgba[..., 3] = alpha
    buf = io.BytesIO()
    Image.fromarray(rgba).save(buf, "PNG")
    gray = decode_image(buf.getvalue())
    np.testing.assert_allclose(gray, 1 - alpha / 255, atol=1e-6)
    out, info = preprocess_drawing(gray)
    assert info.inverted and out.max() == pytest.approx(1.0)
