"""Small numbers in the CNN playground (issue 11 item 6): a 4x4 input typed in, a 3x3 kernel
typed in, the 2x2 map with its arithmetic; 2x2 pooling of a typed window (2.75 average, 6
max); softmax of typed logits [2.5, 1.8, 0.2] = 0.63, 0.31, 0.06."""

from __future__ import annotations

import math

from playwright.sync_api import Page, expect

from tests.browser.playground import open_page, settled_box, wait_frames

IMAGE = [0, 50, 0, 29, 0, 80, 31, 2, 33, 90, 0, 75, 0, 9, 0, 95]
SOBEL = [-1, 0, 1, -2, 0, 2, -1, 0, 1]
POOLED = [1, 0, 2, 3, 4, 6, 6, 8, 3, 1, 1, 0, 1, 2, 2, 4]  # top-left window: 1, 0, 4, 6
PRESET_FIRST_LAYER = {"conv4": "conv2d", "pool4": "pool", "softmax3": "flatten"}
SIZES = [(1280, 800), (1920, 1080), (390, 844)]


def apply_preset(page: Page, preset: str, shape: list[int]) -> None:
    """Pick a preset in the editor, apply it (on own data: a new session the first time) and
    wait until the network in use is the preset's and its typed example is what it shows."""
    editor = page.locator("details.editor")
    if editor.get_attribute("open") is None:
        page.locator(".editor summary").click()
    page.get_by_label("Preset").select_option(preset)
    page.get_by_role("button", name="Apply (weights start over)").click()
    first = PRESET_FIRST_LAYER[preset]
    page.wait_for_function(
        """([first, shape]) => {
          const s = window.nnplay.store, f = s.get('lastForward');
          return s.get('spec').layers[0].type === first && s.get('draftSpec') === null
            && s.get('settings').dataset === 'own' && f && f.input.kind === 'values'
            && f.input === s.get('input') && f.preprocessed.shape.join('x') === shape.join('x');
        }""",
        arg=[first, shape],
        timeout=30_000,
    )


def shown_values(page: Page, selector: str) -> list[float]:
    return [float(v) for v in page.locator(selector).evaluate_all(
        "els => els.map(e => e.dataset.value)")]


def open_cell(page: Page, layer: str, row: int, col: int, view: str) -> None:
    page.locator(f".net-col[data-layer={layer}] canvas.tile").first.click()
    detail = page.locator(f"[data-view={view}]")
    expect(detail).to_be_visible(timeout=10_000)
    page.get_by_label("Output row").fill(str(row))
    page.get_by_label("Output column").fill(str(col))
    page.get_by_role("button", name="Jump to this output cell").click()
    expect(detail).to_have_attribute("data-row", str(row))
    expect(detail).to_have_attribute("data-col", str(col))
    expect(page.locator(f"[data-view={view}] [data-role=result]")).to_have_count(1,
                                                                               timeout=10_000)


def shots(page: Page, screenshot_dir, name: str) -> None:
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        wait_frames(page)  # laid out at the new size before the picture
        page.screenshot(path=str(screenshot_dir / f"small-input-{name}-{width}.png"))
    page.set_viewport_size({"width": 1280, "height": 800})


