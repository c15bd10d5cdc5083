"""The shapes preset: hand-set first-layer filters (Sobel, Gabor...) that stay put, frozen."""

from __future__ import annotations

import base64
import re

import numpy as np
from playwright.sync_api import expect

from tests.browser.playground import get_json, open_page

SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float32)


def kernel(base: str, session_id: str, channel: int) -> np.ndarray:
    cell = get_json(
        f"{base}/api/sessions/{session_id}/cell?layer=conv1&channel={channel}&row=5&col=5"
    )
    t = cell["kernel"]
    return np.frombuffer(base64.b64decode(t["data"]), dtype="<f4").reshape(t["shape"])


def test_shapes_preset_with_hand_set_frozen_filters(
    page, live_server, console_errors, screenshot_dir
):
    first_id = open_page(page)
    page.locator(".editor summary").click()
    page.get_by_label("Preset").select_option("shapes")
    expect(page.locator(".editor-newsession")).to_be_visible()
    page.get_by_role("button", name="Apply (weights start over)").click()
    page.wait_for_function(
        f"window.nnplay.store.get('sessionId') !== '{first_id}'"
        " && window.nnplay.store.get('settings').dataset === 'shapes'"
        " && window.nnplay.store.get('lastForward')?.class_names.length === 7",
        timeout=30_000,
    )
    session_id = page.evaluate("window.nnplay.store.get('sessionId')")
    assert "conv4k3p1F" in page.url and "ds=shapes" in page.url
    expect(page.locator(".probs .p-label")).to_have_count(7)
    expect(page.locator(".pad-prompt")).to_have_text("Draw a shape here")
    # Nine layers do not fit the network panel at 1280 px: they scroll sideways, and the
    # output column (the probabilities) stays in sight at the right edge.
    expect(page.locator("#network")).to_have_class(re.compile(r"\boverflowing\b"))
    scroller = page.locator(".net-scroll").bounding_box()
    output = page.locator(".net-col-softmax").bounding_box()
    assert scroller and output
    assert output["x"] >= scroller["x"] - 0.5
    assert output["x"] + output["width"] <= scroller["x"] + scroller["width"] + 0.5

    page.locator(".filters summary").click()
    expect(page.locator(".filter-box")).to_have_count(4)
    expect(page.get_by_label("filter 0 kind")).to_have_value("current")
    page.get_by_label("filter 0 kind").select_option("sobel_x")
    # Filter 4 typed by hand: a centre-only kernel (the identity).
    box = page.locator(".filter-box").nth(3)
    for i, inp in enumerate(box.locator(".kgrid input").all()):
        inp.fill("1" if i == 4 else "0")
    expect(page.get_by_label("filter 3 kind")).to_have_value("typed")
    page.get_by_role("button", name="Set these filters").click()
    expect(page.locator("#banner .status")).to_contain_text("your values are set", timeout=15_000)

    np.testing.assert_array_equal(kernel(live_server.url, session_id, 0)[0], SOBEL_X)
    identity = np.zeros((3, 3), dtype=np.float32)
    identity[1, 1] = 1
    np.testing.assert_array_equal(kernel(live_server.url, session_id, 3)[0], identity)

    # Train: the frozen first layer keeps its hand-made filters, the rest learns.
    page.get_by_role("button", name="+1 batch").click()
    page.get_by_role("button", name="+1 batch").click()
    page.wait_for_function(
        "window.nnplay.store.get('session').step === 2 && !window.nnplay.store.get('training')",
        timeout=30_000,
    )
    np.testing.assert_array_equal(kernel(live_server.url, session_id, 0)[0], SOBEL_X)
    np.testing.assert_array_equal(kernel(live_server.url, session_id, 3)[0], identity)
    page.screenshot(path=str(screenshot_dir / "playground-shapes-filters.png"), full_page=True)
    assert console_errors == []
