"""The dense detail's own "unit" box and the panel's "channel / unit" box name the same unit:
choosing unit 3 in one moved only that view (the panel still said 0, and switching to the
gradients went back to unit 0)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.playground import open_page


def test_the_dense_unit_box_moves_the_panel_s_unit(page: Page, console_errors):
    open_page(page)
    page.get_by_label("Layer to look inside").select_option("dense1")
    view = page.locator("[data-view=dense-detail]")
    expect(view.locator(".nn-detail-title")).to_have_text("dense1 · unit 0 of 10")
    own = view.get_by_label("Unit", exact=True)
    own.fill("3")
    own.press("Enter")
    expect(page.locator("[data-view=dense-detail] .nn-detail-title")).to_have_text(
        "dense1 · unit 3 of 10")
    expect(page.get_by_label("Channel or unit")).to_have_value("3")
    assert page.evaluate("window.nnplay.store.get('detail').channel") == 3
    page.locator(".nn-kind").get_by_label("gradients").check()
    expect(page.locator("#detail-panel .nn-layer-slot")).to_contain_text("unit 3")
    assert page.evaluate("window.nnplay.store.get('detail')") == {
        "layer": "dense1", "channel": 3, "kind": "grad_output"}
    assert console_errors == []