def test_typed_4x4_input_and_3x3_kernel_give_the_2x2_map(page: Page, console_errors,
                                                          screenshot_dir):
    open_page(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    apply_preset(page, "conv4", [1, 4, 4])
    boxes = page.locator("#values .values-grid input")
    expect(boxes).to_have_count(16)
    assert [float(v) for v in boxes.evaluate_all("els => els.map(e => e.value)")] == IMAGE
    # the kernel, typed into the hand-set filter panel and sent with PUT params
    page.locator(".filters summary").click()
    kernel = page.locator(".filter-box").first.locator(".kgrid input")
    expect(kernel).to_have_count(9)
    for box, value in zip(kernel.all(), SOBEL, strict=True):
        box.fill(str(value))
    page.get_by_role("button", name="Set these filters").click()
    expect(page.locator("#banner")).to_contain_text("your values are set", timeout=15_000)
    page.wait_for_function(
        "() => { const f = window.nnplay.store.get('lastForward');"
        " return f && Math.round(f.layers[0].output.data[1]) === -192; }", timeout=60_000)
    conv = page.evaluate("Array.from(window.nnplay.store.get('lastForward').layers[0].output.data)")
    assert [round(v, 4) for v in conv] == [29, -192, -35, -22]

    # the arithmetic of the top-right cell in the conv detail view
    open_cell(page, "conv1", 0, 1, "conv-detail")
    products = shown_values(page, "[data-view=conv-detail] [data-role=product]")
    window = [IMAGE[r * 4 + c] for r in range(3) for c in range(1, 4)]
    assert products == [w * k for w, k in zip(window, SOBEL, strict=True)]
    result = page.locator("[data-view=conv-detail] [data-role=result]")
    expect(result).to_have_text("-192")
    assert math.isclose(sum(products), -192)
    shots(page, screenshot_dir, "conv")

    # a typed change goes through as it is: 95 -> -5 lowers the bottom-right cell by 100
    page.get_by_label("input row 3 column 3").fill("-5")
    page.wait_for_function(
        "() => { const f = window.nnplay.store.get('lastForward');"
        " return f && Math.round(f.layers[0].output.data[3]) === -122; }", timeout=60_000)
    # a box that is not a number is marked and nothing is sent
    page.get_by_label("input row 0 column 0").fill("abc")
    expect(page.get_by_label("input row 0 column 0")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".values-state")).to_have_text("Type a number in every box.")
    assert console_errors == []


