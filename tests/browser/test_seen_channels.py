"""What the network sees, for an input of more than 4 channels, names the channels it shows
from 0, as everything else on the page does (it said "channels 1-4")."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.playground import READY_TIMEOUT

LINK = "/?autotrain=0&ds=own&in=6x4x4&arch=flatten-dense2-softmax"


def test_more_than_four_channels_are_named_from_0(page: Page, console_errors):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(LINK)
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=READY_TIMEOUT)
    page.locator("#values summary").click()  # the paste box: closed until asked for
    page.get_by_label("input values, channel by channel, row by row").fill(
        " ".join(str(i % 7) for i in range(6 * 4 * 4)))
    page.get_by_role("button", name="Feed these numbers").click()
    expect(page.locator(".seen-range")).to_contain_text("6×4×4, channels 0–3 side by side")
    assert console_errors == []
