"""A map opened from the keyboard takes the focus to its detail: Tab then walks the detail, not
every remaining map tile and softmax row first (the focus stayed on the tile)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.playground import READY_TIMEOUT, open_page, wait_frames

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


def test_a_tile_opened_before_the_panel_loaded_still_moves_the_focus(page: Page, console_errors):
    """The panel is hidden until its module is there, and a hidden element takes no focus: a tile
    opened from the keyboard while the module loaded left the focus on the tile (the suite run
    with --js-delay). The module held until after the Enter, as on a loaded machine."""
    modules = []
    page.route("**/js/detail/panel.js", lambda route: modules.append(route))
    open_page(page)
    assert page.locator("#detail-panel").is_hidden() and len(modules) == 1
    tile = page.get_by_role("button", name="conv1 channel 3 (of 8, numbered from 0): open detail")
    tile.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("window.nnplay.store.get('detail')") == {
        "layer": "conv1", "channel": 3, "kind": "output"}
    modules[0].fallback()
    expect(page.locator("[data-view=conv-detail]")).to_be_visible(timeout=READY_TIMEOUT)
    page.wait_for_function(IN_PANEL)
    page.keyboard.press("Tab")  # into the panel's own controls
    assert page.evaluate(IN_PANEL)
    assert console_errors == []


def test_the_late_panel_leaves_the_focus_where_the_person_moved_it(page: Page, console_errors):
    modules = []
    page.route("**/js/detail/panel.js", lambda route: modules.append(route))
    open_page(page)
    assert len(modules) == 1
    page.get_by_role("button", name="conv1 channel 3 (of 8, numbered from 0): open detail").focus()
    page.keyboard.press("Enter")
    elsewhere = page.locator("[data-act=sample]")
    elsewhere.focus()  # the person went on to the training buttons meanwhile
    modules[0].fallback()
    expect(page.locator("[data-view=conv-detail]")).to_be_visible(timeout=READY_TIMEOUT)
    wait_frames(page)
    expect(elsewhere).to_be_focused()
    assert console_errors == []