def test_typed_window_pools_to_2_75_average_and_6_max(page: Page, console_errors,
                                                       screenshot_dir):
    open_page(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    apply_preset(page, "conv4", [1, 4, 4])
    apply_preset(page, "pool4", [1, 4, 4])  # the same shape: its own example replaces conv4's
    boxes = page.locator("#values .values-grid input")
    assert [float(v) for v in boxes.evaluate_all("els => els.map(e => e.value)")] == POOLED
    open_cell(page, "pool1", 0, 0, "pool-detail")
    window = shown_values(page, "[data-view=pool-detail] [data-role=window-value]")
    assert window == [1, 0, 4, 6]
    expect(page.locator("[data-view=pool-detail] [data-role=result]")).to_have_text("2.75")
    shots(page, screenshot_dir, "avgpool")

    # the same window, max pooling: change the mode in the editor and apply (the detail
    # closed first: a new network has no last input until the page forwards it again)
    page.get_by_role("button", name="Close the layer detail").click()
    page.get_by_label("layer 1 mode").select_option("max")
    page.get_by_role("button", name="Apply (weights start over)").click()
    page.wait_for_function(
        "() => { const f = window.nnplay.store.get('lastForward');"
        " return f && window.nnplay.store.get('spec').layers[0].mode === 'max'"
        " && f.layers[0].output.data[0] === 6; }", timeout=30_000)
    open_cell(page, "pool1", 0, 0, "pool-detail")
    expect(page.locator("[data-view=pool-detail] [data-role=result]")).to_have_text("6")
    winner = page.locator("[data-view=pool-detail] td.nn-winner")
    expect(winner).to_have_attribute("data-value", "6")
    shots(page, screenshot_dir, "maxpool")
    assert console_errors == []


def test_typed_logits_through_softmax(page: Page, console_errors, screenshot_dir):
    open_page(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    apply_preset(page, "softmax3", [3, 1, 1])
    expect(page.locator("#values .values-grid input")).to_have_count(3)
    page.locator(".net-col-softmax .probs li").first.click()
    detail = page.locator("[data-view=softmax-detail]")
    expect(detail).to_be_visible(timeout=10_000)
    cells = detail.locator("[data-role=probability]")
    expect(cells).to_have_count(3)
    shown = [round(float(t), 2) for t in cells.all_inner_texts()]
    assert shown == [0.63, 0.31, 0.06]
    exps = [math.exp(v) for v in (2.5, 1.8, 0.2)]
    for value, e in zip(shown_values(page, "[data-view=softmax-detail] [data-role=probability]"),
                        exps, strict=True):
        assert math.isclose(value, e / sum(exps), rel_tol=1e-6)
    shots(page, screenshot_dir, "softmax")
    assert console_errors == []


def test_an_rgb_network_takes_a_colour_upload_in_colour_and_a_drawing_in_gray(
        page: Page, console_errors, screenshot_dir, tmp_path):
    import numpy as np
    from PIL import Image

    open_page(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    old = page.evaluate("window.nnplay.store.get('sessionId')")
    page.locator(".editor summary").click()
    page.get_by_label("input channels").fill("3")
    page.get_by_label("input height").fill("32")
    page.get_by_label("input width").fill("32")
    expect(page.locator(".editor-newsession")).to_be_visible()  # 3x32x32 trains on own data
    page.get_by_role("button", name="Apply (weights start over)").click()
    page.wait_for_function(
        "old => { const s = window.nnplay.store; return s.get('sessionId') !== old"
        " && s.get('spec').input.channels === 3 && s.get('settings').dataset === 'own'; }",
        arg=old, timeout=30_000)
    # too many numbers for boxes: they are pasted (any real values, fed as they are)
    expect(page.locator("#values .values-grids")).to_be_hidden()
    page.locator("#values summary").click()
    area = page.get_by_label("input values, channel by channel, row by row")
    area.fill("1 2 3")
    page.get_by_role("button", name="Feed these numbers").click()
    expect(page.locator(".values-state")).to_have_text("3 numbers, but the network takes 3072")
    typed = [round(-1.5 + 0.001 * k, 3) for k in range(3 * 32 * 32)]
    area.fill(", ".join(map(str, typed)))
    page.get_by_role("button", name="Feed these numbers").click()
    page.wait_for_function(
        "() => { const f = window.nnplay.store.get('lastForward');"
        " return f && f.input.kind === 'values' && f.preprocessed.shape.join('x') === '3x32x32'; }",
        timeout=15_000)
    fed = page.evaluate("Array.from(window.nnplay.store.get('lastForward').preprocessed.data)")
    assert np.allclose(fed, typed, atol=1e-6)
    expect(page.locator(".pad-prompt")).to_contain_text("shrunk to 32×32")

    picture = np.zeros((60, 90, 3), np.uint8)
    picture[:, :45] = (230, 30, 30)  # red left half, blue right half
    picture[:, 45:] = (30, 30, 230)
    path = tmp_path / "flag.png"
    Image.fromarray(picture).save(path)
    page.locator(".pad-file").set_input_files(str(path))
    page.wait_for_function(
        "() => { const f = window.nnplay.store.get('lastForward');"
        " return f && f.input.kind === 'file' && f.preprocessed.shape.join('x') === '3x32x32'; }",
        timeout=15_000)
    seen = page.evaluate("Array.from(window.nnplay.store.get('lastForward').preprocessed.data)")
    red, blue = np.array(seen).reshape(3, 32, 32)[[0, 2]]
    assert red[:, :8].min() > 0.8 and blue[:, :8].max() < 0.2  # red stays red
    assert blue[:, -8:].min() > 0.8 and red[:, -8:].max() < 0.2  # blue stays blue
    shots(page, screenshot_dir, "rgb-upload")

    # a drawing on the same network: gray, the same in all three channels
    box = settled_box(page.locator("canvas.pad"))
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.8, steps=6)
    page.mouse.up()
    page.wait_for_function(
        "() => { const f = window.nnplay.store.get('lastForward');"
        " return f && f.input.kind === 'pixels' && f.input === window.nnplay.store.get('input'); }",
        timeout=15_000)
    seen = np.array(page.evaluate(
        "Array.from(window.nnplay.store.get('lastForward').preprocessed.data)")).reshape(3, 32, 32)
    assert seen.max() == 1.0 and (seen[0] == seen[1]).all() and (seen[1] == seen[2]).all()
    assert console_errors == []
