"""The last audit's open lab defects (docs/audits/lab-2026-12-04.md #14, #15's labels, #16's
moving): a link's keys each falling back alone; every neuron's label while hovering the output
map, the network's own value at the pointer; moving a point from the keyboard."""

from __future__ import annotations

import base64
import json
import re
import urllib.request

import numpy as np
from playwright.sync_api import Page, expect

from tests.browser.lab_plane import PLANE, hover_points, trained_xor
from tests.browser.playground import click_at, hover_at

TIMEOUT = 20_000
STORE = "window.nnplayLab.plane.store"


def server(base_url: str, path: str, body: dict) -> dict:
    """The server's own reply to POST `path`: what the page must show."""
    request = urllib.request.Request(base_url + path, data=json.dumps(body).encode(),
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read())


def decode(tensor: dict) -> np.ndarray:
    """A float32 tensor object of a JSON reply (docs/protocol.md), flat."""
    assert tensor["dtype"] == "float32"
    return np.frombuffer(base64.b64decode(tensor["data"]), dtype="<f4")


def test_a_broken_weight_list_leaves_the_links_inputs(page: Page, console_errors) -> None:
    """`n.x=1,2&n.w=1,abc`: the broken weights fall back to the example's alone; the inputs
    stay as the link gave them and the note names only `n.w` (both were reset, both named)."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/lab?tab=neuron&n.x=1,2&n.w=1,abc&n.b=0.5")
    view = "#lab-neuron"
    expect(page.locator(view)).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    expect(page.locator(f"{view} [data-role=link-note]")).to_have_text(
        "Ignored part of the link, the default used instead: n.w=1,abc (needs a number for each"
        " input, each at most 1000000 in size)")
    expect(page.locator(f"{view} [data-field='x.0']")).to_have_value("1")
    expect(page.locator(f"{view} [data-field='x.1']")).to_have_value("2")
    expect(page.locator(f"{view} [data-field='w.0']")).to_have_value("0")
    expect(page.locator(f"{view} [data-field='w.1']")).to_have_value("1")
    expect(page.locator(f"{view} [data-field='b']")).to_have_value("0.5")
    # the server's numbers are those of the link's inputs: z = 0*1 + 1*2 + 0.5
    expect(page.locator(f"{view} .bh-z")).to_contain_text("2.5")
    page.wait_for_function("() => new URLSearchParams(location.search).get('n.x') === '1,2'",
                           timeout=TIMEOUT)
    assert console_errors == []


def test_an_unreadable_plane_key_leaves_the_links_others(page: Page, console_errors) -> None:
    """`lr=abc` on the plane: the page could not read it, and dropped the whole link with it
    (the set, the noise); now it is left out alone and named."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/lab?tab=plane&set=xor&lr=abc&noise=0.1")
    expect(page.locator(".plane")).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    status = page.locator(".plane-status")
    expect(status).to_contain_text("Ignored part of the link")
    expect(status).to_contain_text("lr=abc")
    settings = page.evaluate(f"{STORE}.get('settings')")
    assert settings["planar"]["set"] == "xor"
    assert settings["planar"]["noise"] == 0.1
    assert settings["lr"] == 0.02  # the lab's default
    assert "noise" not in status.inner_text()  # only the unreadable key is named
    assert console_errors == []


def forward(base_url: str, sid: str, point: list[float]) -> dict[str, np.ndarray]:
    """Every layer's output for one plane point: the server's planar forward."""
    reply = server(base_url, f"/api/sessions/{sid}/planar/forward", {"point": point})
    return {layer["name"]: decode(layer["output"]) for layer in reply["layers"]}


