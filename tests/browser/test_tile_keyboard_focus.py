"""A map opened from the keyboard takes the focus to its detail: Tab then walks the detail, not
every remaining map tile and softmax row first (the focus stayed on the tile)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.playground import open_page

IN_PANEL = "() => document.getElementById('detail-panel').contains(document.activeElement)"


def test_enter_on_a_tile_or_a_softmax_row_moves_to_its_detail(page: Page, console_errors):
    open_page(page)
    tile = page.get_by_role("button", name="conv1 channel 3 (of 8, numbered from 0): open detail")
    tile.focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-view=conv-detail]")).to_be_visible()
    assert page.evaluate("window.nnplay.store.get('detail')") == {
        "layer": "conv1", "channel": 3, "kind": "output"}
    assert page.evaluate(IN_PANEL)
    page.keyboard.press("Tab")  # into the panel's own controls
    assert page.evaluate(IN_PANEL)

    row = page.locator(".net-col-softmax li").nth(2)
    row.focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-view=softmax-detail]")).to_be_visible()
    assert page.evaluate(IN_PANEL)

    # a mouse click leaves the focus where the person is working
    page.locator(".net-col").nth(1).locator("canvas").nth(1).click()
    assert not page.evaluate(IN_PANEL)
    assert console_errors == []
