"""Draw a stroke: the prediction and every feature map change, and agree with the server."""

from __future__ import annotations

import base64

import numpy as np
from playwright.sync_api import expect

from tests.browser.playground import draw, forward_count, open_page, post_json, wait_settled

# Ends of the page's diverging scale (static/js/lib/colors.js, ColorBrewer RdBu reversed).
MOST_NEGATIVE = (5, 48, 97)
MOST_POSITIVE = (103, 0, 31)
ZERO = (247, 247, 247)


def decode(t: dict) -> np.ndarray:
    return np.frombuffer(base64.b64decode(t["data"]), dtype="<f4").reshape(t["shape"])


TILE_PIXELS = """(layer) =>
  [...document.querySelectorAll(`.net-col[data-layer="${layer}"] canvas.tile`)]
  .map(c => Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data))"""


def test_a_stroke_updates_prediction_and_maps_and_matches_the_server(
    page, live_server, console_errors, screenshot_dir
):
    session_id = open_page(page)
    wait_settled(page)
    before_maps = page.evaluate(TILE_PIXELS, "conv1")
    before_count = forward_count(page)
    before_probs = page.evaluate("window.nnplay.store.get('lastForward').probabilities")

    # A "7": a bar across the top, then down to the bottom left.
    draw(page, [(0.25, 0.2), (0.75, 0.2), (0.45, 0.85)])
    wait_settled(page)

    assert forward_count(page) > before_count
    after_maps = page.evaluate(TILE_PIXELS, "conv1")
    assert len(after_maps) == 8
    assert after_maps != before_maps, "conv1 maps did not change after the stroke"
    shown = page.evaluate(
        """() => { const f = window.nnplay.store.get('lastForward'); const i = f.input;
          return {pixels: Array.from(i.pixels), width: i.width, height: i.height,
                  probabilities: f.probabilities, prediction: f.prediction,
                  conv1: Array.from(f.layers[0].output.data),
                  names: f.layers.map(l => l.name)}; }"""
    )
    assert shown["probabilities"] != before_probs

    # The server, asked directly with the same pixels, says the same.
    reply = post_json(
        f"{live_server.url}/api/sessions/{session_id}/forward",
        {"pixels": shown["pixels"], "width": shown["width"], "height": shown["height"]},
    )
    assert reply["prediction"] == shown["prediction"]
    np.testing.assert_allclose(reply["probabilities"], shown["probabilities"], rtol=1e-6)
    server_conv1 = decode(reply["layers"][0]["output"])
    np.testing.assert_array_equal(server_conv1.ravel(), np.array(shown["conv1"], dtype=np.float32))
    assert [layer["name"] for layer in reply["layers"]] == shown["names"]

    # What is on screen: the winner marked, its percentage printed, the big prediction.
    label = reply["class_names"][reply["prediction"]]
    winner = page.locator(".probs li.winner")
    assert winner.count() == 1
    assert winner.locator(".p-label").inner_text() == label
    assert (
        winner.locator(".p-value").inner_text()
        == f"{reply['probabilities'][reply['prediction']] * 100:.1f}%"
    )
    assert page.locator(".pred-value").inner_text() == label

    # The conv1 tiles are coloured by the server's values on one scale per layer: the cell with
    # the largest |value| of the layer has an end colour; a cell whose value is 0 is neutral.
    c, h, w = server_conv1.shape
    flat = np.abs(server_conv1).ravel()
    k = int(flat.argmax())
    ch, row, col = k // (h * w), (k // w) % h, k % w
    pixel = tuple(after_maps[ch][(row * w + col) * 4 : (row * w + col) * 4 + 3])
    expected_end = MOST_POSITIVE if server_conv1[ch, row, col] > 0 else MOST_NEGATIVE
    assert pixel == expected_end
    zeros = np.argwhere(server_conv1 == 0)
    if len(zeros):
        zc, zr, zq = zeros[0]
        assert tuple(after_maps[zc][(zr * w + zq) * 4 : (zr * w + zq) * 4 + 3]) == ZERO

    page.screenshot(path=str(screenshot_dir / "playground-draw.png"), full_page=True)
    assert console_errors == []