def test_every_neurons_label_is_its_value_at_the_pointer(page: Page, base_url,
                                                         console_errors) -> None:
    """Hovering the output map writes each neuron's value on its small map. They gave the
    nearest grid cell's value (half a cell off on both axes), to 2 decimals; interpolated, each
    hidden neuron's label must be the server's forward of the pointer's point to one unit of its
    last digit (the uint8 grid's step and the rounding) plus what interpolating the network's
    exact values at the 4 cells round the point misses there, with no more decimals than the
    grid carries."""
    page.set_viewport_size({"width": 1280, "height": 800})
    sid = trained_xor(page)
    steps = page.evaluate(f"""() => Object.fromEntries({STORE}.get('grid').layers.map(
        (l) => [l.name, (l.max - l.min) / 255]))""")
    _, points = hover_points(page)
    hidden = page.locator(".net-node[data-col='1']")
    count = hidden.count()
    assert count == 4  # the lab's default: 4 tanh, 2 tanh, the output
    checked = 0
    worst = 0.0
    for x1, x2 in points:
        hover_at(page.locator(PLANE), (x1 + 6) / 12, (6 - x2) / 12)
        tip = page.locator("[data-role=out-tip]")
        expect(tip).to_contain_text("output ≈")
        m = re.match(r"x1 (\S+), x2 (\S+):", tip.inner_text().replace("−", "-"))
        assert m, tip.inner_text()
        at = [float(m.group(1)), float(m.group(2))]
        # the pointer is in the store once the move's events have run; the labels are painted
        # at the next animation frame: wait for two
        expect(page.locator(".net-node[data-col='1'] .net-here").first).to_be_visible()
        page.evaluate("() => new Promise((r) => requestAnimationFrame(() => "
                      "requestAnimationFrame(() => r())))")
        outputs = forward(base_url, sid, at)
        # what interpolating exact values would miss here: the allowance for the interpolation
        fj, fi = (at[0] + 6) / 12 * 47, (6 - at[1]) / 12 * 47
        j0, i0 = int(fj), int(fi)
        tj, ti = fj - j0, fi - i0
        corners = {(i, j): forward(base_url, sid, [-6 + j * 12 / 47, 6 - i * 12 / 47])
                   for i in (i0, i0 + 1) for j in (j0, j0 + 1)}
        for k in range(count):
            node = hidden.nth(k)
            layer = node.get_attribute("data-layer")
            unit = int(node.get_attribute("data-unit") or "")
            text = node.locator(".net-here").inner_text()
            decimals = len(text.split(".")[1]) if "." in text else 0
            assert 10 ** -decimals >= steps[layer] * (1 - 1e-9), (text, steps[layer])
            exact = float(outputs[layer][unit])
            c = {k: float(v[layer][unit]) for k, v in corners.items()}
            between = ((1 - ti) * ((1 - tj) * c[i0, j0] + tj * c[i0, j0 + 1])
                       + ti * ((1 - tj) * c[i0 + 1, j0] + tj * c[i0 + 1, j0 + 1]))
            error = abs(float(text) - exact)
            worst = max(worst, error)
            # one unit of the last digit: the rounding (half) and the grid's step (half at most)
            assert error <= 10 ** -decimals + abs(between - exact) + 1e-6, (
                at, layer, unit, text, exact, between)
            checked += 1
    assert checked >= 16
    print(f"worst label error {worst:.4f}")
    assert console_errors == []


def planar_points(base_url: str, sid: str) -> list[tuple[float, float, float]]:
    """Every point of the session's planar data (train and test) as the server has it: the
    GET planar route the page reads its points from."""
    with urllib.request.urlopen(f"{base_url}/api/sessions/{sid}/planar", timeout=30) as reply:
        body = json.loads(reply.read())
    out = []
    for split in body["splits"].values():
        if not split:
            continue
        x = decode_any(split["x"]).reshape(-1, 2)
        y = decode_any(split["y"]).reshape(-1)
        out += [(round(float(a), 4), round(float(b), 4), float(c)) for (a, b), c in zip(x, y,
                                                                                    strict=True)]
    return out


def decode_any(tensor: dict) -> np.ndarray:
    """A tensor object of a JSON reply, float32 or uint8 with scale/offset."""
    raw = base64.b64decode(tensor["data"])
    if tensor["dtype"] == "uint8":
        return tensor["offset"] + tensor["scale"] * np.frombuffer(raw, dtype=np.uint8)
    return np.frombuffer(raw, dtype="<f4").astype(np.float64)


