"""The rewind list offers the epochs whose snapshot is kept, and says so once some are
thinned (docs/protocol.md, ``rewind_epochs``)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.playground import open_page, wait_epoch

LINK = "n=120&bs=40&autotrain=0"


def test_the_rewind_list_shows_the_kept_epochs(page, console_errors, screenshot_dir):
    open_page(page, query=LINK)
    note = page.locator(".rewind-note")
    page.evaluate("window.nnplay.store.set('request', "
                  "{type: 'train', unit: 'epochs', count: 9, at: performance.now()})")
    wait_epoch(page, 9)
    select = page.get_by_label("epoch to rewind to")
    options = select.locator("option")
    expect(options).to_have_count(10)  # 0..9: nothing thinned yet
    expect(note).to_be_hidden()
    page.evaluate("window.nnplay.store.set('request', "
                  "{type: 'train', unit: 'epochs', count: 4, at: performance.now()})")
    wait_epoch(page, 13)
    values = options.evaluate_all("(els) => els.map((e) => Number(e.value))")
    assert values == [0, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
    assert values == page.evaluate("window.nnplay.store.get('session').rewind_epochs")
    expect(note).to_be_visible()
    expect(note).to_contain_text("every 10th")
    expect(select).to_have_value("12")
    for width, height in ((390, 844), (1280, 800), (1920, 1080)):
        page.set_viewport_size({"width": width, "height": height})
        page.locator(".train-rewind").scroll_into_view_if_needed()
        page.screenshot(path=str(screenshot_dir / f"rewind-thinned-{width}.png"))
    select.select_option("5")
    page.get_by_role("button", name="Rewind").click()
    # rewinding from 13 to 5 deletes epochs 6-13, so the page asks first
    confirm = page.locator(".rewind-confirm")
    expect(confirm).to_contain_text("13")
    confirm.locator("button.danger").click()
    page.wait_for_function("window.nnplay.store.get('epoch') === 5", timeout=30_000)
    expect(options).to_have_count(3)  # 0, 4, 5: epochs 1-3 stay thinned
    expect(note).to_be_visible()
    assert console_errors == []
