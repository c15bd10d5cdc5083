"""The film's last frame (a dense layer's update): weights before, the change and after side by
side, each unit at the same height in all three columns and the colour scales' numbers apart
(audit 2026-12-05: a two-line caption moved one column's units 14-28 px down, and at 390 the
scales' numbers ran into each other)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.playground import open_page

UNITS = """() => [...document.querySelectorAll('.nn-film-dense > .nn-fig')].map((fig) =>
  [...fig.querySelectorAll('.nn-film-unit')]
    .map((u) => Math.round(u.getBoundingClientRect().top)))"""

NUMBERS = """() => [...document.querySelectorAll('.nn-film-dense .nn-legend-labels span')]
  .map((s) => s.getBoundingClientRect())
  .filter((r) => r.width > 0)
  .map((r) => [r.left, r.top, r.right, r.bottom])"""

INSIDE = """() => [...document.querySelectorAll('.nn-film-dense > .nn-fig')].every((fig) => {
  const f = fig.getBoundingClientRect();
  return [...fig.querySelectorAll('.nn-legend-labels span')].every((s) => {
    const r = s.getBoundingClientRect();
    return r.width === 0 || (r.left >= f.left - 0.5 && r.right <= f.right + 0.5);
  });
})"""


def overlaps(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5


@pytest.mark.parametrize("size", [(390, 844), (1280, 800), (1920, 1080)])
def test_dense_update_columns_line_up(page: Page, console_errors, screenshot_dir, size):
    open_page(page)
    page.get_by_role("button", name="+1 epoch").click()
    page.wait_for_function(
        "() => window.nnplay.store.get('epoch') >= 1 && !window.nnplay.store.get('training')",
        timeout=120_000,
    )
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    page.evaluate(
        "window.nnplay.store.set('detail', {layer: 'conv1', channel: 0, kind: 'output'})"
    )
    page.get_by_role("tab", name="Training step film").click()
    page.get_by_role("button", name="Record one training step on the current input").click()
    film = page.locator("[data-view=film]")
    expect(film).to_have_attribute("data-state", "ready", timeout=30_000)
    last = int(film.get_attribute("data-frames")) - 1
    page.get_by_label("Film position").fill(str(last))
    expect(film).to_have_attribute("data-phase", "update")
    expect(page.locator(".nn-film-dense > .nn-fig")).to_have_count(3)
    page.locator(".nn-film-dense").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / f"film-dense-update-{width}.png"))

    columns = page.evaluate(UNITS)
    assert len(columns) == 3 and len(columns[0]) == 10
    for column in columns[1:]:
        assert len(column) == len(columns[0])
        assert all(abs(a - b) <= 1 for a, b in zip(column, columns[0], strict=True)), columns
    numbers = page.evaluate(NUMBERS)
    assert len(numbers) >= 6  # at least both ends of each of the three scales
    for i, a in enumerate(numbers):
        for b in numbers[i + 1:]:
            assert not overlaps(a, b), (a, b)
    assert page.evaluate(INSIDE)
    assert console_errors == []
