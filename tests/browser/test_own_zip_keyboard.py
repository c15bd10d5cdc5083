"""Keyboard only: "Upload zip…" is reachable with Tab and opens the file chooser (its input was
`hidden`, which takes it out of the Tab order; the pad's and the import's pickers were not)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.playground import open_page


def test_the_zip_picker_is_a_tab_stop(page: Page, console_errors):
    open_page(page)
    # opened as a keyboard user would (Enter on the summary), without the pointer's
    # actionability waits: this test is about the Tab order inside
    page.locator(".own summary").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".own")).to_have_attribute("open", "")
    page.locator(".own-add button[type=submit]").focus()
    zip_input = page.get_by_label("upload a zip with one folder per class")
    visited = []
    for _ in range(4):  # "Add drawing", (any sample's remove button), then the zip picker
        page.keyboard.press("Tab")
        visited.append(page.evaluate("document.activeElement.outerHTML.slice(0, 90)"))
        if zip_input.evaluate("e => e === document.activeElement"):
            break
    assert zip_input.evaluate("e => e === document.activeElement"), f"Tab went to {visited}"
    label = page.locator(".own-actions label.button")
    outline = label.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline == "solid"  # the label shows where the focus is
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    assert chooser.value.element.evaluate("e => e.classList.contains('own-zip')")
    assert console_errors == []
