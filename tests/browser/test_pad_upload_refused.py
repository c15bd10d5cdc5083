"""An upload the server refuses after the browser read it (here: a server started with a small
max_image_pixels) is said under the pad, where the picture is, not only in the status line at
the top of the page; the pad's note said "Showing digit.jpg" while the network kept the last
input."""

from __future__ import annotations

from PIL import Image
from playwright.sync_api import Page, expect

from tests.live_server import TEST_LIMITS, start_server


def test_a_refused_upload_is_said_under_the_pad(page: Page, console_errors, tmp_path):
    server = start_server(tmp_path / "data",
                          extra_args=(*TEST_LIMITS, "--limit", "max_image_pixels=50000"))
    try:
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{server.url}/?autotrain=0")
        expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=30_000)
        page.wait_for_function("() => window.nnplay.store.get('lastForward')")
        Image.new("RGB", (300, 400), (230, 230, 225)).save(tmp_path / "digit.jpg")
        page.locator(".pad-file").set_input_files(str(tmp_path / "digit.jpg"))
        note = page.locator(".pad-note[role=alert]")
        expect(note).to_be_visible(timeout=15_000)
        expect(note).to_have_text(
            "digit.jpg: image is 300x400 = 120000 pixels, more than the limit of 50000"
            " (max_image_pixels). The network still shows what it showed before.")
        expect(note).to_be_in_viewport()
        assert page.evaluate("window.nnplay.store.get('lastForward').input.kind") == "sample"
    finally:
        server.stop()
    assert [e for e in console_errors if "413" not in e] == []  # the refused POST's own line
