"""On a phone the training panel is screens below the pad: while the network trains, the
prediction under the pad says its answer is changing (nothing there said so, and on a first
visit the prediction changed by itself)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.playground import open_page


def test_the_prediction_says_while_the_network_trains(page: Page, console_errors,
                                                       screenshot_dir):
    open_page(page)
    page.set_viewport_size({"width": 390, "height": 844})
    note = page.locator(".seen .pred-training")
    expect(note).to_be_hidden()
    page.keyboard.press("Space")  # Play: trains until paused
    expect(note).to_be_visible()
    expect(note).to_be_in_viewport()
    expect(note).to_have_text("training: the answer changes as it learns")
    page.screenshot(path=str(screenshot_dir / "seen-training-390.png"))
    page.keyboard.press("Space")  # Pause
    page.wait_for_function("() => !window.nnplay.store.get('training')", timeout=60_000)
    expect(note).to_be_hidden()
    assert console_errors == []
