"""Helpers for browser tests of the lab's 2-D view (/lab?tab=plane)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.playground import READY_TIMEOUT, settled_box

STORE = "window.nnplayLab.plane.store"
PLANE = "canvas[data-role=plane]"


def trained_xor(page: Page) -> str:
    """The XOR set trained one epoch, its closing grid in; returns the session id."""
    page.goto("/lab?tab=plane&set=xor")
    expect(page.locator(".plane")).to_have_attribute("data-state", "ready", timeout=READY_TIMEOUT)
    page.locator("button[data-act=epoch]").click()
    page.wait_for_function(f"() => {STORE}.get('epoch') === 1 && !{STORE}.get('training')"
                           f" && {STORE}.get('grid')?.step === {STORE}.get('session').step",
                           timeout=READY_TIMEOUT)
    return page.evaluate(f"{STORE}.get('sessionId')")


def hover_points(page: Page) -> tuple[dict, list[tuple[float, float]]]:
    """The plane's box and points of [-6, 6]^2 half a grid cell off the grid on both axes (where
    the nearest cell is furthest off), at least 10 px from every data point. Hover them with
    ``hover_at(page.locator(PLANE), (x1 + 6) / 12, (6 - x2) / 12)``: relative to the plane as it
    is laid out then, not to this box."""
    plane = settled_box(page.locator(PLANE))
    data = page.evaluate(f"""() => ["train", "val"].flatMap((k) => Array.from(
        {STORE}.get('planar').splits[k].x.data))""")
    pts = list(zip(data[0::2], data[1::2], strict=True))
    cell = 12 / 47  # 48 cells over [-6, 6]
    free = [(-6 + (j + 0.5) * cell, 6 - (i + 0.5) * cell) for i in range(4, 43, 3)
            for j in range(4, 43, 3)]
    free = [(x1, x2) for x1, x2 in free
            if min(abs(x1 - a) + abs(x2 - b) for a, b in pts) * plane["width"] / 12 > 10]
    assert len(free) >= 4, free
    return plane, free[:: max(1, len(free) // 8)]
