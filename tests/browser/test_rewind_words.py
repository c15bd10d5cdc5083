"""The rewind question reads right for one epoch and for several ("This deletes epoch 2: their
weights…" said "their" of one epoch)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.playground import open_page, wait_epoch

FAST = "autotrain=0&in=1x28x28&arch=flatten-dense10-softmax"  # a quick epoch


def test_the_rewind_question_for_one_and_for_several_epochs(page: Page, console_errors):
    open_page(page, FAST)
    for epoch in (1, 2, 3):
        page.get_by_role("button", name="+1 epoch").click()
        wait_epoch(page, epoch)
    question = page.locator(".rewind-confirm p")
    rewind_to = page.get_by_label("epoch to rewind to")
    rewind_to.select_option("2")
    page.get_by_role("button", name="Rewind", exact=True).click()
    expect(question).to_have_text("Rewind to epoch 2? This deletes epoch 3: its weights, history"
                                  " and charts cannot be brought back.")
    page.get_by_role("button", name="Cancel").click()
    rewind_to.select_option("1")
    page.get_by_role("button", name="Rewind", exact=True).click()
    expect(question).to_have_text("Rewind to epoch 1? This deletes epochs 2–3: their weights,"
                                  " history and charts cannot be brought back.")
    assert console_errors == []
