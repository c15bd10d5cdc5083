"""The shapes preset: hand-set first-layer filters (Sobel, Gabor...) that stay put, frozen."""

from __future__ import annotations

import base64
import re

import numpy as np
from playwright.sync_api import expect

from tests.browser.playground import get_json, open_page
from tests.browser.test_playground_small_input import apply_preset

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


def test_typing_while_the_layer_is_read_keeps_the_typed_kernel(page, live_server, console_errors):
    """Opening the panel reads the layer's filters; a read that answers after the user has
    typed fills only the boxes they did not edit (on a loaded machine it used to undo the
    typing, and "Set these filters" then sent the old numbers)."""
    open_page(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    apply_preset(page, "conv4", [1, 4, 4])
    # Hold every read of the layer's parameters until the typing is done.
    page.evaluate(
        """() => {
          const fetch0 = window.fetch;
          let release;
          window.__held = 0;
          window.__release = new Promise((ok) => { release = ok; });
          window.__releaseReads = () => release();
          window.fetch = async (url, options) => {
            const reply = await fetch0(url, options);
            if (String(url).includes('/params/') && (options?.method ?? 'GET') === 'GET') {
              window.__held += 1;
              await window.__release;
            }
            return reply;
          };
        }"""
    )
    page.locator(".filters summary").click()
    page.wait_for_function("() => window.__held > 0")
    kernel = page.locator(".filter-box").first.locator(".kgrid input")
    expect(kernel).to_have_count(9)
    for box, value in zip(kernel.all(), SOBEL_X.ravel().tolist(), strict=True):
        box.fill(str(value))
    expect(page.get_by_label("filter 0 kind")).to_have_value("typed")
    page.evaluate("() => window.__releaseReads()")
    state = page.locator(".filters-state")
    expect(state).to_contain_text("yours are kept until you set them")
    typed = kernel.evaluate_all("els => els.map((e) => Number(e.value))")
    assert typed == SOBEL_X.ravel().tolist()
    expect(page.get_by_label("filter 0 kind")).to_have_value("typed")
    page.get_by_role("button", name="Set these filters").click()
    expect(page.locator("#banner")).to_contain_text("your values are set", timeout=15_000)
    session_id = page.evaluate("window.nnplay.store.get('sessionId')")
    params = get_json(f"{live_server.url}/api/sessions/{session_id}/params/conv1")
    W = np.frombuffer(base64.b64decode(params["W"]["data"]), dtype="<f4")
    np.testing.assert_array_equal(W, SOBEL_X.ravel())
    # after the set the panel follows the layer again: it reads back what was set
    expect(state).to_contain_text("These are conv1's filters now")
    expect(page.get_by_label("filter 0 kind")).to_have_value("current")
    assert kernel.evaluate_all("els => els.map((e) => Number(e.value))") == typed
    assert console_errors == []
