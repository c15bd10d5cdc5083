"""Hostile names through every door a name comes in by (issue 13, item 1).

A name is text from a user, a file, a link or the server: zip folder names (own-data upload),
sample labels (POST samples, and the page's own form), layer names (PUT spec, and a link's
arch= parameter), an imported model's class names. Each test pushes names that would run
script if any view put them into HTML, looks at every place the page shows them, and checks
that they show as the literal text, that no element was made from them, that no script ran
(window.__pwned stays undefined, no dialog opened), and that the console has no error (a
CSP violation would be one).
"""

from __future__ import annotations

import io
import json
import math
import urllib.request
import zipfile
from urllib.parse import quote

import numpy as np
from PIL import Image
from playwright.sync_api import Page, expect

from server.persist import model_file
from tests.browser.playground import (
    READY_TIMEOUT,
    draw,
    get_json,
    open_page,
    post_json,
    wait_epoch,
    wait_settled,
)

# At most 40 characters, no ".", "-", "/" or "~" (layer names, zip folders, arch tokens).
IMG = '<img src=x onerror="__pwned=1">'  # sets window.__pwned
BOLD = "<b onmouseover=__pwned=2>bold"
ATTR = '"><svg onload=alert(1)>'
NAMES = [IMG, BOLD, ATTR]

# Elements that only exist if a name was parsed as HTML.
MADE_FROM_A_NAME = "[onerror], [onload], [onmouseover], img[src='x'], svg[onload], b[onmouseover]"


