"""A confusion cell's samples are described in words ("validation samples"), as the cell's
first line says them (the list's line said "val samples")."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.playground import open_page, wait_epoch

FAST = "autotrain=0&in=1x28x28&arch=flatten-dense10-softmax"


def test_the_cell_s_samples_are_validation_samples(page: Page, console_errors):
    open_page(page, FAST)
    page.get_by_role("button", name="+1 epoch").click()
    wait_epoch(page, 1)
    matrix = page.evaluate("window.nnplay.store.get('confusion').matrix")
    t, p = next((t, p) for t, row in enumerate(matrix) for p, v in enumerate(row)
                if t != p and v > 0)
    page.locator(f".confusion button[data-t='{t}'][data-p='{p}']").click()
    info = page.locator(".confusion-cell")
    expect(info).to_contain_text("shown. Click one to use it as input.")
    expect(info).to_contain_text(f"validation sample{'' if matrix[t][p] == 1 else 's'} of class")
    expect(info).not_to_contain_text(" val sample")
    assert console_errors == []
