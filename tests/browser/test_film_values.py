"""The film's forward frames of a short vector (dense units, the softmax's probabilities) list
their numbers under the strip of colours: a 1-row strip on a diverging scale gave no value, and
for the softmax no class."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.playground import open_page, wait_settled


def test_the_softmax_frame_lists_each_class_s_probability(page: Page, console_errors,
                                                           screenshot_dir):
    open_page(page)
    page.locator(".samples-strip .sample").nth(5).click()
    wait_settled(page)
    probs = page.evaluate("Array.from(window.nnplay.store.get('lastForward').probabilities)")
    names = page.evaluate("window.nnplay.store.get('lastForward').class_names")
    page.get_by_role("tab", name="Training step film").click()
    film = page.locator("[data-view=film]")
    page.get_by_role("button", name="Record one training step on the current input").click()
    expect(film).to_have_attribute("data-state", "ready", timeout=15_000)
    phase = film.locator(".nn-film-phase")
    values = film.locator("[data-role=film-values] li")
    for _ in range(12):  # forward, one frame a layer, to the softmax
        if "softmax1" in phase.inner_text():
            break
        film.get_by_role("button", name="Next frame").click()
    expect(phase).to_contain_text("softmax1")
    expect(values).to_have_count(len(probs))
    shown = [float(v) for v in values.evaluate_all("els => els.map(e => e.dataset.value)")]
    # the traced step's forward is the forward on screen: same input, same weights
    assert all(abs(a - b) < 1e-5 for a, b in zip(shown, probs, strict=True))
    expect(values).to_have_text([f"{n}: {p * 100:.1f}%" for n, p in zip(names, probs, strict=True)])
    page.screenshot(path=str(screenshot_dir / "film-softmax-values-1280.png"), full_page=True)

    film.get_by_role("button", name="Previous frame").click()  # dense1: its 10 units in numbers
    expect(phase).to_contain_text("dense1")
    expect(values).to_have_count(10)
    expect(values.first).to_contain_text("unit 0: ")
    assert console_errors == []
