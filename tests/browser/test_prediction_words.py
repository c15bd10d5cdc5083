""""prediction … sure" under what the network sees says the winner's probability as its softmax
bar does (a whole percent put "100% sure" beside a bar of 99.7%)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.playground import open_page, wait_settled


def test_the_prediction_says_the_winning_bar_s_probability(page: Page, console_errors):
    open_page(page)
    for index in (0, 3, 7):  # a few inputs, each a new forward
        page.locator(".samples-strip .sample").nth(index).click()
        wait_settled(page)
        reply = page.evaluate("""() => { const f = window.nnplay.store.get('lastForward');
          return {p: f.probabilities[f.prediction], label: f.class_names[f.prediction]}; }""")
        bar = page.locator(".net-col-softmax li.winner .p-value")
        expect(bar).to_have_text(f"{reply['p'] * 100:.1f}%")
        expect(page.locator(".pred-value")).to_have_text(reply["label"])
        expect(page.locator(".pred-conf")).to_have_text(f"{bar.inner_text()} sure")
    assert console_errors == []