def test_a_point_moves_from_the_keyboard(page: Page, base_url, console_errors) -> None:
    """Without a pointer: Tab to the plane, the cursor onto a point, Enter selects it, the arrow
    keys move it (0.1, Shift 0.5 on [-6, 6]), each move sent whole as a drag's is and said in
    the live line with its new coordinates; past the edge it stops at the edge; a refused move
    leaves the point where the server has it and says why (moving needed a pointer)."""
    page.set_viewport_size({"width": 1280, "height": 800})
    # the route that refuses a move later is in place from the start, passing requests through
    # until then: a route added mid-test once let the refused move through (CI, 5 Dec)
    refusal = {"detail": {"message": "settings.planar.points: refused for this test",
                          "field": "settings.planar.points"}}
    refusing = {"on": False}
    page.route("**/api/sessions/*/settings", lambda route: route.fulfill(
        status=422, content_type="application/json", body=json.dumps(refusal))
        if refusing["on"] else route.continue_())
    page.goto("/lab?tab=plane&set=custom&pts=2,2,0;-2,-2,1;-3,2,1;3,-3,0")
    expect(page.locator(".plane")).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    page.wait_for_function(f"() => {STORE}.get('planar') && {STORE}.get('grid')",
                           timeout=TIMEOUT)  # the plane's extent
    expect(page.locator("[data-role=tool-note]")).to_contain_text(
        "Enter adds a point (on a point: selects it")
    sid = page.evaluate(f"{STORE}.get('sessionId')")
    before = planar_points(base_url, sid)
    assert (2.0, 2.0, 0.0) in before and len(before) == 4
    plane = page.locator("canvas[data-role=plane]")
    page.locator("[data-role=show-test]").focus()  # the control after the plane: Shift+Tab
    page.keyboard.press("Shift+Tab")
    expect(plane).to_be_focused()
    cursor = page.locator("[data-role=cursor]")
    for key in ("ArrowRight",) * 4 + ("ArrowUp",) * 4:
        page.keyboard.press(key)
    expect(cursor).to_have_attribute("data-x1", "2")
    page.keyboard.press("Enter")  # on a point: selects it (no point added on top of it)
    live = page.locator("[data-role=point-live]")
    expect(live).to_contain_text(
        "Point #0 of 4 (counted from 0), class 0, selected at x1 2, x2 2")
    expect(cursor).to_have_class(re.compile(r"\bselected\b"))
    for key in ("ArrowRight",) * 3 + ("Shift+ArrowUp",):
        page.keyboard.press(key)
    expect(live).to_have_text("Point #0 moved to x1 2.3, x2 2.5.", timeout=TIMEOUT)
    page.wait_for_function(f"() => {STORE}.get('settings').planar.points[0][0] === 2.3",
                           timeout=TIMEOUT)
    after = planar_points(base_url, sid)
    assert len(after) == 4
    assert (2.3, 2.5, 0.0) in after and (2.0, 2.0, 0.0) not in after, after
    assert sorted(p for p in after if p[:2] != (2.3, 2.5)) == sorted(before[1:])
    expect(page.locator(".plane-status")).not_to_contain_text("Ignored")
    # past the edge: 8 big steps right from 2.3 would be 6.3; it stops at 6
    for _ in range(8):
        page.keyboard.press("Shift+ArrowRight")
    expect(live).to_have_text("Point #0 moved to x1 6, x2 2.5 (the edge of the plane).",
                              timeout=TIMEOUT)
    assert (6.0, 2.5, 0.0) in planar_points(base_url, sid)
    expect(cursor).to_have_attribute("data-x1", "6")
    # a move the server refuses: the point stays where the server has it, and the line says why
    refusing["on"] = True
    page.keyboard.press("ArrowDown")
    expect(live).to_have_text("Point #0 not moved: settings.planar.points: refused for this test."
                              " It stays at x1 6, x2 2.5.", timeout=TIMEOUT)
    expect(cursor).to_have_attribute("data-x2", "2.5")
    assert (6.0, 2.5, 0.0) in planar_points(base_url, sid)
    assert page.evaluate(f"{STORE}.get('settings').planar.points[0]") == [6, 2.5, 0]
    refusing["on"] = False
    page.keyboard.press("Escape")  # let go: the arrows move the cursor again
    expect(live).to_have_text("Point #0 let go at x1 6, x2 2.5.")
    expect(cursor).not_to_have_class(re.compile(r"\bselected\b"))
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("() => Number(document.querySelector('[data-role=cursor]')"
                           ".dataset.x1) < 6", timeout=TIMEOUT)
    assert page.evaluate(f"{STORE}.get('settings').planar.points[0]") == [6, 2.5, 0]
    # every console error is the refused request itself (the browser logs a 422)
    assert all("422" in e for e in console_errors), console_errors


