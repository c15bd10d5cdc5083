"""A phone photo as a phone writes it: stored sideways with an EXIF orientation tag, 12 MP.
The network sees the digit the way the pad shows it (upright), the size is no reason to refuse
it, and a file that is no image is refused under the pad, in words, before anything is sent."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image
from playwright.sync_api import Page, expect

from engine.datasets import mnist
from tests.browser.playground import open_page
from tests.engine.photos import photo_of_digit

ORIENTATION = 0x0112


def upload(page: Page, path: Path) -> np.ndarray:
    """Upload with the pad's picker; what the network sees (28, 28) once the file's forward is
    on screen."""
    before = page.evaluate("window.nnplay.store.get('input')?.version ?? 0")
    page.locator(".pad-file").set_input_files(str(path))
    page.wait_for_function(
        """before => { const s = window.nnplay.store, f = s.get('lastForward');
          return f && f.input.kind === 'file' && f.input.version > before
            && f.input === s.get('input'); }""",
        arg=before, timeout=30_000)
    data = page.evaluate("Array.from(window.nnplay.store.get('lastForward').preprocessed.data)")
    return np.array(data, np.float32).reshape(28, 28)


def same_digit(seen: np.ndarray, digit: np.ndarray) -> float:
    return float(np.corrcoef(seen.ravel(), digit.ravel())[0, 1])


def test_a_turned_12_mp_phone_photo_reaches_the_network_upright(page: Page, console_errors,
                                                                 screenshot_dir, tmp_path):
    open_page(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    digit = mnist.load_shipped().images[9001, 0]  # a 6: turned a quarter it is no 6
    jpeg, _ = photo_of_digit(digit, np.random.default_rng(5), chalk=False)
    upright = Image.open(io.BytesIO(jpeg)).convert("RGB")
    (tmp_path / "upright.jpg").write_bytes(jpeg)
    assert same_digit(upload(page, tmp_path / "upright.jpg"), digit) > 0.6

    # The camera's way: pixels stored turned 90 degrees anticlockwise, tag 6 says "turn it
    # clockwise to show it". Every viewer (and the pad) shows it upright.
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    upright.rotate(90, expand=True).save(tmp_path / "turned.jpg", quality=92, exif=exif.tobytes())
    turned = upload(page, tmp_path / "turned.jpg")
    assert same_digit(turned, digit) > 0.6, "the network sees the photo turned on its side"
    expect(page.locator(".pad-note")).to_contain_text("turned upright")

    # 12 MP, as a phone takes it: three times the server's 4 MP limit
    scale = (12_000_000 / (upright.width * upright.height)) ** 0.5
    size = (round(upright.width * scale), round(upright.height * scale))
    upright.resize(size, Image.Resampling.BICUBIC).save(tmp_path / "big.jpg", quality=90)
    big = upload(page, tmp_path / "big.jpg")
    assert same_digit(big, digit) > 0.6
    expect(page.locator(".pad-note")).to_contain_text(f"shrunk from {size[0]}×{size[1]}")
    assert page.evaluate("window.nnplay.store.get('status')?.level") != "error"
    page.screenshot(path=str(screenshot_dir / "pad-upload-phone-1280.png"))

    # WebP (what a browser saves from the web, and some phones take): the server reads PNG and
    # JPEG only, the page converts it
    upright.save(tmp_path / "digit.webp", quality=90)
    assert same_digit(upload(page, tmp_path / "digit.webp"), digit) > 0.6
    expect(page.locator(".pad-note")).to_contain_text("converted to PNG")
    assert console_errors == []


def test_a_file_that_is_no_image_is_refused_under_the_pad(page: Page, console_errors,
                                                          screenshot_dir, tmp_path):
    open_page(page)
    page.set_viewport_size({"width": 390, "height": 844})
    shown = page.evaluate("window.nnplay.store.get('lastForward').input")
    (tmp_path / "notes.png").write_text("my homework, not a picture\n")
    page.locator(".pad-file").set_input_files(str(tmp_path / "notes.png"))
    note = page.locator(".pad-note[role=alert]")
    expect(note).to_be_visible()
    expect(note).to_contain_text("notes.png is not an image")
    expect(note).to_contain_text("still shows what it showed before")
    # nothing was sent: the input and what the network shows are as they were
    assert page.evaluate("window.nnplay.store.get('input').kind") == shown["kind"] == "sample"
    assert page.evaluate("window.nnplay.store.get('lastForward').input.index") == shown["index"]
    page.screenshot(path=str(screenshot_dir / "pad-upload-not-image-390.png"))

    # the same picker still works for a real image afterwards, and the note is a plain note
    digit = mnist.load_shipped().images[9001, 0]
    jpeg, _ = photo_of_digit(digit, np.random.default_rng(5), chalk=False)
    (tmp_path / "digit.jpg").write_bytes(jpeg)
    upload(page, tmp_path / "digit.jpg")
    expect(page.locator(".pad-note")).to_contain_text("Showing digit.jpg")
    expect(page.locator(".pad-note[role=alert]")).to_have_count(0)
    assert console_errors == []
