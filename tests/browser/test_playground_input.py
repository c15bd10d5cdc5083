"""Input from a file: the picker and drag-and-drop both run the network on the picture."""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image
from playwright.sync_api import expect

from tests.browser.playground import open_page


def digit_png(dark_on_light: bool) -> bytes:
    """A thick vertical bar, like a 1, on a 120x90 picture."""
    a = np.zeros((120, 90), dtype=np.uint8)
    a[15:105, 40:52] = 255
    if dark_on_light:
        a = 255 - a
    out = io.BytesIO()
    Image.fromarray(a).save(out, format="PNG")
    return out.getvalue()


def seen(page) -> np.ndarray:
    data = page.evaluate("Array.from(window.nnplay.store.get('lastForward').preprocessed.data)")
    return np.array(data, dtype=np.float32).reshape(28, 28)


def test_upload_with_the_picker_and_by_dropping(page, console_errors, screenshot_dir):
    open_page(page)
    page.locator("input.pad-file").set_input_files(
        {"name": "one.png", "mimeType": "image/png", "buffer": digit_png(dark_on_light=True)}
    )
    page.wait_for_function(
        "() => { const s = window.nnplay.store; return s.get('input').kind === 'file'"
        " && s.get('lastForward').input === s.get('input'); }"
    )
    picked = seen(page)
    # What the network sees: bright ink on dark, a vertical stroke in the middle columns.
    assert picked.max() > 0.9 and picked[0].max() == 0
    columns = picked.sum(axis=0)
    assert columns[10:18].sum() > 0.9 * columns.sum()
    expect(page.locator(".pad-note")).to_contain_text("one.png")
    page.screenshot(path=str(screenshot_dir / "playground-upload.png"))

    # The same bar as light ink on dark, dropped on the pad: the same picture for the network.
    payload = base64.b64encode(digit_png(dark_on_light=False)).decode()
    page.evaluate(
        """(b64) => {
          const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
          const dt = new DataTransfer();
          dt.items.add(new File([bytes], 'dropped.png', {type: 'image/png'}));
          const target = document.querySelector('.pad-wrap');
          target.dispatchEvent(new DragEvent('dragover', {dataTransfer: dt, bubbles: true}));
          target.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true}));
        }""",
        payload,
    )
    page.wait_for_function(
        "() => { const s = window.nnplay.store; return s.get('input').file?.name === 'dropped.png'"
        " && s.get('lastForward').input === s.get('input'); }"
    )
    np.testing.assert_allclose(seen(page), picked, atol=1e-6)
    expect(page.locator(".pad-note")).to_contain_text("dropped.png")
    expect(page.locator(".pad-drop")).to_be_hidden()
    assert console_errors == []
