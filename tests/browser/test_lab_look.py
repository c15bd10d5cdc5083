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


STORE = "window.nnplayLab.plane.store"


def test_the_point_line_is_emptied_when_the_plane_loses_the_focus(page: Page,
                                                                   console_errors) -> None:
    """A point selected from the keyboard is let go when the focus leaves the plane, but the
    live line kept "… selected …: the arrow keys move it", and a "moved" line stayed under the
    plane through later epochs and rewinds (audit 6)."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/lab?tab=plane&set=custom&pts=2,2,0;-2,-2,1;-3,2,1;3,-3,0")
    expect(page.locator(".plane")).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    page.wait_for_function(f"() => {STORE}.get('planar') && {STORE}.get('grid')",
                           timeout=TIMEOUT)
    plane = page.locator("canvas[data-role=plane]")
    live = page.locator("[data-role=point-live]")
    plane.focus()
    for key in ("ArrowRight",) * 4 + ("ArrowUp",) * 4:
        page.keyboard.press(key)
    page.keyboard.press("Enter")
    expect(live).to_contain_text(
        "Point #0 of 4 (counted from 0), class 0, selected at x1 2, x2 2")
    page.locator("[data-role=show-test]").focus()  # the focus leaves: the point is let go
    expect(live).to_have_text("")
    expect(page.locator("[data-role=cursor]")).to_be_hidden()
    # a move that has landed, then the focus gone (to a training button, as a learner goes on)
    plane.focus()
    page.keyboard.press("Enter")
    expect(live).to_contain_text("selected at x1 2, x2 2")
    page.keyboard.press("ArrowRight")
    expect(live).to_have_text("Point #0 moved to x1 2.1, x2 2.", timeout=TIMEOUT)
    page.locator(".plane button[data-act=epoch]").click()
    page.wait_for_function(f"() => {STORE}.get('epoch') === 1 && !{STORE}.get('training')",
                           timeout=TIMEOUT)
    expect(live).to_have_text("")
    assert page.evaluate(f"{STORE}.get('settings').planar.points[0]") == [2.1, 2, 0]
    assert console_errors == []
