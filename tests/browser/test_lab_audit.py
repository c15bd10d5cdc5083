"""Defects a first-time user met in the lab (AUDIT.md), each held by a test: the tabs from the
keyboard."""

from __future__ import annotations

from playwright.sync_api import Page, expect

TIMEOUT = 20_000


def test_every_tab_is_reachable_from_the_keyboard(page: Page, console_errors) -> None:
    """Only the open tab is in the Tab order (tabindex -1 on the others), so the arrow keys
    must move between tabs, as the WAI-ARIA tabs pattern says; Home and End go to the ends."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/lab?tab=neuron")
    expect(page.locator("#lab-neuron")).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    page.locator("#tab-neuron").focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#tab-net221")).to_be_focused()
    expect(page.locator("#tab-net221")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#lab-net221")).to_be_visible()
    expect(page.locator("#lab-neuron")).to_be_hidden()
    expect(page.locator("#lab-net221")).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    assert "tab=net221" in page.url
    page.keyboard.press("End")
    expect(page.locator("#tab-plane")).to_be_focused()
    expect(page.locator("#lab-plane")).to_be_visible()
    page.keyboard.press("ArrowRight")  # wraps round to the first
    expect(page.locator("#tab-neuron")).to_be_focused()
    expect(page.locator("#lab-neuron")).to_be_visible()
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#tab-plane")).to_be_focused()
    page.keyboard.press("Home")
    expect(page.locator("#tab-neuron")).to_be_focused()
    expect(page.locator("#tab-neuron")).to_have_attribute("tabindex", "0")
    expect(page.locator("#tab-plane")).to_have_attribute("tabindex", "-1")
    assert console_errors == []

