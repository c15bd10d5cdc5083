"""Uploads the way a person makes them (issue 12 item 6): a phone photo of a digit on paper,
and black strokes on a transparent PNG, reach the network as a framed digit."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image
from playwright.sync_api import Page

from engine.datasets import mnist
from engine.preprocess import center_of_mass
from tests.browser.playground import open_page, wait_frames
from tests.engine.photos import photo_of_digit

SIZES = [(1280, 800), (1920, 1080), (390, 844)]


def upload(page: Page, path: str) -> np.ndarray:
    """Upload a file with the pad's picker; what the network sees (28, 28)."""
    before = page.evaluate("window.nnplay.store.get('input')?.version ?? 0")
    page.locator(".pad-file").set_input_files(path)
    page.wait_for_function(
        """before => { const s = window.nnplay.store, f = s.get('lastForward');
          return f && f.input.kind === 'file' && f.input.version > before
            && f.input === s.get('input'); }""",
        arg=before, timeout=15_000)
    data = page.evaluate("Array.from(window.nnplay.store.get('lastForward').preprocessed.data)")
    return np.array(data, np.float32).reshape(28, 28)


def test_a_photo_and_a_transparent_png_become_framed_digits(page: Page, console_errors,
                                                             screenshot_dir, tmp_path):
    open_page(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    digit = mnist.load_shipped().images[9001, 0]
    photo, _ = photo_of_digit(digit, np.random.default_rng(5), chalk=False)
    (tmp_path / "photo.jpg").write_bytes(photo)
    seen = upload(page, str(tmp_path / "photo.jpg"))
    assert seen.max() == 1.0
    rows = np.flatnonzero((seen > 0.1).any(axis=1))
    cols = np.flatnonzero((seen > 0.1).any(axis=0))
    assert 18 <= max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1 <= 22  # MNIST's 20 of 28
    assert np.allclose(center_of_mass(seen), (14, 14), atol=0.75)
    assert np.corrcoef(seen.ravel(), digit.ravel())[0, 1] > 0.6  # the same digit
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        wait_frames(page)  # laid out at the new size before the picture
        page.screenshot(path=str(screenshot_dir / f"photo-upload-{width}.png"))
    page.set_viewport_size({"width": 1280, "height": 800})

    # black ink on a transparent background (alpha = ink): not all zeros any more
    rgba = np.zeros((140, 140, 4), np.uint8)
    big = Image.fromarray(digit).resize((100, 100), Image.Resampling.BICUBIC)
    rgba[20:120, 20:120, 3] = (np.clip(np.asarray(big), 0, 1) * 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(rgba).save(buf, "PNG")
    (tmp_path / "ink.png").write_bytes(buf.getvalue())
    seen = upload(page, str(tmp_path / "ink.png"))
    assert seen.max() == 1.0
    assert np.corrcoef(seen.ravel(), digit.ravel())[0, 1] > 0.9
    assert console_errors == []
