"""On a phone the detail views are worked by tapping: their words say so ("Hover the output map"
told a touch screen's user to do what it cannot; audit 2026-12-05), and a tap does what they say."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.browser.playground import READY_TIMEOUT


def test_a_tap_on_the_conv_output_map_jumps_to_that_cell(browser: Browser, base_url):
    context = browser.new_context(
        base_url=base_url, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto("/?autotrain=0")
        expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=READY_TIMEOUT)
        page.wait_for_function("() => window.nnplay.store.get('lastForward')")
        page.evaluate(
            "window.nnplay.store.set('detail', {layer: 'conv1', channel: 0, kind: 'output'})"
        )
        view = page.locator("[data-view=conv-detail]")
        expect(view.locator(".nn-detail-blurb")).to_contain_text(
            "Hover over or tap the output map to jump to a cell.")
        expect(view).to_contain_text("hover or tap to jump")
        out = view.locator("canvas.nn-output-grid")
        out.scroll_into_view_if_needed()
        box = out.bounding_box()
        assert box is not None
        # the output map is 28×28 cells: tap the middle of cell (row 20, column 6)
        out.tap(position={"x": box["width"] * 6.5 / 28, "y": box["height"] * 20.5 / 28})
        expect(view).to_contain_text("cell (20, 6)")

        # the ReLU's before/after maps: a tap picks the value marked on the curve
        page.evaluate(
            "window.nnplay.store.set('detail', {layer: 'relu1', channel: 0, kind: 'output'})"
        )
        relu = page.locator("[data-view=activation-detail]")
        expect(relu).to_contain_text("Hover over or tap a map to pick a value")
        before = relu.locator("canvas").first
        before.scroll_into_view_if_needed()
        box = before.bounding_box()
        assert box is not None
        before.tap(position={"x": box["width"] * 9.5 / 28, "y": box["height"] * 14.5 / 28})
        expect(relu.locator("[data-role=arithmetic]")).to_contain_text("cell (14, 9)")
        assert errors == []
    finally:
        context.close()


# Every text drawn on a canvas, in order (the curve's labels are pixels, not DOM text).
RECORD_CANVAS_TEXT = """
(() => {
  window.__canvasTexts = [];
  const fill = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
    window.__canvasTexts.push(String(text));
    return fill.call(this, text, ...rest);
  };
})();
"""


def test_the_activation_curve_prints_the_value_as_the_readout_does(page):
    """The curve said "x = -0.00605" above "relu(-0.006048) = 0" for the same value."""
    page.add_init_script(RECORD_CANVAS_TEXT)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/?autotrain=0")
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=READY_TIMEOUT)
    page.wait_for_function("() => window.nnplay.store.get('lastForward')")
    page.evaluate("window.nnplay.store.set('detail', {layer: 'relu1', channel: 0, kind: 'output'})")
    relu = page.locator("[data-view=activation-detail]")
    before = relu.locator("canvas").first
    box = before.bounding_box()
    assert box is not None
    # placed on the element as it is when the move is made (scrolled into view, laid out)
    before.hover(position={"x": box["width"] * 9.5 / 28, "y": box["height"] * 14.5 / 28})
    readout = relu.locator("[data-role=arithmetic]")
    expect(readout).to_contain_text("cell (14, 9)")
    x = readout.locator("[data-role=before]").inner_text()
    y = readout.locator("[data-role=after]").inner_text()
    # the curve's last two labels (other canvases of the page may draw text after it)
    texts = page.evaluate("window.__canvasTexts")
    last_x = [t for t in texts if t.startswith("x = ")][-1]
    last_y = [t for t in texts if t.startswith("relu(x) = ")][-1]
    assert [last_x, last_y] == [f"x = {x}", f"relu(x) = {y}"], (last_x, last_y, x, y)


def test_a_map_of_zeros_says_so_instead_of_a_scale_from_0_to_0(page):
    """A dead map or a zero gradient had the colour scale "0  0  0" (audit 2026-12-05)."""
    from tests.browser.test_playground_small_input import apply_preset

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/?autotrain=0")
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=READY_TIMEOUT)
    apply_preset(page, "pool4", [1, 4, 4])
    for box in page.locator("#values .values-grid input").all():
        box.fill("0")
    page.wait_for_function(
        "() => { const f = window.nnplay.store.get('lastForward');"
        " return f && f.input === window.nnplay.store.get('input')"
        " && f.input.values.every((v) => v === 0); }"
    )
    page.evaluate("window.nnplay.store.set('detail', {layer: 'pool1', channel: 0, kind: 'output'})")
    legends = page.locator("[data-view=pool-detail] .nn-legend")
    expect(legends).to_have_count(2)
    for i in range(2):
        expect(legends.nth(i).locator(".nn-legend-labels span")).to_have_text(["every value is 0"])
        assert "every value is 0" in legends.nth(i).get_attribute("aria-label")
        # its bar is the colour of 0 (white) from end to end
        colours = legends.nth(i).locator("canvas").evaluate(
            "c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
            " const s = new Set(); for (let k = 0; k < d.length; k += 4)"
            " s.add(d[k] + ',' + d[k + 1] + ',' + d[k + 2]); return [...s]; }")
        assert len(colours) == 1, colours
    # a map that is not all 0 keeps its scale
    page.get_by_label("input row 0 column 0", exact=True).fill("2")
    expect(legends.nth(0).locator(".nn-legend-labels span")).to_have_text(["-2", "0", "2"])


# The detail panel's module made to load 1.5 s late (a top-level await), as on a loaded machine.
def _load_the_panel_late(route):
    response = route.fetch()
    route.fulfill(response=response,
                  body="await new Promise((r) => setTimeout(r, 1500));\n" + response.text())


def test_a_detail_picked_before_the_panel_loaded_opens_in_view(page):
    """The panel was shown only after it was filled, so its scroll into view did nothing: a detail
    picked while its module loaded opened below the fold (CI: a hover 18 px under the window)."""
    page.route("**/js/detail/panel.js", _load_the_panel_late)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/?autotrain=0")
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=READY_TIMEOUT)
    page.wait_for_function("() => window.nnplay.store.get('lastForward')")
    assert page.locator("#detail-panel").is_hidden()
    page.evaluate("window.nnplay.store.set('detail', {layer: 'relu1', channel: 0, kind: 'output'})")
    before = page.locator("[data-view=activation-detail] canvas.nn-before-grid")
    expect(before).to_be_visible(timeout=READY_TIMEOUT)
    box = before.bounding_box()
    assert box is not None
    assert 0 <= box["y"] and box["y"] + box["height"] <= 800, box
