"""A box the learner is typing in is not rewritten by a reply or a store change that lands
meanwhile (lib/keep-typed.js). Playwright's `fill` selects the box's text and then inserts; a
write between the two collapsed the selection and the key was appended ('5' became '-0.065', CI
on 5fbade9). Each test forces the order: the box's text selected (and typed over), then the
reply lands, then the test types or reads."""

from __future__ import annotations

import json
import urllib.request

from playwright.sync_api import Page, expect

from tests.browser.playground import READY_TIMEOUT, forward_count, hold_fetch, open_page

# Holds every PUT of the settings until the test calls window.__releaseSettings().
HOLD_SETTINGS = hold_fetch("__releaseSettings",
                           'url.endsWith("/settings") && init?.method === "PUT"')


def _a_forward_lands(page: Page) -> None:
    """The input in force sent again; returns once its reply has been drawn."""
    before = forward_count(page)
    page.evaluate("window.nnplay.store.set('input', {...window.nnplay.store.get('input')})")
    page.wait_for_function(
        f"() => Number(document.querySelector('#network').dataset.forwardVersion) > {before}",
        timeout=READY_TIMEOUT)


def test_a_forward_does_not_rewrite_the_unit_being_typed(page: Page, console_errors):
    """The dense detail's unit box and the panel's channel box were written from every forward:
    a unit typed and not yet entered went back to 0 when one landed (as during training)."""
    open_page(page)
    page.get_by_label("Layer to look inside").select_option("dense1")
    view = page.locator("[data-view=dense-detail]")
    expect(view.locator(".nn-detail-title")).to_have_text("dense1 · unit 0 of 10")
    for box in (view.get_by_label("Unit", exact=True), page.get_by_label("Channel or unit")):
        box.focus()
        box.evaluate("e => e.select()")
        page.keyboard.type("3")
        _a_forward_lands(page)
        assert box.input_value() == "3"
        box.press("Enter")
        expect(page.locator("[data-view=dense-detail] .nn-detail-title")).to_have_text(
            "dense1 · unit 3 of 10")
        page.evaluate("window.nnplay.store.set('detail', "
                      "{...window.nnplay.store.get('detail'), channel: 0})")
        expect(page.locator("[data-view=dense-detail] .nn-detail-title")).to_have_text(
            "dense1 · unit 0 of 10")
    assert console_errors == []


def test_a_settings_reply_does_not_rewrite_a_learning_rate_being_typed(page: Page,
                                                                       console_errors):
    """The learning-rate comparison's boxes follow the page's rate when its settings change; one
    whose text was selected to type over lost the selection, and '0.5' was appended."""
    page.add_init_script(HOLD_SETTINGS)
    open_page(page)
    page.evaluate(
        "window.nnplay.store.set('detail', {layer: 'conv1', channel: 0, kind: 'output'})"
    )
    page.get_by_role("tab", name="Learning rates").click()
    small = page.get_by_label("small learning rate", exact=True)
    good = page.get_by_label("good learning rate", exact=True)
    expect(small).to_be_visible()
    page.click(".train-settings summary")
    page.locator(".settings-form [name=lr]").fill("0.02")
    page.get_by_role("button", name="Apply settings").click()
    small.focus()
    small.evaluate("e => e.select()")
    page.evaluate("window.__releaseSettings()")
    page.wait_for_function("() => window.nnplay.store.get('settings').lr === 0.02",
                           timeout=READY_TIMEOUT)
    page.keyboard.type("0.5")
    assert small.input_value() == "0.5"
    # a box the learner did not touch follows the page's new rate
    expect(good).to_have_value("0.02")
    # leaving the typed box keeps the learner's rate
    good.focus()
    expect(small).to_have_value("0.5")
    assert console_errors == []


def test_a_new_spec_does_not_rewrite_the_input_size_being_typed(page: Page, live_server,
                                                                 console_errors):
    """The editor's input-size boxes were written from every spec the session's state brought
    (here changed by another client, read when the page reads the session again): a box whose
    text was selected to type over lost the selection, and the key was appended."""
    page.goto("/?autotrain=0&ds=own&in=3x1x1&arch=flatten-softmax")
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=READY_TIMEOUT)
    page.click(".editor summary")
    width = page.get_by_label("input width", exact=True)
    expect(width).to_have_value("1")
    width.focus()
    width.evaluate("e => e.select()")
    sid = page.evaluate("window.nnplay.store.get('sessionId')")
    spec = page.evaluate("window.nnplay.store.get('spec')")
    spec["input"]["width"] = 2
    _put_json(f"{live_server.url}/api/sessions/{sid}/spec", {"spec": spec})
    # the page reads the session again (as it does when the own data changes)
    page.evaluate("window.nnplay.store.set('request', "
                  "{type: 'refreshState', at: performance.now()})")
    page.wait_for_function("() => window.nnplay.store.get('spec').input.width === 2",
                           timeout=READY_TIMEOUT)
    page.keyboard.type("4")
    assert width.input_value() == "4"
    # a box the learner is not in shows the new spec (its value unchanged: 3 channels)
    expect(page.get_by_label("input channels", exact=True)).to_have_value("3")
    assert console_errors == []


def _put_json(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="PUT",
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read())


