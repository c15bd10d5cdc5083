"""A learning rate far too large: training diverges, the page says so and what to try."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.playground import open_page

# A linear model under squared error with momentum 0.99 and lr 1: the loss grows without bound
# (cross-entropy with a ReLU network only dies at lr 10, it does not blow up).
LINK = "in=1x28x28&arch=flatten-dense10&loss=mse&opt=momentum&mom=0.99&lr=1&autotrain=0"


def test_divergence_banner_and_lowering_the_learning_rate(page, console_errors, screenshot_dir):
    open_page(page, query=LINK)
    page.locator(".train-settings summary").click()
    lr = page.get_by_role("spinbutton", name="Learning rate")
    expect(lr).to_have_value("1")
    lr.fill("10")
    page.get_by_role("button", name="Apply settings").click()
    page.wait_for_function("window.nnplay.store.get('settings').lr === 10")
    assert "lr=10&" in page.url
    page.get_by_role("button", name="+1 epoch").click()
    banner = page.get_by_role("alert").filter(has_text="Training diverged")
    expect(banner).to_be_visible(timeout=60_000)
    page.wait_for_function("!window.nnplay.store.get('training')", timeout=30_000)
    event = page.evaluate("window.nnplay.store.get('diverged')")
    assert event["message"]
    expect(banner).to_contain_text(event["message"])
    expect(banner).to_contain_text("learning rate")
    page.screenshot(path=str(screenshot_dir / "playground-diverged.png"))

    banner.get_by_role("button", name="Divide the learning rate by 10").click()
    page.wait_for_function("window.nnplay.store.get('settings').lr === 1")
    expect(banner).to_be_hidden()

    # The weights kept (from before the step whose loss was infinite) may already be too large
    # for a forward pass: the server refuses it with a 422 and the page says so. Rewinding to
    # the start brings the network back.
    page.get_by_label("epoch to rewind to").select_option("0")
    page.get_by_role("button", name="Rewind").click()
    page.wait_for_function(
        "window.nnplay.store.get('session').step === 0 && !window.nnplay.store.get('training')",
        timeout=30_000,
    )
    page.get_by_role("button", name="Clear").click()
    page.locator(".samples-strip .sample").first.click()
    page.wait_for_function(
        "() => window.nnplay.store.get('lastForward').input === window.nnplay.store.get('input')"
    )
    expect(page.locator("#banner .status")).to_have_text("")
    # Chromium logs each refused forward (422) as a console error; nothing else may appear.
    assert [e for e in console_errors if "status of 422" not in e] == []
