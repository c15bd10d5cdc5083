"""The softmax detail's exponentials column subtracts the largest score, printed as the scores
column prints it (audit 2026-12-05: "e^(z − 11.5)" beside a largest score of 11.55, whose
exponential the table gives as 1)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.playground import READY_TIMEOUT

LINK = "/?autotrain=0&ds=own&in=3x1x1&arch=flatten-softmax"


def typed_logits(page: Page, logits: list[str]) -> None:
    for i, v in enumerate(logits):
        page.get_by_label(f"input value {i}", exact=True).fill(v)
    page.wait_for_function(
        "want => { const i = window.nnplay.store.get('input');"
        " const f = window.nnplay.store.get('lastForward');"
        " return i && f && f.input === i && i.values.every((v, k) => v === want[k]); }",
        arg=[float(v) for v in logits],
    )


def test_exponentials_head_shows_the_largest_score_as_printed(page: Page, console_errors):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(LINK)
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=READY_TIMEOUT)
    typed_logits(page, ["2.345", "1", "0"])
    page.evaluate(
        "window.nnplay.store.set('detail', {layer: 'softmax1', channel: 0, kind: 'output'})"
    )
    view = page.locator("[data-role=softmax-table]")
    scores = view.locator("[data-role=score]")
    expect(scores).to_have_count(3)
    expect(scores.nth(0)).to_have_text("2.345")
    expect(view.locator("thead th").nth(2)).to_have_text("e^(z − 2.345)")
    expect(view.locator("[data-role=exp]").nth(0)).to_have_text("1")

    # all scores negative: the largest is subtracted, said without "− -"
    typed_logits(page, ["-1.234", "-2", "-3"])
    expect(scores.nth(0)).to_have_text("-1.234")
    expect(view.locator("thead th").nth(2)).to_have_text("e^(z + 1.234)")
    assert console_errors == []


def test_softmax_table_numbers_stay_on_one_line_on_a_phone(page: Page, console_errors,
                                                             screenshot_dir):
    """At 390 "÷ 1.003" broke after its sign in every row (audit 2026-12-05); the table still
    fits the panel."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(LINK)
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=READY_TIMEOUT)
    typed_logits(page, ["2.345", "1", "0.1234"])
    page.evaluate(
        "window.nnplay.store.set('detail', {layer: 'softmax1', channel: 0, kind: 'output'})"
    )
    table = page.locator("[data-role=softmax-table]")
    expect(table.locator("tbody tr")).to_have_count(3)
    table.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "softmax-table-390.png"))
    lines = table.locator("tbody td").evaluate_all(
        "tds => tds.map(td => { const r = document.createRange(); r.selectNodeContents(td);"
        " return {text: td.textContent, lines: new Set([...r.getClientRects()]"
        ".map(q => Math.round(q.top))).size}; })"
    )
    assert lines and all(cell["lines"] == 1 for cell in lines), lines
    fits = page.evaluate(
        "() => { const t = document.querySelector('[data-role=softmax-table]')"
        ".getBoundingClientRect(); const p = document.querySelector('#detail-panel')"
        ".getBoundingClientRect(); return t.right <= p.right; }"
    )
    assert fits
    assert console_errors == []


def test_the_detail_panel_is_never_shown_without_its_stylesheet(page: Page, console_errors):
    """The panel's rules (static/css/detail.css) were added by its module when it was made, so
    on a loaded machine the panel was drawn before they arrived: at 390 "÷ 1.369" broke onto a
    second line (the suite run with --js-delay). The stylesheet here arrives 1.5 s late."""
    def css_late(route):
        route.request.frame.wait_for_timeout(1500)  # in the route's own greenlet
        route.fallback()

    page.route("**/static/css/detail.css", css_late)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(LINK)
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=READY_TIMEOUT)
    typed_logits(page, ["2.345", "1", "0.1234"])
    page.evaluate(
        "window.nnplay.store.set('detail', {layer: 'softmax1', channel: 0, kind: 'output'})"
    )
    cells = page.locator("[data-role=softmax-table] tbody td")
    expect(cells.first).to_be_attached(timeout=READY_TIMEOUT)
    spaces = cells.evaluate_all("tds => tds.map(td => getComputedStyle(td).whiteSpace)")
    assert spaces and all(s == "nowrap" for s in spaces), spaces
    assert console_errors == []
