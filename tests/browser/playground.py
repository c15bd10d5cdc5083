"""Helpers shared by the playground browser tests: open the page, draw, wait for the server."""

from __future__ import annotations

import json
import urllib.request

from playwright.sync_api import Locator, Page, expect

READY_TIMEOUT = 30_000


def open_page(page: Page, query: str = "autotrain=0") -> str:
    """Open the playground, wait until it has a session and has drawn a forward; return the id."""
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"/?{query}" if query else "/")
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=READY_TIMEOUT)
    expect(page.locator(".net-col").first).to_be_visible(timeout=READY_TIMEOUT)
    return page.evaluate("window.nnplay.store.get('sessionId')")


def forward_count(page: Page) -> int:
    return int(page.locator("#network").get_attribute("data-forward-version") or 0)


def settled_box(target: Locator) -> dict:
    """The element's box on screen once it is scrolled into view and laid out: Playwright's
    checks before a hover (visible, the same box for two frames, the element the one hit).

    A box taken before a late module, reply or redraw moved the element is stale, and a
    mouse.move there lands elsewhere, even outside the window (CI on 7919261). For a point
    within one element, prefer ``hover_at``/``click_at``; this is for strokes and drags."""
    target.scroll_into_view_if_needed(timeout=READY_TIMEOUT)
    target.hover(trial=True, timeout=READY_TIMEOUT)
    box = target.bounding_box()
    assert box is not None
    return box


def _position(target: Locator, fx: float, fy: float) -> dict:
    box = settled_box(target)
    return {"x": fx * box["width"], "y": fy * box["height"]}


def hover_at(target: Locator, fx: float, fy: float) -> None:
    """Hover the point (fx, fy) of the element, as fractions of its width and height (relative
    to the element, so it scrolls into view and waits for it to stop moving first)."""
    target.hover(position=_position(target, fx, fy), timeout=READY_TIMEOUT)


def click_at(target: Locator, fx: float, fy: float) -> None:
    """Click the point (fx, fy) of the element, as fractions of its width and height."""
    target.click(position=_position(target, fx, fy), timeout=READY_TIMEOUT)


def draw(page: Page, points: list[tuple[float, float]]) -> None:
    """One stroke through points given as fractions (0..1) of the pad's width and height."""
    box = settled_box(page.locator("canvas.pad"))
    xy = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    page.mouse.move(*xy[0])
    page.mouse.down()
    for x, y in xy[1:]:
        page.mouse.move(x, y, steps=4)
    page.mouse.up()


def wait_settled(page: Page, timeout: int = 15_000) -> None:
    """Until the forward of the pad's latest pixels is the one on screen."""
    page.wait_for_function(
        """() => {
          const s = window.nnplay.store;
          const f = s.get('lastForward'), i = s.get('input');
          return f && i && f.input === i;
        }""",
        timeout=timeout,
    )


def wait_frames(page: Page, count: int = 2) -> None:
    """Until ``count`` animation frames have run. After a resize, the first frame lays the page
    out at the new size and runs the ResizeObserver callbacks that redraw the views (after its
    own animation-frame callbacks); once the second frame's have run, those are done. A
    condition, not a guess at how long a loaded machine takes to render."""
    page.evaluate(
        "(n) => new Promise((done) => { const next = (k) => (k ? requestAnimationFrame("
        "() => next(k - 1)) : done()); next(n); })",
        count,
    )


def wait_epoch(page: Page, epoch: int, timeout: int = 120_000) -> None:
    page.wait_for_function(
        f"() => window.nnplay.store.get('epoch') >= {epoch}"
        " && !window.nnplay.store.get('training')",
        timeout=timeout,
    )


def post_json(url: str, body: dict) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"content-type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read())


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as reply:
        return json.loads(reply.read())


def hold_fetch(release: str, test: str) -> str:
    """An init script holding every ``fetch`` for which the JS expression ``test`` (of ``url``
    and ``init``) is true until the page calls ``window[release]()``: a reply made to land
    after the step a test takes first (page.route's handler cannot wait in the sync API)."""
    return f"""
(() => {{
  const fetch0 = window.fetch;
  let release;
  const held = new Promise((r) => {{ release = r; }});
  window.{release} = () => release();
  window.fetch = async (input, init) => {{
    const url = String(input?.url ?? input);
    if ({test}) await held;
    return fetch0(input, init);
  }};
}})();
"""
