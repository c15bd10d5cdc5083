"""The lab's 2-D view says when the learning rate is too large before the loss stops being
finite (engine/overshoot.py): SGD at lr 10 on the circle, set through the page's own controls,
brings a note beside the training buttons and the same words in the status line (aria-live),
with the server's figures; a rewind clears both. With the lab's default learning rate no note
appears. Every wait is on the page's store, never on time."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.test_lab_plane import STORE, open_plane

TIMEOUT = 30_000
NOTE = ".plane [data-role=stuck]"


def train_one_epoch(page: Page) -> None:
    epoch = page.evaluate(f"{STORE}.get('epoch')")
    page.locator(".plane button[data-act=epoch]").click()
    page.wait_for_function(f"() => {STORE}.get('epoch') === {epoch + 1}"
                           f" && !{STORE}.get('training')", timeout=TIMEOUT)


def choose(page: Page, label: str, value: str, key: str, expected: str) -> None:
    """Pick ``value`` in the training bar's select ``label``; wait for the server's settings."""
    page.locator(f".plane-hyper select[aria-label='{label}']").select_option(value)
    page.wait_for_function(f"() => {STORE}.get('settings').{key} === {expected}",
                           timeout=TIMEOUT)


def test_lr_10_on_the_circle_is_said_to_be_worse_than_guessing(
        page: Page, console_errors, screenshot_dir: Path) -> None:
    open_plane(page)
    assert page.evaluate(f"{STORE}.get('settings').planar.set") == "circle"
    choose(page, "optimizer", "sgd", "optimizer", "'sgd'")
    choose(page, "learning rate", "10", "lr", "10")
    note = page.locator(NOTE)
    for _ in range(5):  # the second epoch when its loss did not come down, else the third
        train_one_epoch(page)
        if page.evaluate(f"{STORE}.get('history').at(-1).stuck") is not None:
            break
    last = page.evaluate(f"{STORE}.get('history').at(-1)")
    assert last["stuck"] is not None and last["stuck"]["kind"] == "worse"
    assert "worse than guessing" in last["stuck"]["message"]
    expect(note).to_have_attribute("data-kind", "worse")
    expect(note).to_be_visible()
    expect(note).to_contain_text("Learning rate too large. After epoch")
    expect(note).to_contain_text("does worse than guessing")
    expect(note).to_contain_text(f"training loss over the epoch, {last['train_loss']:.3f}")
    expect(note).to_contain_text("ln 2 = 0.693")
    expect(note).to_contain_text("lr=10")
    status = page.locator(".plane-status[role=status][aria-live=polite]")
    expect(status).to_contain_text("Learning rate too large. After epoch")
    expect(status).to_contain_text(f"{last['train_loss']:.3f}")
    expect(note.locator("button[data-act=lr-tenth]")).to_have_text(re.compile(r"10 → 1$"))
    for w, h in ((390, 844), (1280, 800), (1920, 1080)):
        page.set_viewport_size({"width": w, "height": h})
        # the diagram lays itself out again after a resize: wait until nothing runs sideways
        page.wait_for_function("() => document.documentElement.scrollWidth <= innerWidth")
        page.wait_for_function("() => document.querySelector('.plane-stuck')"
                               ".getBoundingClientRect().right <= innerWidth")
        note.scroll_into_view_if_needed()
        page.screenshot(path=str(screenshot_dir / f"lab-stuck-{w}.png"))
    page.set_viewport_size({"width": 1280, "height": 800})

    # the note's own button: the learning rate a tenth (the note stays: that epoch is as it was)
    note.locator("button[data-act=lr-tenth]").click()
    page.wait_for_function(f"() => {STORE}.get('settings').lr === 1", timeout=TIMEOUT)
    expect(page.locator(".plane-hyper select[aria-label='learning rate']")).to_have_value("1")
    expect(note).to_be_visible()

    # a rewind to the start drops the epochs, and with them the note and the status line
    page.locator("select[data-role=rewind-epoch]").select_option("0")
    page.locator(".plane button[data-act=rewind]").click()
    page.locator(".plane .rewind-confirm [data-act=rewind-yes]").click()
    page.wait_for_function(f"() => {STORE}.get('epoch') === 0", timeout=TIMEOUT)
    expect(note).to_be_hidden()
    expect(status).not_to_contain_text("Learning rate too large")
    assert console_errors == []


def test_the_default_learning_rate_brings_no_note(page: Page, console_errors) -> None:
    open_plane(page)
    settings = page.evaluate(f"{STORE}.get('settings')")
    assert (settings["optimizer"], settings["lr"], settings["planar"]["set"]) == (
        "adam", 0.02, "circle")
    for _ in range(3):  # as many as lr 10 needs to be flagged
        train_one_epoch(page)
    assert [h["stuck"] for h in page.evaluate(f"{STORE}.get('history')")] == [None] * 3
    expect(page.locator(NOTE)).to_be_hidden()
    expect(page.locator(".plane-status")).not_to_contain_text("guessing")
    assert console_errors == []