def test_undo_and_clear_change_the_input(page, console_errors, screenshot_dir):
    open_page(page)
    draw(page, [(0.5, 0.15), (0.5, 0.85)])
    wait_settled(page)
    one = page.evaluate("Array.from(window.nnplay.store.get('input').pixels)")
    draw(page, [(0.2, 0.5), (0.8, 0.5)])
    wait_settled(page)
    page.get_by_role("button", name="Undo").click()
    wait_settled(page)
    assert page.evaluate("Array.from(window.nnplay.store.get('input').pixels)") == one
    page.get_by_role("button", name="Clear").click()
    assert page.evaluate("window.nnplay.store.get('input').kind") == "empty"
    assert page.locator(".pad-prompt").is_visible()
    page.screenshot(path=str(screenshot_dir / "playground-cleared.png"))
    assert console_errors == []


def test_pen_and_touch_draw_like_the_mouse(page, console_errors, screenshot_dir):
    open_page(page)
    for kind, x in (("pen", 0.3), ("touch", 0.7)):
        page.get_by_role("button", name="Clear").click()
        page.evaluate(
            """([kind, fx]) => {
              const c = document.querySelector('canvas.pad');
              const r = c.getBoundingClientRect();
              const at = (fy) => ({clientX: r.left + fx * r.width, clientY: r.top + fy * r.height,
                pointerId: 7, pointerType: kind, isPrimary: true, button: 0, buttons: 1,
                bubbles: true});
              c.dispatchEvent(new PointerEvent('pointerdown', at(0.2)));
              for (let i = 1; i <= 10; i++) {
                c.dispatchEvent(new PointerEvent('pointermove', at(0.2 + i * 0.06)));
              }
              c.dispatchEvent(new PointerEvent('pointerup', at(0.8)));
            }""",
            [kind, x],
        )
        wait_settled(page)
        ink = np.array(page.evaluate("Array.from(window.nnplay.store.get('input').pixels)"))
        img = ink.reshape(140, 140)
        # A vertical stroke at the x where it was drawn, from about 20% to 80% of the height.
        cols = np.nonzero(img.max(axis=0) > 200)[0]
        rows = np.nonzero(img.max(axis=1) > 200)[0]
        assert abs(cols.mean() - x * 140) < 3, kind
        assert rows.min() < 0.25 * 140 and rows.max() > 0.75 * 140, kind
        page.screenshot(path=str(screenshot_dir / f"playground-{kind}-stroke.png"))
    assert console_errors == []


def test_the_keyboard_draws_on_the_pad(page, console_errors, screenshot_dir):
    open_page(page)
    wait_settled(page)
    pad = page.locator("canvas.pad")
    pad.focus()
    expect(page.locator(".pad-cursor")).to_be_visible()
    # From the centre: up 12 steps with the pen lifted, pen down, 24 steps down, pen up.
    for _ in range(12):
        page.keyboard.press("ArrowUp")
    page.keyboard.press("Space")
    expect(page.locator(".pad-cursor")).to_have_attribute("data-down", "true")
    for _ in range(24):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    wait_settled(page)
    assert page.evaluate("window.nnplay.store.get('input').kind") == "pixels"
    assert page.evaluate("window.nnplay.store.get('playing')") is False  # Space drew, not played
    img = np.array(page.evaluate("Array.from(window.nnplay.store.get('input').pixels)"))
    img = img.reshape(140, 140)
    cols = np.nonzero(img.max(axis=0) > 200)[0]
    rows = np.nonzero(img.max(axis=1) > 200)[0]
    # a vertical line through the centre column, from 70 - 48 to 70 + 48
    assert abs(cols.mean() - 70) < 2
    assert rows.min() <= 70 - 44 and rows.max() >= 70 + 44
    page.screenshot(path=str(screenshot_dir / "playground-keyboard-drawing.png"))
    assert console_errors == []
