"""The 3-D loss surface drawn again at its new size when its panel narrows or widens (a phone
turned, a window resized), as the contour and the charts are: its canvas's pixels stay its CSS
pixels, never scaled by the browser (docs/audits/playground-2026-12-05.md, "Still open")."""

from __future__ import annotations

import math
import re

from playwright.sync_api import Locator, Page, expect

from tests.browser.test_detail_views import mount
from tests.browser.test_lab_plane import STORE, open_plane

# the canvas's backing store equals its laid-out CSS box, and it is painted after the resize
AT_SIZE = """c => c.width === c.clientWidth && c.height === c.clientHeight
  && c.clientWidth > 0 && c.width <= c.parentElement.getBoundingClientRect().width + 0.5"""

INK = """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let ink = 0; for (let i = 0; i < d.length; i += 4) if (d[i] + d[i+1] + d[i+2] < 600) ink++;
  return ink / (d.length / 4); }"""


def sizes(mesh: Locator) -> dict:
    return mesh.evaluate(
        "c => ({width: c.width, height: c.height, css: c.clientWidth, cssH: c.clientHeight})"
    )


def follows_the_panel(page: Page, mesh: Locator) -> None:
    """Wide, then phone-narrow, then wide again: each time drawn at its CSS size."""
    handle = mesh.element_handle()
    wide = sizes(mesh)
    assert wide["width"] == wide["css"] and wide["height"] == wide["cssH"], wide
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function(AT_SIZE, arg=handle, timeout=20_000)
    narrow = sizes(mesh)
    assert narrow["width"] < wide["width"], (narrow, wide)
    assert mesh.evaluate(INK) > 0.10  # drawn again, not a blank canvas
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 800})
    page.wait_for_function(AT_SIZE + " && c.width === " + str(wide["width"]), arg=handle,
                           timeout=20_000)
    assert mesh.evaluate(INK) > 0.10


def test_the_playground_3d_surface_follows_its_panel(page: Page, console_errors, screenshot_dir):
    mount(page, epochs=1)
    page.get_by_role("tab", name="Loss surface").click()
    view = page.locator("[data-view=landscape]")
    expect(view).to_have_attribute("data-state", "ready", timeout=60_000)
    page.get_by_role("radio", name="3-D", exact=True).check()
    mesh = page.locator("canvas.nn-surface3d")
    expect(mesh).to_be_visible()
    follows_the_panel(page, mesh)
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function(AT_SIZE, arg=mesh.element_handle(), timeout=20_000)
    page.screenshot(path=str(screenshot_dir / "landscape-3d-resized-390.png"), full_page=True)
    assert console_errors == []


def test_the_lab_3d_surface_follows_its_panel(page: Page, console_errors, screenshot_dir):
    open_plane(page, "set=xor")
    page.get_by_role("button", name="Train one epoch").click()
    page.wait_for_function(f"{STORE}.get('epoch') === 1 && !{STORE}.get('training')",
                           timeout=60_000)
    panel = page.locator("details.plane-landscape")
    panel.locator("summary").click()
    view = panel.locator("[data-view=landscape]")
    expect(view).to_have_attribute("data-state", "ready", timeout=60_000)
    panel.get_by_role("radio", name="3-D", exact=True).check()
    mesh = panel.locator("canvas.nn-surface3d")
    expect(mesh).to_be_visible()
    follows_the_panel(page, mesh)
    assert console_errors == []


def test_the_lab_surface_names_its_data_as_the_lab_does(page: Page, console_errors):
    """The lab's held-out split is its "test" points, and the Loss panel's test loss at the
    current weights is the surface's centre loss on those points: the surface said "on 200
    validation images" (audit lab-2026-12-05, 2). At a phone's width its colour scale is below
    the 3-D drawing, whose caption said "at the right" (3)."""
    open_plane(page, "set=xor")
    page.get_by_role("button", name="Train one epoch").click()
    page.wait_for_function(f"{STORE}.get('epoch') === 1 && !{STORE}.get('training')"
                           f" && {STORE}.get('evaluation')?.val", timeout=60_000)
    panel = page.locator("details.plane-landscape")
    with page.expect_response("**/landscape") as first:
        panel.locator("summary").click()
    reply = first.value.json()
    expect(panel.locator("[data-view=landscape]")).to_have_attribute("data-state", "ready",
                                                                      timeout=60_000)
    test_count = page.evaluate(f"{STORE}.get('planar').splits.val.y.data.length")
    assert reply["eval_count"] == test_count  # the surface's data: all the test points
    note = panel.locator(".nn-note").first
    expect(note).to_contain_text(
        f"Loss at the centre (the current weights) on {test_count} test points: ")
    expect(note).not_to_contain_text("images")
    centre = re.search(r" test points: (\S+?)\.(?:\s|$)", note.inner_text())
    assert centre, note.inner_text()
    # the same number as the Loss panel's test loss at the same weights (printed to 3 digits
    # there, 4 here)
    numbers = page.locator("[data-role=loss-numbers]")
    expect(numbers).to_contain_text("at the current weights")
    assert math.isclose(float(centre.group(1)), float(numbers.get_attribute("data-test") or ""),
                        rel_tol=1e-3)
    assert math.isclose(float(centre.group(1)), reply["center_loss"], rel_tol=1e-3)

    page.set_viewport_size({"width": 390, "height": 844})
    panel.get_by_role("radio", name="3-D", exact=True).check()
    mesh = panel.locator("canvas.nn-surface3d")
    legend = panel.locator("canvas.nn-surface-legend")
    page.wait_for_function(AT_SIZE, arg=mesh.element_handle(), timeout=20_000)
    below = page.evaluate("([m, l]) => l.getBoundingClientRect().top >= "
                          "m.getBoundingClientRect().bottom",
                          [mesh.element_handle(), legend.element_handle()])
    assert below
    expect(panel.locator(".nn-surface3d-caption")).not_to_contain_text("at the right")
    expect(panel.locator(".nn-surface3d-caption")).to_contain_text("colour scale headed “loss”")
    assert console_errors == []
