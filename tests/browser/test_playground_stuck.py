"""A learning rate that kills the network without a NaN: the page says it is stuck, and how.
The banner and its copy beside the training buttons head each kind of the server's `stuck`
(docs/protocol.md, epoch_end) as the lab does: "Learning rate too large." for an epoch that did
worse than guessing, "Training is stuck." for one at chance level; both offer a learning rate
ten times smaller (lib/lr-tenth.js)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.playground import open_page, wait_epoch, wait_frames

STORE = "window.nnplay.store"
# Softmax regression at SGD lr 10 (as tests/server/test_stuck_kind.py): no unit to kill, so
# its loss stays far above the guess's without settling there: worse than guessing
WORSE_LINK = "in=1x28x28&arch=flatten-dense10-softmax&opt=sgd&lr=10&bs=16&n=600&autotrain=0"
SIZES = ((390, 844), (1280, 800), (1920, 1080))


def train_until_stuck(page: Page, epochs: int) -> dict:
    """Train epoch by epoch (at most ``epochs``) until the newest one is stuck; its entry."""
    for epoch in range(1, epochs + 1):
        page.get_by_role("button", name="+1 epoch").click()
        wait_epoch(page, epoch)
        last = page.evaluate(f"{STORE}.get('history').at(-1)")
        if last["stuck"] is not None:
            return last
    raise AssertionError(page.evaluate(f"{STORE}.get('history')"))


def shoot(page: Page, locator, name: str, screenshot_dir) -> None:
    for w, h in SIZES:
        page.set_viewport_size({"width": w, "height": h})
        wait_frames(page)
        locator.scroll_into_view_if_needed()
        box = locator.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= w, (w, box)
        page.screenshot(path=str(screenshot_dir / f"{name}-{w}.png"))
    page.set_viewport_size({"width": 1280, "height": 720})
    wait_frames(page)


def test_an_epoch_at_chance_level_shows_a_banner_with_what_to_try(
    page, console_errors, screenshot_dir
):
    open_page(page, query="lr=10&n=600&autotrain=0")
    page.get_by_role("button", name="+1 epoch").click()
    wait_epoch(page, 1)
    banner = page.locator("#banner .stuck")
    expect(banner).to_be_visible()
    stuck = page.evaluate(f"{STORE}.get('stuck')")
    assert stuck["kind"] == "chance"
    assert "chance level" in stuck["message"] and "lr=10" in stuck["message"]
    expect(banner).to_have_attribute("role", "alert")
    expect(banner).to_have_attribute("data-kind", "chance")
    expect(banner.locator("strong")).to_have_text("Training is stuck.")
    expect(banner).to_contain_text(stuck["message"])
    expect(banner).not_to_contain_text("Learning rate too large")
    # No divergence event: the loss stayed finite, so only this banner says something is wrong.
    assert page.evaluate(f"{STORE}.get('diverged')") is None
    page.screenshot(path=str(screenshot_dir / "playground-stuck.png"))
    shoot(page, banner, "playground-stuck-chance", screenshot_dir)

    banner.get_by_role("button", name="Divide the learning rate by 10").click()
    page.wait_for_function(f"{STORE}.get('settings').lr === 1")
    expect(banner).to_be_hidden()
    assert console_errors == []


def test_an_epoch_worse_than_guessing_is_headed_learning_rate_too_large(
    page, console_errors, screenshot_dir
):
    open_page(page, query=WORSE_LINK)
    last = train_until_stuck(page, 4)
    assert last["stuck"]["kind"] == "worse"
    message = last["stuck"]["message"]
    assert "does worse than guessing" in message and "lr=10" in message
    assert page.evaluate(f"{STORE}.get('stuck')") == last["stuck"]
    banner = page.locator("#banner .stuck")
    expect(banner).to_be_visible()
    expect(banner).to_have_attribute("data-kind", "worse")
    expect(banner.locator("strong")).to_have_text("Learning rate too large.")
    expect(banner).not_to_contain_text("Training is stuck")
    expect(banner).to_contain_text(message)
    shoot(page, banner, "playground-stuck-worse", screenshot_dir)

    # beside the training buttons, on a phone, where the banner is out of sight: the same
    page.set_viewport_size({"width": 390, "height": 844})
    here = page.locator("#training .train-alert")
    page.get_by_role("button", name="+1 epoch").scroll_into_view_if_needed()
    expect(here).to_be_visible()
    expect(here).to_have_attribute("data-kind", "worse")
    expect(here.locator("strong")).to_have_text("Learning rate too large.")
    expect(here).to_contain_text(message)
    page.screenshot(path=str(screenshot_dir / "train-alert-worse-390.png"))

    here.get_by_role("button", name="Divide the learning rate by 10").click()
    page.wait_for_function(f"{STORE}.get('settings').lr === 1")
    expect(here).to_be_hidden()
    expect(banner).to_be_hidden()
    assert console_errors == []
