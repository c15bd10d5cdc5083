"""The learning-rate comparison's small loss surfaces at a phone's, a laptop's and a desktop's
width (audit 2026-12-04, item 8): their numbers are drawn at real size, at least as large as the
page's smallest paragraph text (and so are the loss chart's above them: scaled down to a phone's
width they were 6 px), and the run cards of a row are of one height."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.playground import open_page

# Each surface's and colour scale's text size as it reaches the screen: the size of the font the
# canvas drew its numbers with (its context's font, left as the last text was drawn) times the
# canvas' scale on screen (its rendered width over its width in pixels: CSS zoom or a squeezed box).
RENDERED_TEXT = """() => [...document.querySelectorAll(
    '.nn-lr-run canvas.nn-surface, .nn-lr-run canvas.nn-surface-legend, canvas.nn-lr-chart')]
  .map((c) => {
  const px = parseFloat(c.getContext('2d').font);
  return {cls: c.className, px, scale: c.getBoundingClientRect().width / c.width,
          rendered: px * c.getBoundingClientRect().width / c.width};
})"""

# The smallest paragraph text on the page (visible <p>), in rendered pixels.
SMALLEST_PARAGRAPH = """() => Math.min(...[...document.querySelectorAll('p')]
  .filter((p) => p.textContent.trim() && p.getBoundingClientRect().height > 0)
  .map((p) => parseFloat(getComputedStyle(p).fontSize)))"""

CARDS = """() => [...document.querySelectorAll('.nn-lr-run')].map((r) => {
  const b = r.getBoundingClientRect();
  return {run: r.dataset.run, top: Math.round(b.top), height: b.height};
})"""


@pytest.mark.parametrize("size", [(390, 844), (1280, 800), (1920, 1080)])
def test_lr_compare_surfaces_are_legible_and_cards_even(
    page: Page, console_errors, screenshot_dir, size
):
    open_page(page)
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    page.evaluate(
        "window.nnplay.store.set('detail', {layer: 'conv1', channel: 0, kind: 'output'})"
    )
    page.get_by_role("tab", name="Learning rates").click()
    page.get_by_label("Epochs per run").select_option("1")
    page.get_by_label("Training examples per run").select_option("500")
    page.get_by_role(
        "button", name="Train the same model three times with these learning rates"
    ).click()
    view = page.locator("[data-view=lr-compare]")
    expect(view).to_have_attribute("data-state", "done", timeout=240_000)
    # a surface for every run that did not diverge, each drawn
    surfaces = page.locator(".nn-lr-run canvas.nn-surface")
    assert surfaces.count() >= 2
    page.locator(".nn-lr-runs").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / f"lr-compare-{width}.png"))

    smallest = page.evaluate(SMALLEST_PARAGRAPH)
    assert smallest >= 9  # a sane page: the bar is real text, not a hidden element
    texts = page.evaluate(RENDERED_TEXT)
    assert sum(t["cls"] == "nn-lr-chart" for t in texts) == 1
    for text in texts:
        assert text["rendered"] >= smallest - 0.01, (text, smallest)
        assert text["scale"] >= 0.99, text  # drawn at real size, not zoomed down

    cards = page.evaluate(CARDS)
    assert len(cards) == 3
    rows: dict[int, list[float]] = {}
    for card in cards:
        rows.setdefault(card["top"], []).append(card["height"])
    for heights in rows.values():
        assert max(heights) - min(heights) < 1, cards
    # nothing sticks out of its card sideways
    overflow = page.evaluate(
        "() => [...document.querySelectorAll('.nn-lr-run')]"
        ".map((r) => r.scrollWidth - r.clientWidth)"
    )
    assert max(overflow) <= 0, overflow
    assert console_errors == []


SURFACE_TEXT = """() => [...document.querySelectorAll(
    '[data-view=landscape] canvas.nn-surface, [data-view=landscape] canvas.nn-surface-legend,'
    + ' [data-view=landscape] canvas.nn-slice')]
  .map((c) => { const r = c.getBoundingClientRect();
    const panel = document.querySelector('#detail-panel').getBoundingClientRect();
    return {cls: c.className, px: parseFloat(c.getContext('2d').font),
            scale: r.width / c.width, inside: r.left >= panel.left && r.right <= panel.right}; })"""


@pytest.mark.parametrize("size", [(390, 844), (1280, 800), (1920, 1080)])
def test_loss_surface_numbers_keep_their_size(page: Page, console_errors, screenshot_dir, size):
    """The full loss surface fits a phone's panel by being drawn smaller, not zoomed down (CSS
    zoom made its numbers 9.9 px at 390)."""
    open_page(page)
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    page.get_by_role("button", name="+1 epoch").click()
    page.wait_for_function(
        "() => window.nnplay.store.get('epoch') >= 1 && !window.nnplay.store.get('training')",
        timeout=120_000,
    )
    page.evaluate(
        "window.nnplay.store.set('detail', {layer: 'conv1', channel: 0, kind: 'output'})"
    )
    page.get_by_role("tab", name="Loss surface").click()
    view = page.locator("[data-view=landscape]")
    expect(view).to_have_attribute("data-state", "ready", timeout=60_000)
    view.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / f"loss-surface-{width}.png"))
    smallest = page.evaluate(SMALLEST_PARAGRAPH)
    texts = page.evaluate(SURFACE_TEXT)
    assert len(texts) == 3
    for text in texts:
        assert text["scale"] >= 0.99, text
        assert text["px"] * text["scale"] >= smallest - 0.01, (text, smallest)
        assert text["inside"], text
    # the 3-D view of the same surface: its numbers too (its canvas was 40 px wider than the
    # contour, scaled down to a phone's panel, with 10 px numbers)
    page.get_by_role("radio", name="3-D", exact=True).check()
    mesh = page.locator("canvas.nn-surface3d")
    expect(mesh).to_be_visible()
    drawn = mesh.evaluate(
        "c => { const r = c.getBoundingClientRect();"
        " const p = document.querySelector('#detail-panel').getBoundingClientRect();"
        " return {px: Number(/(\\d+(?:\\.\\d+)?)px/.exec(c.getContext('2d').font)[1]),"
        " scale: r.width / c.width, inside: r.left >= p.left && r.right <= p.right}; }"
    )
    assert drawn["inside"], drawn
    assert drawn["px"] * drawn["scale"] >= smallest - 0.01, (drawn, smallest)
    assert console_errors == []
