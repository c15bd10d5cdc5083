"""Adding own samples reads the session's state again: the training panel's "Cannot train yet"
follows the samples (it kept saying "needs samples of at least two classes" after the second
class was added, until something else happened to fetch the state)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.playground import READY_TIMEOUT, draw, wait_settled


def add(page: Page, label: str, stroke: list[tuple[float, float]]) -> None:
    draw(page, stroke)
    wait_settled(page)
    page.locator(".own-add input[name=label]").fill(label)
    page.locator(".own-add button[type=submit]").click()
    expect(page.locator(".own-msg")).to_have_text(f'Added a "{label}".')


def test_the_training_problem_follows_the_own_samples(page: Page, console_errors,
                                                      screenshot_dir):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/?autotrain=0&ds=own")  # an empty own dataset: no sample to show, nothing drawn
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=READY_TIMEOUT)
    problem = page.locator(".train-problem")
    expect(problem).to_contain_text("at least two classes")
    buttons = [page.get_by_role("button", name=n) for n in ("+1 sample", "+1 batch", "+1 epoch",
                                                             "▶ Play")]
    for button in buttons:  # nothing to train on: the buttons wait, the note says why
        expect(button).to_be_disabled()
    page.locator(".own summary").click()
    add(page, "ring", [(0.3, 0.3), (0.7, 0.3), (0.7, 0.7), (0.3, 0.7), (0.3, 0.3)])
    expect(problem).to_contain_text("at least two classes")  # still one class
    add(page, "bar", [(0.5, 0.1), (0.5, 0.9)])
    # the network's answer is asked again: its class names are the two classes now
    labels = page.locator(".net-col-softmax .p-label")
    expect(labels.nth(0)).to_have_text("ring")
    expect(labels.nth(1)).to_have_text("bar")
    # two classes now: what stands in the way is the output layer's 10 units, said as such
    expect(problem).not_to_contain_text("at least two classes")
    expect(problem).to_contain_text("2 classes")
    page.screenshot(path=str(screenshot_dir / "own-data-problem-1280.png"), full_page=True)

    # "Train on my data" resizes the output and trains: the problem goes
    for button in buttons:
        expect(button).to_be_disabled()
    page.locator(".own-train").click()
    expect(problem).to_be_hidden(timeout=30_000)
    page.wait_for_function("() => !window.nnplay.store.get('training')", timeout=60_000)
    for button in buttons:
        expect(button).to_be_enabled()
    page.wait_for_function("() => window.nnplay.store.get('epoch') >= 1"
                           " && !window.nnplay.store.get('training')", timeout=60_000)
    assert console_errors == []
