"""The reply to "Apply settings" is said under its button, where the person is (on a phone the
page's status line is a screen or two above), and a refused setting's box is marked."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.playground import READY_TIMEOUT, open_page, wait_frames


def test_a_refused_and_an_applied_setting_are_said_at_the_form(page: Page, console_errors,
                                                               screenshot_dir):
    open_page(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.click(".train-settings summary")
    form = page.locator(".settings-form")
    msg = form.locator(".settings-msg")
    split = [form.locator(f"[name=split_{k}]") for k in ("train", "val", "test")]

    split[0].fill("0.9")  # with 0.1 and 0.1: 1.1, which the server refuses
    form.locator("button[type=submit]").click()
    expect(msg).to_contain_text("Not applied: settings.split: split fractions add up to 1.1")
    expect(msg).to_be_in_viewport()
    for box in split:
        expect(box).to_have_attribute("aria-invalid", "true")
    expect(form.locator("[name=lr]")).not_to_have_attribute("aria-invalid", "true")
    expect(split[0]).to_be_focused()
    expect(split[0]).to_have_value("0.9")  # what the person typed stays, to be corrected
    page.screenshot(path=str(screenshot_dir / "settings-refused-390.png"))

    split[0].fill("0.8")
    expect(msg).to_be_empty()  # a box edited again: the old refusal goes
    form.locator("[name=lr]").fill("0.02")
    form.locator("button[type=submit]").click()
    expect(msg).to_have_text("Settings applied: training continues from the current weights.")
    expect(form.locator("[aria-invalid=true]")).to_have_count(0)
    assert page.evaluate("window.nnplay.store.get('settings').lr") == 0.02
    errors = [e for e in console_errors if "422" not in e]  # the refused PUT's own console line
    assert errors == []


@pytest.mark.parametrize("panel", ["before the reply", "after the reply"])
def test_the_form_stays_in_sight_when_the_detail_panel_loads_late(page: Page, panel):
    """On a phone the detail panel is shown above the training column once its module is
    there; on a loaded machine that was while the settings were being applied, and the refusal
    went 198 px under the window (the suite run with --js-delay). The element the person is
    using stays where it was on the screen, and the reply under the button with it."""
    modules, replies = [], []
    page.route("**/js/detail/panel.js", lambda route: modules.append(route))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/?autotrain=0")
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=READY_TIMEOUT)
    page.wait_for_function("() => window.nnplay.store.get('lastForward')")
    assert page.locator("#detail-panel").is_hidden() and len(modules) == 1
    page.click(".train-settings summary")
    form = page.locator(".settings-form")
    msg = form.locator(".settings-msg")
    form.locator("[name=split_train]").fill("0.9")
    if panel == "before the reply":
        page.route("**/api/sessions/*/settings", lambda route: replies.append(route))
    with page.expect_request("**/api/sessions/*/settings"):
        form.locator("button[type=submit]").click()
    if panel == "after the reply":
        expect(msg).to_contain_text("Not applied: settings.split")
        expect(msg).to_be_in_viewport()
    modules[0].fallback()
    expect(page.locator("#detail-panel .nn-hint")).to_be_visible(timeout=READY_TIMEOUT)
    wait_frames(page)
    if panel == "before the reply":
        assert len(replies) == 1
        replies[0].fallback()
    expect(msg).to_contain_text("Not applied: settings.split: split fractions add up to 1.1")
    expect(form.locator("[name=split_train]")).to_be_focused()
    expect(form.locator("[name=split_train]")).to_be_in_viewport()
    expect(msg).to_be_in_viewport()
