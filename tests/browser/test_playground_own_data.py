"""Your own data: label drawings of two classes, see them counted, remove one, train on them."""

from __future__ import annotations

import math

from playwright.sync_api import expect

from tests.browser.playground import READY_TIMEOUT, draw, get_json, open_page, wait_epoch


def bar(shift: float) -> list[tuple[float, float]]:
    return [(0.5 + shift, 0.15), (0.5 + shift, 0.85)]


def ring(shift: float) -> list[tuple[float, float]]:
    return [
        (
            0.5 + shift + 0.3 * math.cos(t / 12 * 2 * math.pi),
            0.5 + 0.3 * math.sin(t / 12 * 2 * math.pi),
        )
        for t in range(13)
    ]


def add(page, stroke, label: str) -> None:
    draw(page, stroke)
    page.get_by_label("label for the drawing").fill(label)
    before = page.evaluate("window.nnplay.store.get('ownData')?.samples?.length ?? 0")
    page.get_by_role("button", name="Add drawing").click()
    page.wait_for_function(
        f"(window.nnplay.store.get('ownData')?.samples?.length ?? 0) === {before + 1}"
    )


def test_drawn_samples_of_two_classes_train(page, live_server, console_errors, screenshot_dir):
    session_id = open_page(page)
    page.locator(".own summary").click()
    for shift in (-0.1, 0.0, 0.1, 0.05):
        add(page, bar(shift), "bar")
    for shift in (-0.05, 0.0, 0.05, 0.1):
        add(page, ring(shift), "ring")
    expect(page.locator(".own-classes")).to_have_text("bar: 4 · ring: 4")
    assert page.locator(".own-item").count() == 8

    # Remove one: the count follows.
    page.get_by_role("button", name="remove sample").last.click()
    expect(page.locator(".own-classes")).to_have_text("bar: 4 · ring: 3")
    page.get_by_role("button", name="remove sample").first.click()
    expect(page.locator(".own-classes")).to_have_text("bar: 3 · ring: 3")
    state = get_json(f"{live_server.url}/api/sessions/{session_id}")
    assert state["samples"]["classes"] == {"bar": 3, "ring": 3}

    # A draft left in the editor (4 filters, not applied) gives way to the network the
    # own data needs (dense1 with one unit per class).
    page.locator(".editor summary").click()
    page.get_by_label("layer 1 filters").fill("4")
    page.wait_for_function("window.nnplay.store.get('draftSpec') !== null")

    page.get_by_role("button", name="Train on my data").click()
    wait_epoch(page, 1)
    assert page.evaluate("window.nnplay.store.get('draftSpec')") is None
    expect(page.locator(".editor-state")).to_have_text("This is the network in use.")
    expect(page.get_by_label("layer 5 units")).to_have_value("2")
    state = get_json(f"{live_server.url}/api/sessions/{session_id}")
    assert state["settings"]["dataset"] == "own"
    assert state["class_names"] == ["bar", "ring"]
    assert [h["epoch"] for h in state["history"]] == [1]
    # The softmax column now speaks of the user's classes.
    expect(page.locator(".probs .p-label")).to_have_text(["bar", "ring"])
    page.screenshot(path=str(screenshot_dir / "playground-own-data.png"), full_page=True)

    # Three drawings a class split 80/10/10 leave no validation sample: the confusion matrix
    # is of the train split and says so, and a refresh shows a training example, no error.
    assert state["dataset"]["val"] == 0 and state["dataset"]["train"] == 6
    assert state["confusion"]["split"] == "train"
    assert sum(map(sum, state["confusion"]["matrix"])) == 6
    expect(page.locator(".confusion-title")).to_contain_text("(train)")
    page.reload()
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=READY_TIMEOUT)
    page.wait_for_function("window.nnplay.store.get('lastForward') !== null")
    shown = page.evaluate("window.nnplay.store.get('input')")
    assert shown["kind"] == "sample" and shown["split"] == "train"
    assert page.evaluate("window.nnplay.store.get('status')") is None
    expect(page.locator(".samples-strip .sample")).to_have_count(6)
    expect(page.locator(".probs .p-label")).to_have_text(["bar", "ring"])
    page.screenshot(path=str(screenshot_dir / "playground-own-data-reloaded.png"), full_page=True)
    assert console_errors == []
