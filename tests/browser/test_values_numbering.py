"""The typed input's boxes number channels from 0, as the network's maps and the softmax's
classes are: "By hand: softmax of 3 logits" called its logits value 1-3 beside classes 0-2."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.playground import READY_TIMEOUT, hold_fetch, open_page

LINK = "/?autotrain=0&ds=own&in=3x1x1&arch=flatten-softmax"


def test_three_logits_are_values_0_to_2_like_their_classes(page: Page, console_errors):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(LINK)
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=READY_TIMEOUT)
    legends = page.locator(".values-channel legend")
    expect(legends).to_have_text(["value 0", "value 1", "value 2"], timeout=READY_TIMEOUT)
    for i, v in enumerate(("0.5", "3", "-1")):
        page.get_by_label(f"input value {i}", exact=True).fill(v)
    page.wait_for_function("() => window.nnplay.store.get('lastForward')?.prediction === 1")
    # the biggest logit, typed in box 1, is class 1 of the softmax
    expect(page.locator(".net-col-softmax li.winner .p-label")).to_have_text("1")
    assert console_errors == []


def test_typed_grid_counts_rows_and_columns_from_0(page: Page, console_errors):
    """Issue 12 made 0 the rule: the typed grid's boxes are named channel/row/column from 0, in
    the order the values reach the network (index = channel·H·W + row·W + column)."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/?autotrain=0&ds=own&in=2x2x3&arch=flatten-softmax")
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=READY_TIMEOUT)
    boxes = page.locator("#values .values-grid input")
    labels = boxes.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert labels == [
        f"input channel {ch} row {r} column {c}"
        for ch in range(2) for r in range(2) for c in range(3)
    ]
    page.get_by_label("input channel 1 row 1 column 2", exact=True).fill("7")
    page.wait_for_function(
        "() => window.nnplay.store.get('input')?.values?.[1 * 6 + 1 * 3 + 2] === 7"
    )
    assert console_errors == []


def test_hand_set_filter_boxes_are_named_by_filter_row_and_column_from_0(
    page: Page, console_errors
):
    open_page(page)
    page.locator("details.filters summary").click()
    box = page.locator(".filter-box").nth(2)
    labels = box.locator(".kgrid input").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))"
    )
    k = int(len(labels) ** 0.5)
    assert k * k == len(labels) and k >= 2
    assert labels == [f"filter 2 row {r} column {c}" for r in range(k) for c in range(k)]
    # every box of every filter has a name of its own
    every = page.locator(".filter-box .kgrid input").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))"
    )
    assert len(set(every)) == len(every)
    page.get_by_label(f"filter 2 row 0 column {k - 1}", exact=True).fill("5")
    assert box.locator(".kgrid input").nth(k - 1).input_value() == "5"
    expect(page.get_by_label("filter 2 kind")).to_have_value("typed")
    assert console_errors == []


# GET .../params/* held until the test lets it go (window.__releaseParams()).
HOLD_PARAMS = hold_fetch("__releaseParams",
                         'url.includes("/params/") && (init?.method ?? "GET") === "GET"')


def test_a_filter_box_being_typed_in_is_not_rewritten_by_the_layers_read(page: Page):
    """Opening the panel reads conv1's filters; a box the user had selected to type in was
    rewritten by that read, the selection lost, and the key typed next appended to it: '5'
    became '-0.065' (CI on 5fbade9, Playwright's fill between its select and its insert)."""
    page.add_init_script(HOLD_PARAMS)
    open_page(page)
    page.locator("details.filters summary").click()
    box = page.get_by_label("filter 2 row 0 column 1", exact=True)
    box.focus()
    box.evaluate("e => e.select()")
    page.evaluate("window.__releaseParams()")
    expect(page.locator(".filters-state")).to_contain_text("conv1's", timeout=READY_TIMEOUT)
    page.keyboard.type("5")
    assert box.input_value() == "5"
    # the boxes not being typed in show conv1's filters: filter 0 as the layer holds it
    expect(page.get_by_label("filter 0 kind")).to_have_value("current")
    expect(page.locator(".filters-state")).to_contain_text("yours are kept")
