"""A learning rate that kills the network without a NaN: the page says it is stuck, and how."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.playground import open_page, wait_epoch


def test_an_epoch_at_chance_level_shows_a_banner_with_what_to_try(
    page, console_errors, screenshot_dir
):
    open_page(page, query="lr=10&n=600&autotrain=0")
    page.get_by_role("button", name="+1 epoch").click()
    wait_epoch(page, 1)
    banner = page.get_by_role("alert").filter(has_text="Training is stuck")
    expect(banner).to_be_visible()
    message = page.evaluate("window.nnplay.store.get('stuck')")
    assert "chance level" in message and "lr=10" in message
    expect(banner).to_contain_text(message)
    # No divergence event: the loss stayed finite, so only this banner says something is wrong.
    assert page.evaluate("window.nnplay.store.get('diverged')") is None
    page.screenshot(path=str(screenshot_dir / "playground-stuck.png"))

    banner.get_by_role("button", name="Divide the learning rate by 10").click()
    page.wait_for_function("window.nnplay.store.get('settings').lr === 1")
    expect(banner).to_be_hidden()
    assert console_errors == []
