"""The page reflows from a phone to a wide screen: at 360x740, 390x844, 800x600, 1280x800,
1920x1080 and 2560x1440, for every preset, with every collapsible part open and the detail panel
showing a layer, nothing is wider than the window and nothing sticks out of its card (only the
network strip scrolls sideways). The dataset presets are trained one epoch first (so that the
confusion matrix is there); the by-hand presets, which run on typed values and own data, show
their typed example in the input boxes instead.
The film and the loss surface fit at the same sizes. A phone draws on the pad by touch.
Screenshots of every case go to test-artifacts/screenshots/layout-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.playground import READY_TIMEOUT, settled_box, wait_settled
from tests.browser.test_playground_small_input import apply_preset

SIZES = [(360, 740), (390, 844), (800, 600), (1280, 800), (1920, 1080), (2560, 1440)]
PRESETS = ["tiny", "small", "dense", "shapes"]
# The by-hand presets: the input shape their example is typed at, and what opens the detail
# panel on their first layer (a map's tile; the softmax's bars for three logits).
BY_HAND = {
    "conv4": ([1, 4, 4], ".net-col[data-layer=conv1] canvas.tile"),
    "pool4": ([1, 4, 4], ".net-col[data-layer=pool1] canvas.tile"),
    "softmax3": ([3, 1, 1], ".net-col-softmax .probs li"),
}

# Every problem found, as readable strings; [] when the layout is sound. In the page:
# - the document is no wider than the window;
# - every element of a card (.col, the top bar, the lab's parts) lies inside the card's box,
#   unless an ancestor inside the card clips it (a scroller: the network strip);
# - no element other than a text field and the network strip cuts or scrolls its content
#   sideways (scrollWidth > clientWidth with overflow other than visible);
# - inside the network strip, every element lies inside its own layer column (the
#   probabilities, "100.0%" included, are not cut by the next column or the card).
OVERFLOWS = r"""
() => {
  const out = [];
  const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (typeof e.className === 'string' && e.className
       ? '.' + e.className.trim().split(/\s+/).join('.') : '')
    + (e.dataset && e.dataset.layer ? `[${e.dataset.layer}]` : '');
  const span = (r) => `[${Math.round(r.left)}, ${Math.round(r.right)}]`;
  const vw = window.innerWidth;
  const sw = document.documentElement.scrollWidth;
  if (sw > vw) out.push(`the page is ${sw} px wide in a ${vw} px window`);
  const cards = document.querySelectorAll(
    'main > .col:not([hidden]), .topbar, #banner, .lab-tabs, .lab-view:not([hidden])');
  for (const card of cards) {
    const cb = card.getBoundingClientRect();
    if (cb.right > vw + 0.5 || cb.left < -0.5) {
      out.push(`${name(card)} ${span(cb)} outside the window`);
    }
    for (const el of card.querySelectorAll('*')) {
      const s = getComputedStyle(el);
      if (s.display === 'none' || s.visibility === 'hidden' || s.position === 'fixed') continue;
      const details = el.closest('details');
      if (details && !details.open && !el.closest('summary')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      let clipped = false;
      for (let a = el.parentElement; a && a !== card; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible') { clipped = true; break; }
      }
      const column = el.closest('.net-col');
      if (column && column !== el) {
        const c = column.getBoundingClientRect();
        if (r.width > 0 && (r.right > c.right + 1 || r.left < c.left - 1)) {
          out.push(`${name(el)} ${span(r)} sticks out of its layer column`
            + ` ${name(column)} ${span(c)}`);
        }
      }
      if (!clipped && (r.right > cb.right + 1 || r.left < cb.left - 1)) {
        out.push(`${name(el)} ${span(r)} sticks out of ${name(card)} ${span(cb)}`);
      }
      if (el.tagName !== 'INPUT' && !el.matches('.net-scroll') && s.overflowX !== 'visible'
          && el.scrollWidth > el.clientWidth + 1) {
        out.push(`${name(el)} cuts its content: ${el.scrollWidth} > ${el.clientWidth} px`
          + ` ("${el.textContent.trim().slice(0, 30)}")`);
      }
      if (out.length >= 20) return out;
    }
  }
  return out;
}
"""

SETTLED = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"


def open_preset(page: Page, preset: str) -> None:
    """The playground with `preset`'s spec and settings from the link, on 300 samples."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/?autotrain=0")
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=READY_TIMEOUT)
    query = page.evaluate(
        """async (key) => {
          const P = await import('/static/js/lib/presets.js');
          const U = await import('/static/js/lib/urlstate.js');
          const p = P.PRESETS[key];
          const settings = {...P.DEFAULT_SETTINGS, ...p.settings, dataset_size: 300};
          return U.encodeState({spec: p.spec, settings});
        }""",
        preset,
    )
    page.goto(f"/?{query}&autotrain=0")
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=READY_TIMEOUT)
    page.wait_for_function("() => window.nnplay.store.get('lastForward')", timeout=READY_TIMEOUT)


