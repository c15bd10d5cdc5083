"""Squared error: the page gives the RMSE alongside the loss, as the server reports it."""

from __future__ import annotations

import math

from playwright.sync_api import expect

from tests.browser.playground import get_json, open_page, wait_epoch


def test_mse_loss_chart_says_the_rmse(page, live_server, console_errors, screenshot_dir):
    session_id = open_page(page, query="loss=mse&autotrain=0")
    assert page.evaluate("window.nnplay.store.get('settings').loss") == "mse"
    page.get_by_role("button", name="+1 epoch").click()
    wait_epoch(page, 1)
    record = get_json(f"{live_server.url}/api/sessions/{session_id}")["history"][-1]
    # The server's RMSE is the root of its MSE; the page prints the server's numbers.
    assert math.isclose(record["train_rmse"], math.sqrt(record["train_loss"]), rel_tol=1e-9)
    assert math.isclose(record["val_rmse"], math.sqrt(record["val_loss"]), rel_tol=1e-9)
    note = page.locator(".chart-rmse")
    expect(note).to_contain_text(f"train {record['train_rmse']:.4f}")
    expect(note).to_contain_text(f"validation {record['val_rmse']:.4f}")
    page.locator(".charts").screenshot(path=str(screenshot_dir / "playground-mse-rmse.png"))
    assert console_errors == []


def test_cross_entropy_has_no_rmse_note(page, console_errors):
    open_page(page)
    page.get_by_role("button", name="+1 epoch").click()
    wait_epoch(page, 1)
    expect(page.locator("[data-chart=epoch-loss]")).to_be_visible()
    expect(page.locator(".chart-rmse")).to_have_count(0)
    assert console_errors == []
