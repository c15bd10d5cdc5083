"""Setting one hand-made filter leaves the others as they were: the filters still "as in the
network now" were sent as their boxes show them (two decimals) with every bias set to 0, so
setting filter 0 quietly changed every filter of the layer."""

from __future__ import annotations

import base64

import numpy as np
from playwright.sync_api import Page, expect

from tests.browser.playground import get_json, open_page

SOBEL_X = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]


def tensor(t: dict) -> np.ndarray:
    assert t["dtype"] == "float32"
    return np.frombuffer(base64.b64decode(t["data"]), "<f4").reshape(t["shape"])


def test_setting_filter_0_keeps_the_others_exactly(page: Page, live_server, console_errors):
    sid = open_page(page)
    page.keyboard.press("s")  # one batch: biases move off their initial 0
    page.wait_for_function("() => window.nnplay.store.get('session').step === 1"
                           " && !window.nnplay.store.get('training')", timeout=30_000)
    url = f"{live_server.url}/api/sessions/{sid}/params/conv1"
    before = get_json(url)
    W0, b0 = tensor(before["W"]), tensor(before["b"])
    assert np.count_nonzero(b0) > 0
    assert not np.allclose(W0, np.round(W0, 2))  # the boxes round: the test can tell

    page.locator("#filters summary").click()
    state = page.locator(".filters-state")
    expect(state).to_contain_text("These are conv1's filters now")
    page.get_by_label("filter 0 kind").select_option("sobel_x")
    page.get_by_role("button", name="Set these filters").click()
    page.wait_for_function("() => (window.nnplay.store.get('status')?.text ?? '')"
                           ".startsWith('conv1: your values are set')", timeout=15_000)
    after = get_json(url)
    W1, b1 = tensor(after["W"]), tensor(after["b"])
    assert np.array_equal(W1[0, 0], np.array(SOBEL_X, np.float32))
    assert b1[0] == 0
    np.testing.assert_array_equal(W1[1:], W0[1:])  # bit for bit
    np.testing.assert_array_equal(b1[1:], b0[1:])
    assert console_errors == []
