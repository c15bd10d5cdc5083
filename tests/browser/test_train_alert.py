"""On a phone, "Training diverged" is said where the training buttons are: the banner at the
top of the page is two screens above them, and nothing near the buttons changed."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.playground import open_page

# as tests/browser/test_playground_diverge.py: a linear model under squared error with
# momentum 0.99 and lr 10 blows up within its first epoch
LINK = "in=1x28x28&arch=flatten-dense10&loss=mse&opt=momentum&mom=0.99&lr=10&autotrain=0"


def test_divergence_is_said_beside_the_buttons_when_the_banner_is_out_of_sight(
        page: Page, console_errors, screenshot_dir):
    open_page(page, query=LINK)
    page.set_viewport_size({"width": 390, "height": 844})
    here = page.locator("#training .train-alert")
    page.get_by_role("button", name="+1 epoch").click()  # scrolled to: the banner is far above
    expect(here).to_be_visible(timeout=60_000)
    expect(here).to_be_in_viewport()
    page.wait_for_function("!window.nnplay.store.get('training')", timeout=30_000)
    event = page.evaluate("window.nnplay.store.get('diverged')")
    expect(here).to_contain_text("Training diverged.")
    expect(here).to_contain_text(event["message"])
    page.screenshot(path=str(screenshot_dir / "train-alert-390.png"))

    # scrolled back up, the banner says it: no second copy on screen
    page.evaluate("window.scrollTo(0, 0)")
    expect(page.locator("#banner .diverged").first).to_be_visible()
    expect(here).to_be_hidden()
    page.get_by_role("button", name="+1 epoch").scroll_into_view_if_needed()
    expect(here).to_be_visible()

    here.get_by_role("button", name="Divide the learning rate by 10").click()
    page.wait_for_function("window.nnplay.store.get('settings').lr === 1")
    expect(here).to_be_hidden()  # the new settings' state has no divergence
    errors = [e for e in console_errors if "422" not in e]  # forwards refused at blown-up weights
    assert errors == []
