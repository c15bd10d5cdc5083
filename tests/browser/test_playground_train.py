"""Training from the page: charts gain points, tiny learns MNIST, progress shows while it runs."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.playground import get_json, open_page, wait_epoch

EPOCH_DOTS = '.chart[data-chart="epoch-loss"] circle.dot.train'
ACC_DOTS = '.chart[data-chart="epoch-acc"] circle.dot.val'


def test_stepping_an_epoch_adds_a_point_to_the_charts(
    page, live_server, console_errors, screenshot_dir
):
    session_id = open_page(page)
    assert page.locator(EPOCH_DOTS).count() == 0
    page.get_by_role("button", name="+1 epoch").click()
    # While it runs: a progress bar with batches done, the loss and the time left.
    expect(page.locator(".progress-text")).to_contain_text("batch", timeout=30_000)
    expect(page.locator(".progress-text")).to_contain_text("left")
    page.screenshot(path=str(screenshot_dir / "playground-training-progress.png"))
    wait_epoch(page, 1)
    expect(page.locator(EPOCH_DOTS)).to_have_count(1)
    expect(page.locator(ACC_DOTS)).to_have_count(1)
    state = get_json(f"{live_server.url}/api/sessions/{session_id}")
    batches = page.evaluate("window.nnplay.store.get('batchLosses').length")
    assert state["epoch"] == 1
    assert batches == state["step"]
    assert batches == -(-state["dataset"]["train"] // state["settings"]["batch_size"])
    assert (
        page.locator('.chart[data-chart="batch-loss"] path.line').get_attribute("d").count("L") > 10
    )

    page.get_by_role("button", name="+1 batch").click()
    page.wait_for_function(f"window.nnplay.store.get('batchLosses').length === {batches + 1}")
    expect(page.locator(EPOCH_DOTS)).to_have_count(1)  # a batch is not an epoch
    page.screenshot(path=str(screenshot_dir / "playground-one-epoch.png"), full_page=True)
    assert console_errors == []


def test_three_epochs_of_tiny_reach_85_percent_validation_accuracy(
    page, live_server, console_errors, screenshot_dir
):
    # A first visit: the page trains one epoch by itself; two more by keyboard and button.
    session_id = open_page(page, query="")
    wait_epoch(page, 1)
    page.keyboard.press("e")
    wait_epoch(page, 2)
    page.get_by_role("button", name="+1 epoch").click()
    wait_epoch(page, 3)
    expect(page.locator(EPOCH_DOTS)).to_have_count(3)
    history = get_json(f"{live_server.url}/api/sessions/{session_id}")["history"]
    assert [h["epoch"] for h in history] == [1, 2, 3]
    assert history[-1]["val_acc"] > 0.85
    assert page.evaluate("window.nnplay.store.get('history')") == history
    # The confusion matrix is of the validation split: its cells add up to its size.
    cells = page.locator(".confusion td button")
    assert cells.count() == 100
    total = sum(int(t or 0) for t in cells.all_inner_texts())
    assert total == get_json(f"{live_server.url}/api/sessions/{session_id}")["dataset"]["val"]
    page.screenshot(path=str(screenshot_dir / "playground-three-epochs.png"), full_page=True)

    # Click the largest off-diagonal cell: its samples are listed, and each one chosen is
    # predicted as the column's class by the server.
    matrix = page.evaluate("window.nnplay.store.get('confusion').matrix")
    n, t, p = max((matrix[t][p], t, p) for t in range(10) for p in range(10) if t != p)
    assert n > 0
    page.locator(f'.confusion button[data-t="{t}"][data-p="{p}"]').click()
    shown = page.locator(".confusion-samples .sample")
    expect(shown).to_have_count(min(n, 12), timeout=60_000)
    expect(page.locator(".confusion-cell")).to_contain_text("shown")
    shown.first.click()
    page.wait_for_function(
        "() => { const s = window.nnplay.store; const f = s.get('lastForward');"
        " return f.input === s.get('input') && s.get('input').kind === 'sample'; }"
    )
    forward = page.evaluate("window.nnplay.store.get('lastForward')")
    assert forward["prediction"] == p
    label = page.evaluate("window.nnplay.store.get('input').label")
    assert label == forward["class_names"][t]
    page.screenshot(path=str(screenshot_dir / "playground-confusion-cell.png"), full_page=True)
    assert console_errors == []


def test_play_then_pause_and_rewind(page, console_errors, screenshot_dir):
    open_page(page)
    page.keyboard.press("Space")
    expect(page.get_by_role("button", name="❚❚ Pause")).to_be_visible(timeout=10_000)
    page.wait_for_function("window.nnplay.store.get('batchLosses').length > 5", timeout=30_000)
    page.keyboard.press("Space")
    page.wait_for_function("!window.nnplay.store.get('training')", timeout=30_000)
    expect(page.get_by_role("button", name="▶ Play")).to_be_visible()
    steps = page.evaluate("window.nnplay.store.get('batchLosses').length")
    assert steps > 5
    # Rewind to the start (epoch 0): the step count goes back to 0.
    page.get_by_label("epoch to rewind to").select_option("0")
    finished = page.evaluate("window.nnplay.store.get('history').length")
    page.get_by_role("button", name="Rewind").click()
    if finished:  # play got through an epoch before the pause: rewinding deletes it, so it asks
        page.locator(".rewind-confirm button.danger").click()
    page.wait_for_function(
        "window.nnplay.store.get('session').step === 0 && !window.nnplay.store.get('training')",
        timeout=30_000,
    )
    page.screenshot(path=str(screenshot_dir / "playground-rewound.png"))
    assert console_errors == []
