"""The training-step film (issue 7) in a real browser against a real server."""

from __future__ import annotations

import math
import re

from playwright.sync_api import Page, expect

from tests.browser.test_detail_views import mount


def test_film_plays_a_training_step_to_its_end(page: Page, console_errors, screenshot_dir):
    mount(page, epochs=1)
    page.get_by_role("tab", name="Training step film").click()
    film = page.locator("[data-view=film]")
    expect(film).to_have_attribute("data-state", "empty")
    page.get_by_role("button", name="Record one training step on the current input").click()
    expect(film).to_have_attribute("data-state", "ready", timeout=15000)
    frames = int(film.get_attribute("data-frames"))
    # input, 6 layers forward, loss, 5 backward (softmax is fused with the loss), 2 updates
    assert frames == 1 + 6 + 1 + 5 + 2
    # the ReLU card carries its dead-unit fraction, counted on the batch the session last trained on
    dead = page.locator(".nn-film-layer[data-layer=relu1] .nn-dead")
    # of units (values), beside the network's count of dead maps (audit 2026-12-05: "dead: 38%"
    # in the film, no dead map in the network)
    expect(dead).to_have_text(re.compile(r"^\d+% of units dead$"))
    assert dead.get_attribute("title").startswith(
        "fraction of units that never fired on the last batch trained on (")
    expect(film).to_have_attribute("data-phase", "input")

    # step through the forward sweep by hand to the loss
    next_frame = page.get_by_role("button", name="Next frame")
    for _ in range(7):
        next_frame.click()
    expect(film).to_have_attribute("data-phase", "loss")
    loss = float(page.locator("[data-role=loss]").get_attribute("data-value"))
    assert math.isfinite(loss) and loss > 0
    page.screenshot(path=str(screenshot_dir / "film-loss.png"), full_page=True)

    next_frame.click()
    expect(film).to_have_attribute("data-phase", "backward")
    expect(page.locator(".nn-film-layer.nn-active")).to_have_attribute("data-layer", "dense1")
    page.get_by_label("Film speed in frames per second").select_option("4")
    page.get_by_role("button", name="Play the film").click()
    expect(film).to_have_attribute("data-state", "done", timeout=30000)
    assert film.get_attribute("data-frame") == str(frames - 1)
    expect(film).to_have_attribute("data-phase", "update")
    # the last frame shows dense1's weights before, the change, and after
    captions = page.locator(".nn-film-focus figcaption").all_inner_texts()
    assert any("before" in c for c in captions)
    assert any("change" in c for c in captions)
    assert any("after" in c for c in captions)
    # every layer card has been reached by the backward sweep (softmax's gradient is fused)
    assert page.locator(".nn-film-layer.nn-done-backward").count() == 5
    page.screenshot(path=str(screenshot_dir / "film-end.png"), full_page=True)

    # scrub back to conv1's backward frame: its dL/dW is shown
    scrub = page.get_by_label("Film position")
    scrub.fill(str(1 + 6 + 1 + 4))
    expect(film).to_have_attribute("data-phase", "backward")
    expect(page.locator(".nn-film-layer.nn-active")).to_have_attribute("data-layer", "conv1")
    expect(page.locator(".nn-film-focus figcaption", has_text="dL/dW of conv1")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "film-backward-conv1.png"), full_page=True)
    assert console_errors == []


def test_the_film_and_the_gradient_view_trace_through_the_pages_one_socket(
        page: Page, console_errors):
    """docs/frontend.md: one WebSocket per page. The film's and the gradient view's traces go
    through the session controller's socket (the `send` request), not through sockets of their
    own, and their replies reach them (and not the page's status line)."""
    from tests.browser.playground import open_page

    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    open_page(page)
    assert len(sockets) == 1
    page.evaluate("window.nnplay.store.set('detail', {layer: 'conv1', channel: 0, kind: 'output'})")
    page.get_by_role("tab", name="Training step film").click()
    film = page.locator("[data-view=film]")
    page.get_by_role("button", name="Record one training step on the current input").click()
    expect(film).to_have_attribute("data-state", "ready", timeout=30_000)
    assert int(film.get_attribute("data-frames")) > 1
    page.get_by_role("tab", name="Layer detail").click()
    page.get_by_role("radio", name="gradients").check()
    expect(page.locator("[data-view=grad-detail]")).to_have_attribute("data-state", "ready",
                                                                      timeout=30_000)
    expect(page.locator("canvas.nn-grad-map")).to_be_visible()
    assert len(sockets) == 1, sockets
    assert page.evaluate("window.nnplay.store.get('status')?.level") != "error"
    assert console_errors == []