def test_the_layout_test_covers_every_preset(page: Page):
    page.goto("/?autotrain=0")
    keys = page.evaluate(
        "async () => Object.keys((await import('/static/js/lib/presets.js')).PRESETS)"
    )
    assert sorted(keys) == sorted([*PRESETS, *BY_HAND])


@pytest.mark.parametrize("preset", PRESETS)
def test_nothing_overflows_at_any_size(page: Page, preset, console_errors, screenshot_dir):
    open_preset(page, preset)
    page.get_by_role("button", name="+1 epoch").click()
    page.wait_for_function(
        "() => { const s = window.nnplay.store;"
        " return s.get('confusion') && s.get('epoch') >= 1 && !s.get('training'); }",
        timeout=120_000,
    )
    expect(page.locator(".confusion table")).to_be_visible()
    # Every collapsible part open (editor, hand-set filters, settings, own classes).
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    # The detail panel on the first map (or, without maps, the first dense layer's bars).
    first = page.locator(".net-col:not(.net-col-input) canvas.tile, canvas.bars").first
    first.click()
    expect(page.locator("#detail-panel .nn-close")).to_be_visible()
    expect(page.locator("#detail-panel .nn-detail-title")).to_be_visible(timeout=15_000)

    check_every_size(page, preset, screenshot_dir)
    assert console_errors == []


@pytest.mark.parametrize("preset", list(BY_HAND))
def test_nothing_overflows_by_hand_at_any_size(page: Page, preset, console_errors,
                                                screenshot_dir):
    """A by-hand preset as a user opens it: picked and applied in the editor (a new session on
    own data), its example in the input boxes, the detail panel on its first layer."""
    shape, opener = BY_HAND[preset]
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/?autotrain=0")
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=READY_TIMEOUT)
    page.wait_for_function("() => window.nnplay.store.get('lastForward')", timeout=READY_TIMEOUT)
    apply_preset(page, preset, shape)
    boxes = page.locator("#values .values-grid input")
    example = page.evaluate(
        "async (key) => (await import('/static/js/lib/presets.js')).PRESETS[key].example.values",
        preset,
    )
    expect(boxes).to_have_count(len(example))
    assert [float(v) for v in boxes.evaluate_all("els => els.map(e => e.value)")] == example
    # Every collapsible part open (editor, typed input, hand-set filters, settings, own classes).
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    page.locator(opener).first.click()
    expect(page.locator("#detail-panel .nn-close")).to_be_visible()
    expect(page.locator("#detail-panel .nn-detail-title")).to_be_visible(timeout=15_000)
    check_every_size(page, preset, screenshot_dir)
    assert console_errors == []


def check_every_size(page: Page, preset: str, screenshot_dir) -> None:
    """OVERFLOWS at every size (the probabilities at their widest), a full-page screenshot of
    each, and the detail panel's close button inside its panel."""
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate(SETTLED)
        # The widest number the probabilities show must fit beside its bar.
        page.evaluate(
            "() => document.querySelectorAll('.probs .p-value')"
            ".forEach((e) => { e.textContent = '100.0%'; })"
        )
        problems = page.evaluate(OVERFLOWS)
        page.screenshot(
            path=str(screenshot_dir / f"layout-{preset}-{width}x{height}.png"), full_page=True
        )
        assert problems == [], f"{preset} at {width}x{height}: " + "\n".join(problems)
        close = page.locator("#detail-panel .nn-close").bounding_box()
        panel = page.locator("#detail-panel").bounding_box()
        assert close and panel
        assert (
            panel["x"] <= close["x"] and close["x"] + close["width"] <= panel["x"] + panel["width"]
        ), f"the detail's close button is outside its panel at {width}x{height}"


