"""State that lasts: a refresh (or the same link in a new tab) brings back the same session."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from playwright.sync_api import expect

from tests.browser.playground import open_page


def test_refresh_finds_the_same_session(page, context, console_errors, screenshot_dir):
    session_id = open_page(page)
    page.get_by_role("button", name="+1 batch").click()
    page.get_by_role("button", name="+1 batch").click()
    page.wait_for_function(
        "window.nnplay.store.get('session').step === 2 && !window.nnplay.store.get('training')",
        timeout=30_000,
    )
    losses = page.evaluate("window.nnplay.store.get('batchLosses')")
    url = page.url
    query = parse_qs(urlparse(url).query)
    assert query["s"] == [session_id]
    # The architecture and the settings are readable in the link.
    assert query["arch"] == ["conv8k3p1-relu-maxpool2-flatten-dense10-softmax"]
    assert query["lr"] == ["0.05"] and query["bs"] == ["32"] and query["ds"] == ["mnist"]

    page.reload()
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=30_000)
    assert page.evaluate("window.nnplay.store.get('sessionId')") == session_id
    assert page.evaluate("window.nnplay.store.get('session').step") == 2
    assert page.evaluate("window.nnplay.store.get('batchLosses')") == losses
    expect(page.locator('.chart[data-chart="batch-loss"] figcaption')).to_contain_text("2 steps")

    # A shared link opened elsewhere shows the same session.
    other = context.new_page()
    other.goto(url)
    expect(other.locator("#app")).to_have_attribute("data-state", "ready", timeout=30_000)
    assert other.evaluate("window.nnplay.store.get('sessionId')") == session_id
    other.close()
    page.screenshot(path=str(screenshot_dir / "playground-after-refresh.png"))
    assert console_errors == []


def test_a_link_to_a_gone_session_rebuilds_it_from_the_link(page, console_errors, screenshot_dir):
    page.goto(
        "/?s=this-session-does-not-exist-0000&in=1x28x28&arch=flatten-dense32-relu-dense10-softmax&lr=0.1&autotrain=0"
    )
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=30_000)
    new_id = page.evaluate("window.nnplay.store.get('sessionId')")
    assert new_id != "this-session-does-not-exist-0000"
    assert page.evaluate("window.nnplay.store.get('settings').lr") == 0.1
    expect(page.locator('.net-col[data-layer="dense1"] .col-shape')).to_have_text(
        "32", timeout=15_000
    )
    expect(page.locator("#banner .status")).to_contain_text("expired")
    page.screenshot(path=str(screenshot_dir / "playground-rebuilt-from-link.png"))
    # The 404 for the gone session is the only console error (Chromium logs every 4xx).
    assert [e for e in console_errors if "status of 404" not in e] == []
