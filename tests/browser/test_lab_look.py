"""Defects found looking at the lab whole after the changes of 5 Dec 2026
(docs/audits/lab-2026-12-05.md), each held by a test that fails without its fix. Waits are on
the page's state, never on time."""

from __future__ import annotations

from playwright.sync_api import Page, expect

TIMEOUT = 30_000

# every sideways-scrolling box of the 2-2-1 view whose content is wider than the box
CUT = """() => Array.from(document.querySelectorAll('#lab-net221 .bh-scroll'))
  .filter((e) => e.scrollWidth > e.clientWidth + 1)
  .map((e) => `${e.firstElementChild.dataset.part}: ${e.scrollWidth} > ${e.clientWidth}`)"""


def test_the_2_2_1_tables_fit_a_phone(page: Page, console_errors) -> None:
    """At 390 px the SGD step's table hid its "after" column (the step's result) and the people
    table its "use" links behind a sideways scroll nothing pointed at (audit 4)."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/lab?tab=net221")
    view = page.locator("#lab-net221")
    expect(view).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    page.fill("#lab-net221 [data-field='w1']", "2")  # longer numbers in the step's table
    expect(page.locator("#lab-net221 [data-param='w1'].bh-pick text")).to_have_text(
        "w1 = 2", timeout=TIMEOUT)
    expect(view).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    expect(page.locator("#lab-net221 [data-part=sgd]")).to_contain_text("0.0001616")
    assert page.evaluate(CUT) == []
    after = page.locator("#lab-net221 [data-part=sgd] thead th").last
    expect(after).to_have_text("after")
    assert after.bounding_box()["x"] + after.bounding_box()["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert console_errors == []