def test_a_phone_draws_on_the_pad_by_touch(browser: Browser, base_url, screenshot_dir):
    context = browser.new_context(
        base_url=base_url, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    try:
        page.goto("/?autotrain=0")
        expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=READY_TIMEOUT)
        page.wait_for_function("() => window.nnplay.store.get('lastForward')")
        assert page.evaluate(OVERFLOWS) == []
        box = settled_box(page.locator("canvas.pad"))
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        scroll_before = page.evaluate("() => [window.scrollX, window.scrollY]")
        # A finger's stroke: touch events through the DevTools protocol, as a touch screen
        # sends them (the page sees pointer events of pointerType "touch").
        page.evaluate(
            "() => { window.__pointerTypes = new Set();"
            " document.querySelector('canvas.pad').addEventListener('pointerdown',"
            " (e) => window.__pointerTypes.add(e.pointerType)); }"
        )
        cdp = context.new_cdp_session(page)
        points = [(0.5, 0.15 + 0.07 * i) for i in range(11)]
        xy = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
        cdp.send(
            "Input.dispatchTouchEvent",
            {"type": "touchStart", "touchPoints": [{"x": xy[0][0], "y": xy[0][1]}]},
        )
        for x, y in xy[1:]:
            cdp.send(
                "Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]}
            )
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        assert page.evaluate("() => [...window.__pointerTypes]") == ["touch"]
        expect(page.locator(".pad-wrap")).to_have_attribute("data-has-ink", "true")
        page.wait_for_function("() => window.nnplay.store.get('input').kind === 'pixels'")
        wait_settled(page)
        # the stroke drew; it did not scroll the page
        assert page.evaluate("() => [window.scrollX, window.scrollY]") == scroll_before
        ink = page.evaluate(
            "() => window.nnplay.store.get('lastForward').preprocessed.data"
            ".reduce((a, v) => a + (v > 0.5 ? 1 : 0), 0)"
        )
        assert ink > 10, "the network sees the stroke"
        page.screenshot(path=str(screenshot_dir / "layout-phone-touch.png"))
    finally:
        context.close()


@pytest.mark.parametrize("width,height", [(390, 844), (800, 600)])
def test_the_lab_shell_fits_a_phone(page: Page, width, height, screenshot_dir):
    page.set_viewport_size({"width": width, "height": height})
    page.goto("/lab")
    expect(page.locator("#lab-tabs [role=tab]").first).to_be_visible(timeout=READY_TIMEOUT)
    page.evaluate(SETTLED)
    problems = page.evaluate(OVERFLOWS)
    page.screenshot(path=str(screenshot_dir / f"layout-lab-{width}x{height}.png"), full_page=True)
    assert problems == [], "\n".join(problems)


def check_sizes(page: Page, name: str, screenshot_dir) -> None:
    """OVERFLOWS at every size, with a screenshot of the detail panel at each."""
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate(SETTLED)
        problems = page.evaluate(OVERFLOWS)
        page.locator("#detail-panel").screenshot(
            path=str(screenshot_dir / f"layout-{name}-{width}x{height}.png")
        )
        assert problems == [], f"{name} at {width}x{height}: " + "\n".join(problems)


def test_the_film_and_the_loss_surface_fit_at_any_size(page: Page, console_errors, screenshot_dir):
    """The two-conv preset's eleven layer cards wrap instead of scrolling; the loss surface
    and its 3-D view fit a phone."""
    open_preset(page, "small")
    page.get_by_role("button", name="+1 epoch").click()
    page.wait_for_function(
        "() => { const s = window.nnplay.store;"
        " return s.get('epoch') >= 1 && !s.get('training'); }",
        timeout=120_000,
    )
    page.get_by_role("tab", name="Training step film").click()
    page.get_by_role("button", name="Record one training step on the current input").click()
    film = page.locator("[data-view=film]")
    expect(film).to_have_attribute("data-state", "ready", timeout=30_000)
    next_frame = page.get_by_role("button", name="Next frame")
    for _ in range(4):  # into the forward sweep: the cards hold maps by then
        next_frame.click()
    expect(film).to_have_attribute("data-frame", "4")
    check_sizes(page, "film", screenshot_dir)

    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("tab", name="Loss surface").click()
    view = page.locator("[data-view=landscape]")
    expect(view).to_have_attribute("data-state", "ready", timeout=60_000)
    check_sizes(page, "surface", screenshot_dir)
    page.locator('[data-view=landscape] input[value="3d"]').check()
    expect(page.locator("canvas.nn-surface3d")).to_be_visible()
    check_sizes(page, "surface3d", screenshot_dir)
    assert console_errors == []
