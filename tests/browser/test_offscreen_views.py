"""Views draw only while on screen (issue 12, item 8), and catch up when they come back.

On a phone-sized window the batch-loss chart and the network are far apart: while one is
scrolled away it is not redrawn, and once it is scrolled back it shows the store's numbers.
A forward reply is decoded in a worker: the maps and the softmax still show exactly the
server's numbers.
"""

from __future__ import annotations

import json

from playwright.sync_api import Locator, Page, expect

from tests.browser.playground import forward_count, open_page, post_json

SMALL_PHONE = {"width": 390, "height": 844}


def _scroll_to(page, selector: str) -> None:
    page.evaluate(f"document.querySelector({json.dumps(selector)}).scrollIntoView()")



def hide_network(page: Page) -> tuple[Locator, int]:
    """A phone window shorter than the input column, which comes first: the network view is
    below it, off screen. Returns the network's locator and its top (CSS px in the page)."""
    page.set_viewport_size(SMALL_PHONE)
    top = page.evaluate("document.querySelector('#network').getBoundingClientRect().top + scrollY")
    page.set_viewport_size({"width": 390, "height": max(200, int(top) - 150)})
    page.evaluate("window.scrollTo(0, 0)")
    network = page.locator("#network")
    expect(network).to_have_attribute("data-on-screen", "false")
    return network, int(top)

def test_batch_chart_off_screen_waits_then_catches_up(page, console_errors, screenshot_dir):
    open_page(page)
    page.set_viewport_size(SMALL_PHONE)
    page.evaluate("window.scrollTo(0, 0)")
    chart = page.locator(".chart-batches")
    expect(chart).to_have_attribute("data-on-screen", "false")
    page.evaluate(
        "window.nnplay.store.set('request',"
        " {type: 'train', unit: 'batches', count: 3, at: performance.now()})"
    )
    page.wait_for_function(
        "window.nnplay.store.get('batchLosses').length === 3"
        " && !window.nnplay.store.get('training')",
        timeout=60_000,
    )
    # Off screen: the stream did not redraw it (it still has no chart at all).
    assert chart.locator(".chart").count() == 0
    _scroll_to(page, ".chart-batches")
    expect(chart).to_have_attribute("data-on-screen", "true")
    caption = chart.locator('.chart[data-chart="batch-loss"] figcaption')
    expect(caption).to_contain_text("(3 steps)")
    assert chart.locator("circle.dot").count() == 3  # one dot per step the store holds
    page.screenshot(path=str(screenshot_dir / "offscreen-batch-chart-390.png"))
    assert console_errors == []


def test_network_off_screen_is_painted_when_it_comes_back(
    page, live_server, console_errors, screenshot_dir
):
    session_id = open_page(page)
    network, _ = hide_network(page)
    before = forward_count(page)
    page.evaluate(
        "window.nnplay.store.set('input', {kind: 'sample', split: 'val', index: 2})"
    )
    page.wait_for_function(
        "() => { const f = window.nnplay.store.get('lastForward');"
        " return f.input.kind === 'sample' && f.input.index === 2; }"
    )
    assert forward_count(page) == before  # the reply is in the store, the maps wait
    _scroll_to(page, "#network")
    expect(network).to_have_attribute("data-on-screen", "true")
    page.wait_for_function(
        f"() => Number(document.querySelector('#network').dataset.forwardVersion) > {before}"
    )

    # What is painted is the server's forward of that sample, decoded off the main thread.
    reply = post_json(
        f"{live_server.url}/api/sessions/{session_id}/forward",
        {"sample": {"split": "val", "index": 2}},
    )
    shown = page.evaluate(
        "() => { const f = window.nnplay.store.get('lastForward'); return {"
        " prediction: f.prediction, probabilities: f.probabilities,"
        " last: Array.from(f.layers[f.layers.length - 1].output.data),"
        " isF32: f.layers[0].output.data instanceof Float32Array }; }"
    )
    assert shown["isF32"]
    # ... by the worker: it runs, and the page's own requests hold no forward
    assert any(w.url.endswith("/static/js/forward-worker.js") for w in page.workers)
    assert page.evaluate(
        "performance.getEntriesByType('resource').filter(e => e.name.endsWith('/forward')).length"
    ) == 0
    assert shown["prediction"] == reply["prediction"]
    assert shown["probabilities"] == reply["probabilities"]
    assert len(shown["last"]) == len(reply["probabilities"])
    pairs = zip(shown["last"], reply["probabilities"], strict=True)
    assert all(abs(a - b) < 1e-6 for a, b in pairs)
    winner = page.locator(".net-col-softmax li.winner")
    expect(winner).to_have_count(1)
    expect(winner.locator(".p-value")).to_have_text(
        f"{reply['probabilities'][reply['prediction']] * 100:.1f}%"
    )
    page.screenshot(path=str(screenshot_dir / "offscreen-network-390.png"))
    assert console_errors == []


def test_network_off_screen_rebuilt_or_printed_is_painted(page, console_errors):
    open_page(page)
    _, top = hide_network(page)
    # Columns laid out afresh (a narrower window) are painted at once, even off screen:
    # no map tile is left blank.
    page.set_viewport_size({"width": 370, "height": max(200, int(top) - 150)})
    page.wait_for_function(
        "() => { const tiles = [...document.querySelectorAll("
        "'#network .net-col-conv2d canvas.tile')];"
        " return tiles.length > 0 && tiles.every(c => c.getContext('2d')"
        ".getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v > 0)); }",
        timeout=10_000,
    )
    before = forward_count(page)
    page.evaluate("window.nnplay.store.set('input', {kind: 'sample', split: 'val', index: 4})")
    page.wait_for_function(
        "() => window.nnplay.store.get('lastForward').input.index === 4"
    )
    assert forward_count(page) == before
    # Before printing, what waits is painted at once (in the beforeprint event itself).
    after = page.evaluate(
        "() => { dispatchEvent(new Event('beforeprint'));"
        " return Number(document.querySelector('#network').dataset.forwardVersion); }"
    )
    assert after == before + 1
    prediction = page.evaluate("window.nnplay.store.get('lastForward').prediction")
    expect(page.locator(".net-col-softmax li.winner .p-label")).to_have_text(str(prediction))
    page.evaluate("dispatchEvent(new Event('afterprint'))")
    assert console_errors == []
