"""Feel: hover ranges, keyboard reach, per-map scaling, help, shortcuts, large screens."""

from __future__ import annotations

import numpy as np
from playwright.sync_api import expect

from tests.browser.playground import READY_TIMEOUT, draw, open_page, wait_settled

TILE = '.net-col[data-layer="conv1"] canvas.tile'


def test_hover_shows_the_value_range_of_the_map(page, console_errors, screenshot_dir):
    open_page(page)
    draw(page, [(0.3, 0.3), (0.7, 0.7)])
    wait_settled(page)
    out = page.evaluate(
        "(() => { const o = window.nnplay.store.get('lastForward').layers[0].output;"
        " return {shape: o.shape, data: Array.from(o.data)}; })()"
    )
    maps = np.array(out["data"], dtype=np.float32).reshape(out["shape"])
    page.locator(TILE).nth(2).hover()
    tip = page.locator(".net-tooltip")
    expect(tip).to_be_visible()
    text = tip.inner_text()
    assert text.startswith("conv1 channel 2: min ")  # numbered from 0, like the detail
    lo, hi = (float(part.split(" ")[-1]) for part in text.split(": ")[1].split(", "))
    assert abs(lo - float(maps[2].min())) <= 1e-3 * max(1.0, abs(lo))
    assert abs(hi - float(maps[2].max())) <= 1e-3 * max(1.0, abs(hi))
    page.screenshot(path=str(screenshot_dir / "playground-hover.png"))
    assert console_errors == []


def test_keyboard_reaches_tiles_and_shortcuts_work(page, console_errors, screenshot_dir):
    open_page(page)
    # Tab from the top: every control is reachable; a conv1 tile comes before the training.
    tile = page.locator(TILE).nth(1)
    tile.focus()
    expect(tile).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("window.nnplay.store.get('detail')") == {
        "layer": "conv1", "channel": 1, "kind": "output"
    }
    # Every interactive element has an accessible name.
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll(
             '#app button, #app input, #app select, #app [role=button], header button,'
             + ' header input')]
           .filter(el => !el.closest('#detail-panel'))
           .filter(el => {
             const label = el.getAttribute('aria-label') || el.labels?.[0]?.textContent
               || el.textContent || el.title;
             return !(label && label.trim());
           }).map(el => el.outerHTML.slice(0, 80))"""
    )
    assert unnamed == []
    # Shortcuts: ? opens the help, Escape closes it; s trains one batch.
    page.locator("body").click(position={"x": 5, "y": 700})
    page.keyboard.press("?")
    expect(page.get_by_role("dialog")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "playground-help.png"))
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    page.keyboard.press("s")
    page.wait_for_function(
        "window.nnplay.store.get('session').step === 1 && !window.nnplay.store.get('training')",
        timeout=30_000,
    )
    assert console_errors == []


def test_per_map_scaling_changes_the_colours_not_the_numbers(
    page, console_errors, screenshot_dir
):
    open_page(page)
    wait_settled(page)
    pixels = (
        f"[...document.querySelectorAll('{TILE}')].map(c =>"
        " Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data))"
    )
    per_layer = page.evaluate(pixels)
    conv1 = "Array.from(window.nnplay.store.get('lastForward').layers[0].output.data)"
    before = page.evaluate(conv1)
    page.get_by_label("map").check()
    after = page.evaluate(pixels)
    assert after != per_layer
    assert page.evaluate(conv1) == before
    expect(page.locator('.net-col[data-layer="conv1"] .col-scale')).to_have_text("scale: per map")
    page.screenshot(path=str(screenshot_dir / "playground-per-map-scale.png"))
    # Per map, each map with any non-zero value reaches an end of the scale somewhere.
    ends = {(5, 48, 97), (103, 0, 31)}
    for tile in after:
        rgb = {tuple(tile[i : i + 3]) for i in range(0, len(tile), 4)}
        assert rgb == {(247, 247, 247)} or rgb & ends
    page.keyboard.press("m")
    expect(page.get_by_label("layer", exact=True)).to_be_checked()
    assert console_errors == []


def test_large_screen_layout(page, console_errors, screenshot_dir):
    open_page(page)
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(page.url)
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=30_000)
    expect(page.locator(".probs li")).to_have_count(10, timeout=READY_TIMEOUT)  # the forward
    # Nothing of the page is wider than the window, and all three columns sit side by side.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1920
    columns = ("#input-col", "#network-col", "#training-col")
    boxes = [page.locator(s).bounding_box() for s in columns]
    assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]
    assert abs(boxes[0]["y"] - boxes[2]["y"]) < 2
    page.screenshot(path=str(screenshot_dir / "playground-1920.png"))
    assert console_errors == []
