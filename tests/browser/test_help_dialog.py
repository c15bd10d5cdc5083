"""The help is a modal dialog for the keyboard too: Tab stays inside it (it walked out to the
page behind it), and closing it gives the focus back to the button that opened it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.playground import open_page

INSIDE = "() => document.getElementById('help').contains(document.activeElement)"


def test_tab_stays_in_the_help_and_focus_comes_back(page: Page, console_errors):
    open_page(page)
    opener = page.get_by_role("button", name="? Help")
    opener.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Close")).to_be_focused()
    for key in ("Tab", "Tab", "Shift+Tab", "Tab"):
        page.keyboard.press(key)
        assert page.evaluate(INSIDE), f"after {key} the focus left the dialog"
    expect(dialog).to_contain_text("buttons of the Training panel")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()

    # opened with "?" from the page and closed with its button: back to where the focus was
    sample = page.locator(".samples-strip .sample").first
    sample.focus()
    page.keyboard.press("?")
    expect(dialog).to_be_visible()
    page.keyboard.press("Enter")  # on the focused Close button
    expect(dialog).to_be_hidden()
    expect(sample).to_be_focused()
    assert console_errors == []