def test_any_point_of_a_generated_set_can_be_selected_and_moved(page: Page, base_url,
                                                                console_errors) -> None:
    """The cursor moves in 24 steps; a generated set's points lie anywhere: the one nearest a
    step is selected from it, and its move makes the set your own with that point moved."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/lab?tab=plane&set=xor")
    expect(page.locator(".plane")).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    page.wait_for_function(f"() => {STORE}.get('planar')?.splits?.val && {STORE}.get('grid')",
                           timeout=TIMEOUT)  # the points on screen, the plane's extent
    x = page.evaluate(f"Array.from({STORE}.get('planar').splits.train.x.data.slice(0, 2))")
    total = page.evaluate(f"{STORE}.get('planar').splits.train.y.data.length"
                          f" + {STORE}.get('planar').splits.val.y.data.length")
    col, row = round((x[0] + 6) / 12 * 24), round((6 - x[1]) / 12 * 24)
    page.locator("canvas[data-role=plane]").focus()
    keys = (["ArrowRight"] * (col - 12) if col >= 12 else ["ArrowLeft"] * (12 - col))
    keys += (["ArrowDown"] * (row - 12) if row >= 12 else ["ArrowUp"] * (12 - row))
    for key in keys:
        page.keyboard.press(key)
    page.keyboard.press("Enter")
    live = page.locator("[data-role=point-live]")
    expect(live).to_contain_text("selected at")
    index = int(page.locator("[data-role=cursor]").get_attribute("data-index") or "")
    # named as the lab counts: from 0, its place in the list the move sends (the link's `pts`)
    expect(live).to_contain_text(f"Point #{index} of {total} (counted from 0), class ")
    page.keyboard.press("ArrowLeft")
    expect(live).to_contain_text("moved to", timeout=TIMEOUT)
    page.wait_for_function(f"() => {STORE}.get('settings').planar.set === 'custom'",
                           timeout=TIMEOUT)
    points = page.evaluate(f"{STORE}.get('settings').planar.points")
    assert len(points) == total  # nothing added, nothing lost
    moved = points[index]
    assert f"Point #{index} moved to" in live.inner_text()
    assert (moved[0], moved[1]) in {(p[0], p[1]) for p in planar_points(base_url,
                                    page.evaluate(f"{STORE}.get('sessionId')"))}
    assert f"x1 {moved[0]:g}".replace("-", "−") in live.inner_text().replace("-", "−")
    assert console_errors == []


def test_a_tap_on_a_trained_plane_asks_before_the_epochs_go(page: Page, base_url,
                                                           console_errors) -> None:
    """A tap on the plane adds a point, and new points start the weights over: after training
    a tap (on a phone, where there is no hover, the natural way to read a number) lost every
    epoch without a word (docs/audits/lab-2026-12-05.md, 5). Now it asks under the plane:
    kept, nothing changes; yes, the point is added and training starts over; with nothing
    trained it adds at once."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/lab?tab=plane&set=custom&pts=2,2,0;-2,-2,1;-3,2,1;3,-3,0")
    expect(page.locator(".plane")).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    page.wait_for_function(f"() => {STORE}.get('planar') && {STORE}.get('grid')",
                           timeout=TIMEOUT)
    sid = page.evaluate(f"{STORE}.get('sessionId')")
    page.locator("button[data-act=epoch]").click()
    page.wait_for_function(f"() => {STORE}.get('epoch') === 1 && !{STORE}.get('training')",
                           timeout=TIMEOUT)
    plane = page.locator(PLANE)
    question = page.locator("[data-role=points-confirm]")
    trained = f"() => {STORE}.get('history').some((h) => h.epoch === 1)"
    points = f"{STORE}.get('settings').planar.points.length"

    click_at(plane, 0.5, 0.06)
    expect(question).to_be_visible(timeout=TIMEOUT)
    expect(question).to_contain_text("Add this point? Changing the points starts the weights "
                                     "over: epoch 1 of training will be lost")
    page.get_by_role("button", name="Keep the training").click()
    expect(question).to_be_hidden()
    assert page.evaluate(trained)
    assert page.evaluate(f"{STORE}.get('editPoints')") is None
    assert len(planar_points(base_url, sid)) == 4

    click_at(plane, 0.5, 0.06)
    expect(question).to_be_visible(timeout=TIMEOUT)
    page.get_by_role("button", name="Change the points and start over").click()
    page.wait_for_function(f"() => {points} === 5", timeout=TIMEOUT)
    page.wait_for_function(f"() => !({trained})()", timeout=TIMEOUT)
    assert len(planar_points(base_url, sid)) == 5

    click_at(plane, 0.06, 0.5)
    page.wait_for_function(f"() => {points} === 6", timeout=TIMEOUT)
    expect(question).to_be_hidden()
    assert console_errors == []
