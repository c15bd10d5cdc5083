"""The lab's 2-D data view (tab 3 of /lab), real Chromium against a real server: a typed weight
redraws the boundary and the page's numbers are the server's, Play redraws the boundary, the
hidden-layer comparison, switching data sets and placing points, the set-up's URL round trip."""

from __future__ import annotations

import base64
import io
import json
import math
import re
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import numpy as np
from playwright.sync_api import Page, expect

from tests.browser.playground import click_at, get_json, hover_at, settled_box, wait_frames

READY = 30_000
STORE = "window.nnplayLab.plane.store"


def open_plane(page: Page, query: str = "") -> str:
    """Open the 2-D view, wait for its first grid and weights; return the session id."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"/lab?tab=plane{'&' + query if query else ''}")
    expect(page.locator(".plane")).to_have_attribute("data-state", "ready", timeout=READY)
    expect(page.locator(".out-wrap")).to_have_attribute(
        "data-grid-id", re.compile(r"\d+"), timeout=READY
    )
    page.wait_for_function(f"{STORE}.get('weights') !== null", timeout=READY)
    return page.evaluate(f"{STORE}.get('sessionId')")


def shoot(page: Page, screenshot_dir: Path, name: str) -> None:
    """Full-page screenshots at 1280x800 and 1920x1080 (and 390x844 to look at)."""
    for w, h in ((1280, 800), (1920, 1080), (390, 844)):
        page.set_viewport_size({"width": w, "height": h})
        wait_frames(page)  # the diagram lays itself out again on resize (ResizeObserver)
        assert page.evaluate("document.documentElement.scrollWidth") <= w, f"sideways at {w}"
        page.screenshot(path=str(screenshot_dir / f"lab-plane-{name}-{w}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def page_output(page: Page) -> list[float]:
    """The output layer of the grid the page holds, as numbers."""
    return page.evaluate(
        f"Array.from({STORE}.get('grid').layers.find(l => l.role === 'output').data)"
    )


def server_grid(base_url: str, session: str, size: int = 48) -> dict:
    return get_json(f"{base_url}/api/sessions/{session}/grid?size={size}")


def dequantised(tensor: dict) -> np.ndarray:
    raw = np.frombuffer(base64.b64decode(tensor["data"]), dtype=np.uint8).astype(np.float64)
    return tensor["offset"] + tensor["scale"] * raw


def exported_weights(base_url: str, session: str) -> dict[str, np.ndarray]:
    with urllib.request.urlopen(f"{base_url}/api/sessions/{session}/export.npz", timeout=30) as r:
        data = np.load(io.BytesIO(r.read()))
        return {k: data[k] for k in data.files}


def test_typed_weight_redraws_the_boundary_with_the_servers_numbers(
    page: Page, base_url: str, console_errors, screenshot_dir
):
    session = open_plane(page, "set=xor")
    before = page_output(page)
    line = page.locator("path.net-hit[data-dense=dense3][data-row='0'][data-col='0']")
    line.hover()
    tip = page.locator(".net-tip")
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("dense3.W[0][0] = ")
    shown = float(line.get_attribute("data-value"))
    # the line's value is the server's weight
    weights = exported_weights(base_url, session)
    assert shown == float(weights["dense3.W"][0, 0])

    line.click()
    editor = page.locator("form.net-edit")
    expect(editor).to_be_visible()
    editor.locator("input").fill("-4.5")
    editor.locator("input").press("Enter")
    expect(page.locator(".out-wrap")).to_have_attribute("data-edits", "1", timeout=READY)
    after = page_output(page)
    assert max(abs(a - b) for a, b in zip(before, after, strict=True)) > 0.05, "boundary moved"

    # the server holds the typed weight, and the line shows it
    weights = exported_weights(base_url, session)
    assert float(weights["dense3.W"][0, 0]) == -4.5
    assert float(line.get_attribute("data-value")) == -4.5
    # the boundary on the page is the server's grid at these weights, number for number
    grid = server_grid(base_url, session)
    out = next(layer for layer in grid["layers"] if layer["role"] == "output")
    np.testing.assert_allclose(np.array(after), dequantised(out["grid"]).ravel(), atol=1e-6)

    # a point's output on the page is the server's forward of that point
    point = page.evaluate(
        f"""(() => {{ const s = {STORE}.get('planar').splits.train;
              return [s.x.data[0], s.x.data[1], s.index[0]]; }})()"""
    )
    ext = grid["extent"]
    hover_at(page.locator("canvas.out-points"),
             (point[0] - ext["x1"][0]) / (ext["x1"][1] - ext["x1"][0]),
             (ext["x2"][1] - point[1]) / (ext["x2"][1] - ext["x2"][0]))
    readout = page.locator("[data-role=readout]")
    expect(readout).to_have_attribute("data-index", str(point[2]), timeout=READY)
    request = urllib.request.Request(
        f"{base_url}/api/sessions/{session}/forward",
        data=b'{"sample": {"split": "train", "index": %d}}' % point[2],
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as r:
        reply = json.loads(r.read())
    server_out = (reply["probabilities"] or reply["scores"])[-1]
    assert math.isclose(float(readout.get_attribute("data-output")), server_out, rel_tol=1e-6)
    # from the keyboard: a neuron's bias and its incoming weights
    node = page.locator(".net-node[data-col='2'][data-unit='1']")
    node.focus()
    page.keyboard.press("Enter")
    inputs = editor.locator("input")
    expect(inputs).to_have_count(1 + 4)  # the bias, then one weight from each of 4 neurons
    inputs.nth(0).fill("0.75")
    inputs.nth(2).fill("-2")
    page.screenshot(path=str(screenshot_dir / "lab-plane-neuron-editor-1280.png"))
    inputs.nth(0).press("Enter")
    expect(page.locator(".out-wrap")).to_have_attribute("data-edits", "2", timeout=READY)
    weights = exported_weights(base_url, session)
    assert float(weights["dense2.b"][1]) == 0.75
    assert float(weights["dense2.W"][1, 1]) == -2.0
    assert float(weights["dense3.W"][0, 0]) == -4.5, "the other layer is as it was"
    # the point read out before is read again at the new weights: the server's number
    with urllib.request.urlopen(request, timeout=30) as r:
        reply = json.loads(r.read())
    now = (reply["probabilities"] or reply["scores"])[-1]
    assert abs(now - server_out) > 1e-6, "the typed values changed that point's output"
    page.wait_for_function(
        f"Math.abs(Number(document.querySelector('[data-role=readout]').dataset.output) - {now})"
        " < 1e-6",
        timeout=READY,
    )
    shoot(page, screenshot_dir, "typed-weight")
    assert console_errors == []


def test_an_epoch_of_play_redraws_the_boundary(page: Page, base_url: str, console_errors,
                                              screenshot_dir):
    session = open_plane(
        page, "set=spiral&in=2x1x1&arch=flatten-dense8-relu-dense8-relu-dense1-sigmoid"
    )
    wrap = page.locator(".out-wrap")
    assert wrap.get_attribute("data-step") == "0"
    # one sample, then one batch: each step brings its grid
    page.get_by_role("button", name="Train on one sample").click()
    expect(wrap).to_have_attribute("data-step", "1", timeout=READY)
    page.get_by_role("button", name="Train on one batch").click()
    expect(wrap).to_have_attribute("data-step", "2", timeout=READY)
    before = page_output(page)
    page.evaluate("performance.clearMarks('plane-paint')")
    page.get_by_role("button", name="Train epoch after epoch until paused").click()
    page.wait_for_function(f"{STORE}.get('epoch') >= 1", timeout=60_000)
    page.get_by_role("button", name="Train epoch after epoch until paused").click()
    page.wait_for_function(f"!{STORE}.get('training')", timeout=60_000)
    # the last grid of the train is drawn: the step on screen is the session's
    state = get_json(f"{base_url}/api/sessions/{session}")
    expect(page.locator(".out-wrap")).to_have_attribute("data-step", str(state["step"]))
    steps = page.evaluate(
        "performance.getEntriesByName('plane-paint').map(e => e.detail.step)"
    )
    assert len(set(steps)) >= 2, steps  # drawn while training, not only at the end
    assert steps == sorted(steps)
    after = page_output(page)
    assert max(abs(a - b) for a, b in zip(before, after, strict=True)) > 0.05
    grid = server_grid(base_url, session)
    out = next(layer for layer in grid["layers"] if layer["role"] == "output")
    np.testing.assert_allclose(np.array(after), dequantised(out["grid"]).ravel(), atol=1e-6)
    # every neuron's map was painted, each from its own layer, and the gradient bars filled
    assert page.locator(".net-node:not(.net-unused)").count() == 2 + 8 + 8 + 1
    layers = page.locator(".net-node:not(.net-unused)").evaluate_all(
        "nodes => nodes.map(n => n.dataset.layer)"
    )
    assert layers == ["input"] * 2 + ["relu1"] * 8 + ["relu2"] * 8 + ["sigmoid1"], layers
    # the pointer on the output map: every neuron's value at that point, the output's the map's
    hover_at(page.locator("canvas.out-points"), 0.3, 0.7)
    here = page.locator(".net-node:not(.net-unused) .net-here")
    expect(here.first).to_be_visible()
    assert here.count() == 19
    at = page.evaluate(f"{STORE}.get('pointer')")  # the plane point under the pointer
    size = page.evaluate(f"{STORE}.get('grid').size")
    (a, b), (c, d) = page.evaluate(f"(({{x1, x2}}) => [x1, x2])({STORE}.get('grid').extent)")
    # the output map's grid interpolated at that point, as the output's tip is
    cells = np.array(page_output(page)).reshape(size, size)
    fj = min(size - 1, max(0, (at["x1"] - a) / (b - a) * (size - 1)))
    fi = min(size - 1, max(0, (d - at["x2"]) / (d - c) * (size - 1)))
    j0, i0 = min(size - 2, int(fj)), min(size - 2, int(fi))
    tj, ti = fj - j0, fi - i0
    value = ((1 - ti) * ((1 - tj) * cells[i0, j0] + tj * cells[i0, j0 + 1])
             + ti * ((1 - tj) * cells[i0 + 1, j0] + tj * cells[i0 + 1, j0 + 1]))
    on_node = page.locator(".net-output .net-here").text_content() or ""
    decimals = len(on_node.split(".")[1]) if "." in on_node else 0
    assert abs(float(on_node) - value) <= 0.5 * 10 ** -decimals + 1e-6, (on_node, value)
    page.mouse.move(0, 0)
    values = page.locator(".grad-row").evaluate_all("rows => rows.map(r => r.dataset.value)")
    assert len(values) == 3 and all(float(v) > 0 for v in values)
    expect(page.locator(".loss-chart")).to_have_attribute("data-epochs", re.compile(r"\d+"))
    shoot(page, screenshot_dir, "play")
    # rewind to the start: the weights before training are drawn again
    page.locator("[data-role=rewind-epoch]").select_option("0")
    page.get_by_role("button", name="Rewind to the chosen epoch").click()
    page.locator(".plane [data-act=rewind-yes]").click()  # it asks: later epochs are deleted
    expect(wrap).to_have_attribute("data-step", "0", timeout=READY)
    grid = server_grid(base_url, session)
    out = next(layer for layer in grid["layers"] if layer["role"] == "output")
    assert grid["step"] == 0
    np.testing.assert_allclose(np.array(page_output(page)), dequantised(out["grid"]).ravel(),
                               atol=1e-6)
    assert console_errors == []


def test_comparison_shows_chance_against_separation(page: Page, console_errors, screenshot_dir):
    open_plane(page)
    compare = page.locator("details.plane-compare")
    compare.locator("summary").click()
    compare.get_by_role("button", name="Compare").click()
    expect(compare).to_have_attribute("data-state", "done", timeout=180_000)
    linear = float(compare.locator("[data-run=linear]").get_attribute("data-acc"))
    relu = float(compare.locator("[data-run=relu]").get_attribute("data-acc"))
    assert linear < 0.6, linear
    assert relu > 0.95, relu
    expect(compare.locator("[data-run=linear] [data-role=verdict]")).to_contain_text("near chance")
    expect(compare.locator("[data-run=relu] [data-role=verdict]")).to_contain_text("separated")
    shoot(page, screenshot_dir, "compare")
    assert console_errors == []


def test_switching_data_sets_and_placing_points(page: Page, base_url: str, console_errors,
                                                screenshot_dir):
    session = open_plane(page)
    overlay = page.locator("canvas.out-points")

    def planar_matches(set_name: str) -> dict:
        page.wait_for_function(
            f"{STORE}.get('planar') && {STORE}.get('planar').set === '{set_name}'", timeout=READY
        )
        planar = get_json(f"{base_url}/api/sessions/{session}/planar")
        assert planar["set"] == set_name
        count = len(planar["splits"]["train"]["index"]) + len(planar["splits"]["val"]["index"])
        expect(overlay).to_have_attribute("data-points", str(count), timeout=READY)
        return planar

    page.locator("[data-set=spiral]").click()
    planar_matches("spiral")
    expect(page.locator("[data-set=spiral]")).to_have_attribute("aria-pressed", "true")

    # a regression set: the output becomes one linear unit with squared error
    page.locator("[data-set=gmm]").click()
    planar = planar_matches("gmm")
    assert planar["task"] == "regression"
    state = get_json(f"{base_url}/api/sessions/{session}")
    assert state["settings"]["loss"] == "mse"
    assert state["spec"]["layers"][-1]["type"] == "dense"
    expect(page.locator("select[aria-label='output and loss'] option")).to_have_count(1)
    expect(page.locator("[data-role=caption]")).to_contain_text("regression surface")
    shoot(page, screenshot_dir, "regression")

    # back to a classification set, then a click on the plane adds a point of the chosen class
    page.locator("[data-set=xor]").click()
    planar = planar_matches("xor")
    total = len(planar["splits"]["train"]["index"]) + len(planar["splits"]["val"]["index"])
    page.get_by_role("radio", name="+ class 0").click()
    click_at(overlay, 0.5, 0.5)
    planar = planar_matches("custom")
    state = get_json(f"{base_url}/api/sessions/{session}")
    points = state["settings"]["planar"]["points"]
    assert len(points) == total + 1
    assert [p for p in points if abs(p[0]) < 0.2 and abs(p[1]) < 0.2 and p[2] == 0]
    # the points are in the link, readable: x1,x2,label;...
    page.wait_for_function(
        f"new URLSearchParams(location.search).get('pts')?.split(';').length === {total + 1}",
        timeout=READY,
    )
    assert parse_qs(urlparse(page.url).query)["set"] == ["custom"]
    # drag it to another place
    box = settled_box(overlay)  # the plane's extent follows the points: measure again
    ext = page.evaluate(f"{STORE}.get('planar').extent")

    def to_px(x: float, y: float) -> tuple[float, float]:
        return (box["x"] + (x - ext["x1"][0]) / (ext["x1"][1] - ext["x1"][0]) * box["width"],
                box["y"] + (ext["x2"][1] - y) / (ext["x2"][1] - ext["x2"][0]) * box["height"])

    placed = next(p for p in points if abs(p[0]) < 0.2 and abs(p[1]) < 0.2 and p[2] == 0)
    page.mouse.move(*to_px(placed[0], placed[1]))
    page.mouse.down()
    page.mouse.move(*to_px(-3, 3), steps=6)
    page.mouse.up()
    # wait for the server's reply to the drag (the store's settings come from it): the placed
    # point gone from the centre, a class-0 point at (-3, 3) (XOR may hold one there already,
    # so that alone does not say the drag has landed)
    page.wait_for_function(
        f"(() => {{ const pts = {STORE}.get('settings').planar.points;"
        " return !pts.some(p => Math.abs(p[0]) < 0.2 && Math.abs(p[1]) < 0.2 && p[2] === 0)"
        " && pts.some(p => Math.abs(p[0] + 3) < 0.3 && Math.abs(p[1] - 3) < 0.3"
        " && p[2] === 0); })()",
        timeout=READY,
    )
    points = get_json(f"{base_url}/api/sessions/{session}")["settings"]["planar"]["points"]
    assert len(points) == total + 1
    assert not [p for p in points if abs(p[0]) < 0.2 and abs(p[1]) < 0.2 and p[2] == 0]
    # the delete tool removes the point under the pointer
    page.get_by_role("radio", name="✕ delete").click()
    box = settled_box(overlay)
    ext = page.evaluate(f"{STORE}.get('planar').extent")
    page.mouse.click(*to_px(-3, 3))
    page.wait_for_function(
        f"{STORE}.get('settings').planar.points.length === {total}", timeout=READY
    )
    shoot(page, screenshot_dir, "points")
    assert console_errors == []


def test_the_set_up_round_trips_through_the_url(page: Page, base_url: str, console_errors,
                                               screenshot_dir):
    open_plane(page)
    page.locator("[data-set=gauss]").click()
    page.wait_for_function(f"{STORE}.get('settings').planar.set === 'gauss'", timeout=READY)
    page.locator("[data-feature=x1sq]").click()
    page.wait_for_function(f"{STORE}.get('spec').input.channels === 3", timeout=READY)
    page.get_by_role("button", name="Add a hidden layer").click()
    page.wait_for_function(
        f"{STORE}.get('spec').layers.filter(l => l.type === 'dense').length === 4", timeout=READY
    )
    page.locator("select[aria-label='activation of hidden layer 3']").select_option("leaky_relu")
    page.wait_for_function(
        f"{STORE}.get('spec').layers.some(l => l.type === 'leaky_relu')", timeout=READY
    )
    page.locator("select[aria-label='regularisation']").select_option("l1")
    page.wait_for_function(f"{STORE}.get('settings').l1 > 0", timeout=READY)
    page.locator("select[aria-label='learning rate']").select_option("0.1")
    page.wait_for_function(f"{STORE}.get('settings').lr === 0.1", timeout=READY)
    spec = page.evaluate(f"{STORE}.get('spec')")
    settings = page.evaluate(f"{STORE}.get('settings')")
    url = page.url
    query = parse_qs(urlparse(url).query)
    assert query["tab"] == ["plane"]
    assert query["feat"] == ["x1,x2,x1sq"]
    assert query["set"] == ["gauss"]
    # the same link without its session makes a new session with the same set-up
    fresh = {k: v[0] for k, v in query.items() if k != "s"}
    page.goto(f"/lab?{urlencode(fresh)}")
    expect(page.locator(".plane")).to_have_attribute("data-state", "ready", timeout=READY)
    page.wait_for_function(f"{STORE}.get('sessionId') !== '{query['s'][0]}'", timeout=READY)
    assert page.evaluate(f"{STORE}.get('spec')") == spec
    again = page.evaluate(f"{STORE}.get('settings')")
    for key in ("planar", "l1", "lr", "optimizer", "batch_size", "loss", "seed"):
        assert again[key] == settings[key], key
    expect(page.locator("select[aria-label='activation of hidden layer 3']")).to_have_value(
        "leaky_relu"
    )
    expect(page.locator("select[aria-label='regularisation']")).to_have_value("l1")
    shoot(page, screenshot_dir, "url")
    assert console_errors == []


def test_the_loss_surface_panel_works_here(page: Page, console_errors, screenshot_dir):
    open_plane(page, "set=xor")
    for epoch in (1, 2):
        page.get_by_role("button", name="Train one epoch").click()
        page.wait_for_function(
            f"{STORE}.get('epoch') === {epoch} && !{STORE}.get('training')", timeout=60_000
        )
    panel = page.locator("details.plane-landscape")
    with page.expect_response("**/landscape") as reply:
        panel.locator("summary").click()
    surface = reply.value.json()
    view = panel.locator("[data-view=landscape]")
    expect(view).to_have_attribute("data-state", "ready", timeout=60_000)
    assert surface["directions"] == "pca"
    expect(panel.locator(".nn-epoch-dot")).to_have_count(2)
    expect(panel.locator(".nn-note").first).to_contain_text("PC1 explains")
    panel.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "lab-plane-landscape-1280.png"), full_page=True)
    assert console_errors == []


def test_play_goes_on_until_paused(page: Page, console_errors):
    """Play runs until paused: past the 100 epochs of a playground Play command, in one command."""
    open_plane(page, "set=xor&count=50")
    play = page.get_by_role("button", name="Train epoch after epoch until paused")
    play.click()
    page.wait_for_function(f"{STORE}.get('epoch') > 120", timeout=120_000)
    assert page.evaluate(f"{STORE}.get('playing')")
    expect(play).to_have_text("Pause")
    play.click()
    page.wait_for_function(f"!{STORE}.get('training')", timeout=60_000)
    expect(play).to_have_text("▶ Play")
    assert console_errors == []
