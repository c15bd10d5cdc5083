"""Keyboard only: the training buttons are two skip links away, not ~45 Tab stops (every map
tile and every softmax row lie between the pad and them)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.playground import open_page


def test_skip_to_training_then_train_one_sample(page: Page, console_errors, screenshot_dir):
    open_page(page)
    page.keyboard.press("Tab")
    expect(page.locator(".skip").first).to_be_focused()
    page.keyboard.press("Tab")
    link = page.get_by_role("link", name="Skip to training")
    expect(link).to_be_focused()
    box = link.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0  # shown while focused
    page.screenshot(path=str(screenshot_dir / "skip-to-training-1280.png"))
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator("[data-act=sample]")).to_be_focused()
    step = page.evaluate("window.nnplay.store.get('session').step")
    page.keyboard.press("Enter")
    page.wait_for_function(
        f"() => window.nnplay.store.get('session').step > {step}"
        " && !window.nnplay.store.get('training')", timeout=15_000)
    assert console_errors == []