def watch_dialogs(page: Page) -> list[str]:
    dialogs: list[str] = []

    def seen(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", seen)
    return dialogs


def assert_inert(page: Page, dialogs: list[str]) -> None:
    """No script ran and no element was made from a name."""
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert dialogs == []
    assert page.locator(MADE_FROM_A_NAME).count() == 0


def show_detail(page: Page, layer: str, channel: int = 0) -> None:
    page.evaluate("([layer, channel]) => window.nnplay.store.set('detail',"
                  " {layer, channel, kind: 'output'})", [layer, channel])


def texts(page: Page, selector: str) -> list[str]:
    return page.locator(selector).all_text_contents()


def bar(i: int, vertical: bool) -> bytes:
    img = np.zeros((28, 28), dtype=np.uint8)
    across = slice(6 + 2 * i, 10 + 2 * i)
    img[(slice(4, 24), across) if vertical else (across, slice(4, 24))] = 255
    buffer = io.BytesIO()
    Image.fromarray(img).save(buffer, "PNG")
    return buffer.getvalue()


def hostile_zip() -> bytes:
    """Two class folders named IMG and BOLD, six images each (vertical / horizontal bars)."""
    files: dict[str, bytes] = {}
    for i in range(6):
        files[f"{IMG}/v{i}.png"] = bar(i, vertical=True)
        files[f"{BOLD}/h{i}.png"] = bar(i, vertical=False)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def diagonal(shift: int) -> list[float]:
    img = np.zeros((28, 28))
    for k in range(18):
        img[5 + k, max(0, 4 + k + shift - 2):5 + k + shift + 2] = 255
    return img.ravel().tolist()


def ring(shift: float) -> list[tuple[float, float]]:
    return [(0.5 + shift + 0.3 * math.cos(t / 12 * 2 * math.pi),
             0.5 + 0.3 * math.sin(t / 12 * 2 * math.pi)) for t in range(13)]


def put_json(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="PUT",
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read())


def check_own_data_names(page: Page, names: list[str]) -> None:
    """Every view that shows the own classes shows exactly these names, as text."""
    counts = page.locator(".own-classes").text_content() or ""
    for n in names:
        assert f"{n}: 6" in counts
    assert set(texts(page, ".own-item span")) == set(names)
    options = page.locator("#own-classes option").evaluate_all("os => os.map(o => o.value)")
    assert sorted(options) == sorted(names)
    expect(page.locator(".probs .p-label")).to_have_text(names)
    assert page.locator(".pred-value").text_content() in names
    head = texts(page, ".confusion thead th")
    assert head == ["", *names]
    assert texts(page, ".confusion tbody th") == names
    first = page.locator(".confusion button[data-t='0'][data-p='1']")
    assert first.get_attribute("aria-label").startswith(f"true {names[0]}, predicted {names[1]}: ")
    strip = texts(page, "#samples .samples-strip .sample span")
    assert strip and set(strip) <= set(names)


def test_zip_folders_and_sample_labels_show_as_text(page: Page, live_server, console_errors,
                                                    screenshot_dir):
    dialogs = watch_dialogs(page)
    sid = open_page(page)
    page.locator(".own summary").click()
    # zip folders: IMG and BOLD, through the page's upload
    page.locator(".own-zip").set_input_files(
        {"name": "hostile.zip", "mimeType": "application/zip", "buffer": hostile_zip()})
    expect(page.locator(".own-msg")).to_have_text("Added 12 images.")
    # sample labels: ATTR, five through the API and one through the page's form
    for shift in range(5):
        post_json(f"{live_server.url}/api/sessions/{sid}/samples",
                  {"pixels": diagonal(shift), "width": 28, "height": 28, "label": ATTR})
    draw(page, ring(0.0))
    page.get_by_label("label for the drawing").fill(ATTR)
    page.get_by_role("button", name="Add drawing").click()
    expect(page.locator(".own-item")).to_have_count(18)
    assert_inert(page, dialogs)

    page.get_by_role("button", name="Train on my data").click()
    wait_epoch(page, 1)
    names = get_json(f"{live_server.url}/api/sessions/{sid}")["class_names"]
    assert sorted(names) == sorted(NAMES)
    expect(page.locator(".confusion table")).to_be_visible()
    page.wait_for_function("() => window.nnplay.store.get('samples')?.class_names?.length === 3")
    check_own_data_names(page, names)

    # a confusion cell lists its samples, naming both classes
    page.locator(".confusion button[data-t='0'][data-p='0']").click()
    expect(page.locator(".confusion-cell")).to_contain_text(
        f"of class {names[0]} predicted as {names[0]}")
    # hovering the names would fire an onmouseover, were there one
    for label in page.locator(".probs .p-label").all():
        label.hover()
    # the softmax detail names the classes
    softmax = page.evaluate("() => window.nnplay.store.get('shapes').at(-1).name")
    show_detail(page, softmax)
    panel = page.locator("#detail-panel")
    expect(panel.locator("[data-view=softmax-detail]")).to_be_visible(timeout=15_000)
    for n in names:
        expect(panel).to_contain_text(n)
    page.screenshot(path=str(screenshot_dir / "hostile-own-data.png"), full_page=True)
    assert_inert(page, dialogs)

    # stored: the names come back from the server after a reload, still as text
    page.reload()
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=READY_TIMEOUT)
    page.locator(".own summary").click()
    expect(page.locator(".own-item")).to_have_count(18, timeout=READY_TIMEOUT)
    expect(page.locator(".confusion table")).to_be_visible()
    page.wait_for_function("() => window.nnplay.store.get('samples')?.class_names?.length === 3")
    wait_settled(page)
    check_own_data_names(page, names)
    assert_inert(page, dialogs)
    assert console_errors == []


def layer_spec() -> dict:
    return {"input": {"channels": 1, "height": 28, "width": 28}, "layers": [
        {"type": "conv2d", "filters": 4, "kernel": 3, "padding": 1, "name": IMG},
        {"type": "relu"}, {"type": "pool", "mode": "max", "size": 2, "stride": 2},
        {"type": "flatten"}, {"type": "dense", "units": 10, "name": BOLD},
        {"type": "softmax", "name": ATTR}]}


