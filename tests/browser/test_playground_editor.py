"""The architecture editor: shapes update as you type, an impossible kernel is refused inline."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.playground import open_page


def layer_row(page, index: int):
    return page.locator(f'.editor-layer[data-index="{index}"]')


def test_an_impossible_kernel_shows_its_message_at_the_layer(
    page, live_server, console_errors, screenshot_dir
):
    open_page(page)
    page.locator(".editor summary").click()
    # tiny: conv1, relu1, pool1, flatten1, dense1, softmax1. Shapes are shown per layer.
    expect(layer_row(page, 0).locator(".layer-shape")).to_have_text("→ 8×28×28 · 80 params")
    expect(layer_row(page, 2).locator(".layer-shape")).to_have_text("→ 8×14×14 · 0 params")

    # As you type: 4 filters -> conv1 8x28x28 becomes 4x28x28, dense1's parameters shrink.
    layer_row(page, 0).get_by_label("layer 1 filters").fill("4")
    expect(layer_row(page, 0).locator(".layer-shape")).to_have_text("→ 4×28×28 · 40 params")
    expect(layer_row(page, 4).locator(".layer-shape")).to_have_text("→ 10 · 7,850 params")

    # Pool with size 7 leaves 4x4; a second conv with kernel 7 and no padding cannot fit.
    layer_row(page, 2).get_by_label("layer 3 size").fill("7")
    layer_row(page, 2).get_by_label("layer 3 stride").fill("7")
    page.get_by_label("Add a").select_option("conv2d")
    page.get_by_role("button", name="Add layer").click()
    # Added before the softmax: conv1 relu1 pool1 flatten1 dense1 [conv2] softmax1; move it up
    # twice so that it follows the pool.
    layer_row(page, 5).get_by_role("button", name="move layer 6 up").click()
    layer_row(page, 4).get_by_role("button", name="move layer 5 up").click()
    row = layer_row(page, 3)
    row.get_by_label("layer 4 kernel").fill("7")
    row.get_by_label("layer 4 padding").fill("0")

    error = row.locator(".layer-error")
    expect(error).to_be_visible()
    spec = page.evaluate("window.nnplay.store.get('draftSpec')")
    # The message is the engine's, word for word.
    reply = page.request.post(f"{live_server.url}/api/describe", data={"spec": spec})
    assert reply.status == 422
    engine_message = reply.json()["detail"]["message"]
    assert reply.json()["detail"]["layer_index"] == 3
    expect(error).to_have_text(engine_message)
    assert "kernel 7" in engine_message
    expect(page.get_by_role("button", name="Apply (weights start over)")).to_be_disabled()
    # Only the faulty layer is marked.
    assert page.locator(".editor-layer.has-error").count() == 1
    page.locator(".editor").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "playground-editor-error.png"), full_page=True)

    # Fixing it (padding 2 keeps 4x4 -> 2x2) clears the message and allows Apply.
    row.get_by_label("layer 4 padding").fill("2")
    expect(error).to_be_hidden()
    apply = page.get_by_role("button", name="Apply (weights start over)")
    expect(apply).to_be_enabled()
    apply.click()
    page.wait_for_function(
        "window.nnplay.store.get('spec').layers.length === 7"
        " && window.nnplay.store.get('lastForward').layers.length === 7",
        timeout=15_000,
    )
    expect(page.locator('.net-col[data-layer="conv2"] .col-shape')).to_have_text("8×2×2")
    # The editor now shows the network in use, with nothing left to apply.
    expect(apply).to_be_disabled()
    expect(page.locator(".editor-state")).to_have_text("This is the network in use.")
    assert "conv4k3p1-relu-maxpool7-conv8k7p2-flatten" in page.url
    page.screenshot(path=str(screenshot_dir / "playground-editor-applied.png"), full_page=True)
    # Chromium logs every 4xx reply as a console error: the refused describe calls are expected.
    assert [e for e in console_errors if "status of 422" not in e] == []
