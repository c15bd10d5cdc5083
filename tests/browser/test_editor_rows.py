"""The architecture editor reads as a list of layers at every width: each layer's first fields
sit on its name's line (at 1280 px a three-line field block used to put its first fields above
the name), and a name never runs into its type menu ("softmax1" did)."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.playground import open_page, wait_frames

SIZES = [(1280, 800), (1440, 900), (1920, 1080), (800, 600), (390, 844)]

ROWS = """() => Array.from(document.querySelectorAll('.editor-layer .layer-row')).map((row) => {
  const box = (e) => e && e.getBoundingClientRect();
  const name = box(row.querySelector('.layer-name'));
  const type = box(row.querySelector('[data-k=type]'));
  const field = box(row.querySelector('.layer-fields > *'));
  return { name: row.querySelector('.layer-name').textContent,
    nameTop: name.top, nameRight: name.right, nameBottom: name.bottom,
    typeLeft: type.left, typeTop: type.top, typeBottom: type.bottom,
    fieldTop: field ? field.top : null };
})"""


def test_each_layer_starts_on_its_name_line(page: Page, console_errors, screenshot_dir):
    open_page(page)
    page.click(".editor summary")
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        wait_frames(page)  # laid out at the new width (the container query and grid)
        rows = page.evaluate(ROWS)
        assert [r["name"] for r in rows] == ["conv1", "relu1", "pool1", "flatten1", "dense1",
                                             "softmax1"]
        page.locator(".editor").screenshot(path=str(screenshot_dir / f"editor-rows-{width}.png"))
        for r in rows:
            where = f"{r['name']} at {width}px: {r}"
            # the name shares its line with the type menu, and ends before it
            assert r["nameTop"] < r["typeBottom"] and r["typeTop"] < r["nameBottom"], where
            assert r["nameRight"] <= r["typeLeft"] + 0.5, where
            # no field of the layer above its name's line
            if r["fieldTop"] is not None:
                assert r["fieldTop"] >= r["typeTop"] - 2, where
    assert console_errors == []