def check_layer_names(page: Page) -> None:
    """The network's column heads, the editor, the filters and the detail panel show the
    layer names as text."""
    heads = texts(page, ".col-name")
    for n in NAMES:
        assert any(h.startswith(f"{n} ") for h in heads), (n, heads)
    page.locator(".editor summary").click()
    editor = texts(page, ".editor-layer .layer-name")
    assert [editor[0], editor[4], editor[5]] == NAMES
    expect(page.locator(".filters-layer")).to_contain_text(f"({IMG}: 4 filters")
    show_detail(page, IMG, 1)
    expect(page.locator("#detail-panel [data-view=conv-detail] h3")).to_contain_text(
        f"{IMG} · filter 1", timeout=15_000)
    show_detail(page, BOLD)
    expect(page.locator("#detail-panel [data-view=dense-detail]")).to_contain_text(
        f"{BOLD} · unit 0", timeout=15_000)


def test_layer_names_from_a_link_show_as_text(page: Page, console_errors, screenshot_dir):
    dialogs = watch_dialogs(page)
    arch = f"conv4k3p1~{IMG}-relu-maxpool2-flatten-dense10~{BOLD}-softmax~{ATTR}"
    open_page(page, f"autotrain=0&in=1x28x28&arch={quote(arch, safe='')}")
    assert [layer["name"] for layer in page.evaluate("() => window.nnplay.store.get('spec')")[
        "layers"]] == [IMG, "relu1", "pool1", "flatten1", BOLD, ATTR]
    check_layer_names(page)
    assert_inert(page, dialogs)

    # the training-step film's layer cards
    page.get_by_role("tab", name="Training step film").click()
    page.get_by_role("button", name="Record one training step on the current input").click()
    expect(page.locator("[data-view=film]")).to_have_attribute("data-state", "ready",
                                                               timeout=30_000)
    cards = texts(page, ".nn-film-layer h5")
    assert {IMG, BOLD, ATTR} <= set(cards)
    page.screenshot(path=str(screenshot_dir / "hostile-layer-names.png"), full_page=True)
    assert_inert(page, dialogs)
    assert console_errors == []


def test_layer_names_put_through_the_api_show_as_text(page: Page, live_server, console_errors):
    dialogs = watch_dialogs(page)
    created = post_json(f"{live_server.url}/api/sessions",
                        {"settings": {"dataset_size": 300, "batch_size": 50}})
    sid = created["id"]
    put_json(f"{live_server.url}/api/sessions/{sid}/spec", {"spec": layer_spec()})
    open_page(page, f"s={sid}&autotrain=0")
    assert page.evaluate("() => window.nnplay.store.get('sessionId')") == sid
    check_layer_names(page)
    assert_inert(page, dialogs)
    assert console_errors == []


def test_class_names_of_an_imported_model_show_as_text(page: Page, console_errors,
                                                       screenshot_dir):
    dialogs = watch_dialogs(page)
    first = open_page(page)
    # a drawing on the pad first: the page shows a validation digit, which a model without
    # data cannot be asked about (after the import that forward is a 422)
    draw(page, ring(0.0))
    wait_settled(page)
    spec = {"input": {"channels": 1, "height": 28, "width": 28},
            "layers": [{"type": "flatten"}, {"type": "dense", "units": 3}, {"type": "softmax"}]}
    rng = np.random.default_rng(0)
    weights = {"dense1.W": rng.normal(0, 0.05, (784, 3)).astype(np.float32),
               "dense1.b": np.zeros(3, np.float32)}
    data = model_file.write(spec, {"dataset": "own"}, NAMES, weights)
    page.locator(".import-file").set_input_files(
        {"name": "hostile.npz", "mimeType": "application/octet-stream", "buffer": data})
    page.wait_for_function(f"() => window.nnplay.store.get('sessionId') !== {json.dumps(first)}")
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=READY_TIMEOUT)
    draw(page, ring(0.05))
    wait_settled(page)
    expect(page.locator(".probs .p-label")).to_have_text(NAMES)
    assert page.locator(".pred-value").text_content() in NAMES
    show_detail(page, "softmax1")
    panel = page.locator("#detail-panel [data-view=softmax-detail]")
    expect(panel).to_be_visible(timeout=15_000)
    for n in NAMES:
        expect(panel).to_contain_text(n)
    page.screenshot(path=str(screenshot_dir / "hostile-import.png"), full_page=True)
    assert_inert(page, dialogs)
    assert console_errors == []
