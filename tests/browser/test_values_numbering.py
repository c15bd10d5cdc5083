"""The typed input's boxes number channels from 0, as the network's maps and the softmax's
classes are: "By hand: softmax of 3 logits" called its logits value 1-3 beside classes 0-2."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.playground import READY_TIMEOUT

LINK = "/?autotrain=0&ds=own&in=3x1x1&arch=flatten-softmax"


def test_three_logits_are_values_0_to_2_like_their_classes(page: Page, console_errors):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(LINK)
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=READY_TIMEOUT)
    legends = page.locator(".values-channel legend")
    expect(legends).to_have_text(["value 0", "value 1", "value 2"])
    for i, v in enumerate(("0.5", "3", "-1")):
        page.get_by_label(f"input value {i}", exact=True).fill(v)
    page.wait_for_function("() => window.nnplay.store.get('lastForward')?.prediction === 1")
    # the biggest logit, typed in box 1, is class 1 of the softmax
    expect(page.locator(".net-col-softmax li.winner .p-label")).to_have_text("1")
    assert console_errors == []
