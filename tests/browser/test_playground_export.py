"""Export the model from the page, import it again: a new session that answers the same."""

from __future__ import annotations

import io
import zipfile

import numpy as np
from PIL import Image
from playwright.sync_api import expect

from tests.browser.playground import draw, open_page, wait_settled

PROBS = "window.nnplay.store.get('lastForward').probabilities"


def test_export_then_import_gives_the_same_answers(page, tmp_path, console_errors, screenshot_dir):
    first = open_page(page)
    page.get_by_role("button", name="+1 batch").click()
    page.wait_for_function(
        "window.nnplay.store.get('session').step === 1 && !window.nnplay.store.get('training')",
        timeout=30_000,
    )
    draw(page, [(0.3, 0.2), (0.7, 0.2), (0.4, 0.85)])
    wait_settled(page)
    before = page.evaluate(PROBS)

    with page.expect_download() as info:
        page.get_by_role("link", name="Export the model as an npz file").click()
    path = tmp_path / "model.npz"
    info.value.save_as(path)
    assert zipfile.is_zipfile(path)

    page.locator("input.import-file").set_input_files(str(path))
    page.wait_for_function(f"window.nnplay.store.get('sessionId') !== '{first}'", timeout=30_000)
    second = page.evaluate("window.nnplay.store.get('sessionId')")
    assert f"s={second}" in page.url
    expect(page.locator("#banner .status")).to_contain_text("Imported model.npz")
    # The same drawing through the imported model: the same probabilities, bit for bit.
    page.wait_for_function(
        f"() => window.nnplay.store.get('lastForward') && {PROBS}.join() !== ''"
        " && window.nnplay.store.get('lastForward').input === window.nnplay.store.get('input')"
    )
    page.evaluate("window.nnplay.store.set('input', {...window.nnplay.store.get('input')})")
    wait_settled(page)
    assert page.evaluate(PROBS) == before
    page.screenshot(path=str(screenshot_dir / "playground-imported.png"))
    assert console_errors == []


def png(a: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(a).save(out, format="PNG")
    return out.getvalue()


def test_upload_a_zip_of_class_folders(page, tmp_path, console_errors, screenshot_dir):
    open_page(page)
    archive = tmp_path / "classes.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for i in range(3):
            a = np.zeros((28, 28), dtype=np.uint8)
            a[4:24, 12 + i : 15 + i] = 255
            z.writestr(f"bar/{i}.png", png(a))
            b = np.zeros((28, 28), dtype=np.uint8)
            b[12 + i : 15 + i, 4:24] = 255
            z.writestr(f"dash/{i}.png", png(b))
        z.writestr("dash/notes.txt", b"not an image")
    page.locator(".own summary").click()
    page.locator("input.own-zip").set_input_files(str(archive))
    expect(page.locator(".own-msg")).to_contain_text("Added 6 images", timeout=15_000)
    expect(page.locator(".own-msg")).to_contain_text("notes.txt")
    expect(page.locator(".own-classes")).to_have_text("bar: 3 · dash: 3")
    page.screenshot(path=str(screenshot_dir / "playground-zip.png"), full_page=True)
    assert console_errors == []
