"""A leaky ReLU's unit whose input is at most 0 for every image is not dead: it passes slope ×
input forward and slope × the gradient back. The network view, its tooltips and the layer detail
said of it what they say of a dead ReLU ("outputs 0, passes no gradient back, … stop learning"),
a wrong lesson; it is now "on the leak" with its own explanation (lib/dead-text.js)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.playground import READY_TIMEOUT, open_page

LEAKY = "arch=conv8k3p1-lrelu0.1-maxpool2-flatten-dense10-softmax&autotrain=0"
NEVER_FIRES = """(layer) => new Promise((resolve, reject) => window.nnplay.store.set(
    'request', {type: 'setParams', layer, b: [0, 0, -1000, 0, 0, 0, 0, 0],
    resolve, reject, at: performance.now()}))"""
TEXTS = "async () => { const m = await import('/static/js/lib/dead-text.js');" \
        " return [m.LEAKY_TEXT, m.DEAD_TEXT]; }"


def test_a_leaky_relu_map_below_0_is_on_the_leak_not_dead(page: Page, console_errors):
    open_page(page, query=LEAKY)
    assert page.evaluate("window.nnplay.store.get('spec').layers[1].type") == "leaky_relu"
    leaky_text, dead_text = page.evaluate(TEXTS)
    # conv1's filter 2 gets a bias no image overcomes: the leaky map 2 is below 0 everywhere
    page.evaluate(NEVER_FIRES, "conv1")
    column = page.locator('.net-col[data-layer="lrelu1"]')
    tile = column.locator('canvas.tile[data-channel="2"]')
    expect(tile).to_have_class("tile dead", timeout=15_000)
    expect(tile).to_have_attribute("title", f"channel 2 {leaky_text}")
    expect(column.locator(".col-dead")).to_have_text("1 of 8 maps on the leak")
    assert "no gradient" not in leaky_text and "slope" in leaky_text
    tile.click()
    note = page.locator("[data-view=activation-detail] [data-role=dead]")
    expect(note).to_have_text(f"Channel 2 is {leaky_text}")
    # the training-step film counts them by the same word (12% or more: map 2 of 8 and others)
    page.get_by_role("tab", name="Training step film").click()
    page.get_by_role("button", name="Record one training step on the current input").click()
    film_note = page.locator(".nn-film-layer[data-layer=lrelu1] .nn-dead")
    expect(film_note).to_have_text(re.compile(r"^(1[2-9]|[2-9]\d|100)% of units on the leak$"),
                                   timeout=READY_TIMEOUT)
    # a ReLU's stays dead, with the ReLU's words
    open_page(page, query=LEAKY.replace("lrelu0.1", "relu"))
    page.evaluate(NEVER_FIRES, "conv1")
    relu = page.locator('.net-col[data-layer="relu1"]')
    expect(relu.locator(".col-dead")).to_have_text("1 of 8 maps dead", timeout=15_000)
    expect(relu.locator('canvas.tile[data-channel="2"]')).to_have_attribute(
        "title", f"channel 2 {dead_text}")