def test_a_settings_reply_keeps_what_was_typed_in_the_form_and_not_applied(page: Page,
                                                                           console_errors):
    """The settings form was written from every settings change except in the box being typed
    in: a rate typed, then the next box entered, went back to the rate in force when another
    view's settings reply landed (the stuck banner's lr ÷ 10 does the same)."""
    open_page(page)
    page.click(".train-settings summary")
    form = page.locator(".settings-form")
    old = page.evaluate("window.nnplay.store.get('settings')")
    old_lr = old["lr"]
    assert old_lr != 0.02 and old["batch_size"] != 16
    form.locator("[name=lr]").fill("0.02")
    form.locator("[name=momentum]").focus()
    page.evaluate("window.nnplay.store.set('request', {type: 'applySettings', "
                  "settings: {batch_size: 16}, at: performance.now()})")
    page.wait_for_function("() => window.nnplay.store.get('settings').batch_size === 16",
                           timeout=READY_TIMEOUT)
    # the box not typed in shows the new setting; the typed one keeps the learner's rate
    expect(form.locator("[name=batch_size]")).to_have_value("16")
    assert form.locator("[name=lr]").input_value() == "0.02"
    assert page.evaluate("window.nnplay.store.get('settings').lr") == old_lr
    page.get_by_role("button", name="Apply settings").click()
    page.wait_for_function("() => window.nnplay.store.get('settings').lr === 0.02",
                           timeout=READY_TIMEOUT)
    expect(form.locator("[name=lr]")).to_have_value("0.02")
    assert console_errors == []


def test_a_new_spec_does_not_take_away_the_layer_field_being_typed(page: Page, live_server,
                                                                   console_errors):
    """A new spec rebuilt the editor's layer list at once: the field whose text the learner had
    selected was replaced, and the key typed next went nowhere."""
    open_page(page)
    page.click(".editor summary")
    filters = page.get_by_label("layer 1 filters", exact=True)
    spec = page.evaluate("window.nnplay.store.get('spec')")
    assert spec["layers"][0]["type"] == "conv2d" and spec["layers"][0]["filters"] not in (4, 6)
    expect(filters).to_have_value(str(spec["layers"][0]["filters"]))
    filters.focus()
    filters.evaluate("e => e.select()")
    spec["layers"][0]["filters"] = 6
    sid = page.evaluate("window.nnplay.store.get('sessionId')")
    _put_json(f"{live_server.url}/api/sessions/{sid}/spec", {"spec": spec})
    page.evaluate("window.nnplay.store.set('request', "
                  "{type: 'refreshState', at: performance.now()})")
    page.wait_for_function("() => window.nnplay.store.get('spec').layers[0].filters === 6",
                           timeout=READY_TIMEOUT)
    page.keyboard.type("4")
    assert filters.input_value() == "4"
    # the learner's draft: 4 filters, against the 6 in use
    assert page.evaluate("window.nnplay.store.get('draftSpec').layers[0].filters") == 4
    assert console_errors == []


def test_a_new_spec_held_back_from_a_field_is_shown_when_it_is_left(page: Page, live_server,
                                                                    console_errors):
    """Left without typing, the field and the input size show the spec in use."""
    page.goto("/?autotrain=0&ds=own&in=3x1x1&arch=flatten-dense8-softmax")
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=READY_TIMEOUT)
    page.click(".editor summary")
    units = page.get_by_label("layer 2 units", exact=True)
    width = page.get_by_label("input width", exact=True)
    expect(units).to_have_value("8")
    sid = page.evaluate("window.nnplay.store.get('sessionId')")
    spec = page.evaluate("window.nnplay.store.get('spec')")
    for box, width_now, units_now in ((units, 2, 5), (width, 3, 4)):
        spec["input"]["width"] = width_now
        spec["layers"][1]["units"] = units_now
        _put_json(f"{live_server.url}/api/sessions/{sid}/spec", {"spec": spec})
        box.focus()
        page.evaluate("window.nnplay.store.set('request', "
                      "{type: 'refreshState', at: performance.now()})")
        page.wait_for_function(
            f"() => window.nnplay.store.get('spec').layers[1].units === {units_now}",
            timeout=READY_TIMEOUT)
        page.locator(".editor summary").focus()
        expect(page.get_by_label("layer 2 units", exact=True)).to_have_value(str(units_now))
        expect(width).to_have_value(str(width_now))
        assert page.evaluate("window.nnplay.store.get('draftSpec')") is None
    assert console_errors == []


def test_a_cell_typed_and_not_gone_to_is_kept_while_the_window_plays(page: Page, console_errors):
    """The sliding window's row and column boxes followed the playing window whenever neither
    was focused: a row typed, then the pointer on its way to Go, became the row the window had
    reached, and Go went there."""
    open_page(page)
    page.get_by_label("Layer to look inside").select_option("conv1")
    view = page.locator("[data-view=conv-detail]")
    expect(view).to_have_attribute("data-col", "0")
    page.get_by_label("Animation speed in cells per second").select_option("64")
    page.get_by_role("button", name="Play the sliding window").click()
    row = view.get_by_label("Output row", exact=True)
    row.focus()
    row.evaluate("e => e.select()")
    page.keyboard.type("5")
    row.evaluate("e => e.blur()")
    at = view.get_attribute("data-col")
    # the window moves on with the box left
    expect(view).not_to_have_attribute("data-col", at or "", timeout=READY_TIMEOUT)
    assert row.input_value() == "5"
    view.get_by_role("button", name="Jump to this output cell").click()
    expect(view).to_have_attribute("data-row", "5")
    assert console_errors == []
