"""The detail panel inside the real playground page: a tile click opens the conv detail of the
model the page trained, and its arithmetic agrees with the network view and the server."""

from __future__ import annotations

import math

from playwright.sync_api import Page, expect


def test_page_tile_opens_conv_detail_of_trained_model(
    page: Page, console_errors, screenshot_dir, live_server
):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/")
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=30000)
    # the page trains a first epoch on its own; wait for it and for the forward after it
    page.wait_for_function(
        "() => { const s = window.nnplay.store;"
        " return s.get('epoch') >= 1 && !s.get('training') && s.get('lastForward'); }",
        timeout=120000,
    )
    # forward the same input again now that training is over (what choosing it again does),
    # so that the network view shows the trained weights' maps
    page.evaluate(
        "() => { const s = window.nnplay.store; window.__before = s.get('lastForward');"
        " s.set('input', {...s.get('input'), t0: undefined}); }"
    )
    page.wait_for_function("() => window.nnplay.store.get('lastForward') !== window.__before")
    page.locator("canvas.tile[aria-label^='conv1 channel 3 (']").click()
    view = page.locator("[data-view=conv-detail]")
    expect(view).to_be_visible()
    expect(page.locator("#detail-panel h3")).to_contain_text("conv1 · filter 3")

    # the test's choice of cell: the largest |value| of conv1[3] in the page's forward
    row, col = page.evaluate(
        "() => { const l = window.nnplay.store.get('lastForward').layers"
        ".find(x => x.name === 'conv1'); let best = 0;"
        " for (let i = 0; i < 784; i++) if (Math.abs(l.output.data[3 * 784 + i])"
        " > Math.abs(l.output.data[3 * 784 + best])) best = i;"
        " return [Math.floor(best / 28), best % 28]; }"
    )
    start = col - 1 if col > 0 else col
    # step the window there: jump one cell to the left of it, then one single step
    page.get_by_label("Output row").fill(str(row))
    page.get_by_label("Output column").fill(str(start))
    page.get_by_role("button", name="Jump to this output cell").click()
    if start != col:
        page.get_by_role("button", name="Step forward one cell").click()
    expect(view).to_have_attribute("data-row", str(row))
    expect(view).to_have_attribute("data-col", str(col))
    expect(page.locator("[data-role=result]")).to_have_count(1, timeout=10000)

    products = [float(v) for v in page.locator("[data-role=product]").evaluate_all(
        "els => els.map(e => e.dataset.value)")]
    bias = float(page.locator("[data-role=bias]").get_attribute("data-value"))
    result = float(page.locator("[data-role=result]").get_attribute("data-value"))
    map_value = float(page.locator("[data-role=map-value]").get_attribute("data-value"))
    assert len(products) == 9
    assert result != 0.0, "the map's largest value cannot be zero"
    assert math.isclose(sum(products) + bias, result, rel_tol=1e-5, abs_tol=1e-6)
    # the value the network view's map holds at that cell (the page's forward reply)
    page_value = page.evaluate(
        "([r, c]) => { const l = window.nnplay.store.get('lastForward').layers"
        ".find(x => x.name === 'conv1'); return l.output.data[(3 * 28 + r) * 28 + c]; }",
        [row, col],
    )
    assert math.isclose(map_value, page_value, rel_tol=1e-6)
    assert math.isclose(result, page_value, rel_tol=1e-5, abs_tol=1e-6)
    session_id = page.evaluate("() => window.nnplay.store.get('sessionId')")
    reply = page.request.get(
        f"{live_server.url}/api/sessions/{session_id}/cell",
        params={"layer": "conv1", "channel": 3, "row": row, "col": col},
    ).json()
    assert result == reply["result"]
    page.screenshot(path=str(screenshot_dir / "detail-in-page.png"), full_page=True)

    # the picker reaches the softmax, which the tiles do not
    page.get_by_label("Layer to look inside").select_option("softmax1")
    expect(page.locator("[data-view=softmax-detail]")).to_be_visible()
    probs = [float(v) for v in page.locator("[data-role=probability]").evaluate_all(
        "els => els.map(e => e.dataset.value)")]
    assert math.isclose(sum(probs), 1.0, abs_tol=1e-5)
    # and they are what the network view's softmax bars say, class by class
    page_bars = page.locator("ol.probs li .p-value").all_inner_texts()
    assert page_bars == [f"{p * 100:.1f}%" for p in probs]
    assert page.locator(".nn-prob-value").all_inner_texts() == page_bars
    page.screenshot(path=str(screenshot_dir / "detail-in-page-softmax.png"), full_page=True)
    assert console_errors == []
