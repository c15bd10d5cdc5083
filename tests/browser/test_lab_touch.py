"""The lab's 2-D view on a phone and from the keyboard: the read tool (a touch screen has no hover,
and a tap added a point: no way to read the output at a spot), the batch-size and seed boxes
kept while the learner types in them, and the keyboard cursor's ring shown for keyboard focus
only (a click on the plane put it at the centre)."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.browser.lab_plane import hover_points, trained_xor
from tests.browser.playground import wait_frames

TIMEOUT = 30_000
STORE = "window.nnplayLab.plane.store"
READING = re.compile(r"x1 (\S+), x2 (\S+): output ≈ (\S+) \(grid\)")


def output_at(base_url: str, sid: str, point: list[float]) -> float:
    """The server's forward of plane point `point`: the network's output there."""
    request = urllib.request.Request(f"{base_url}/api/sessions/{sid}/planar/forward",
                                     data=json.dumps({"point": point}).encode(),
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        body = json.loads(reply.read())
    return float(body["probabilities"][-1] if body.get("probabilities") else body["scores"][0])


def allowance(base_url: str, sid: str, at: list[float], exact: float, step: float) -> float:
    """How far the page's reading at `at` may be from the server's forward there: half the
    uint8 grid's step (its stated precision), half the last of the 3 decimals shown, what
    interpolating the network's exact values at the 4 grid cells round the point misses, and
    what the coordinates' rounding to 3 decimals (the point forwarded is the one the tip
    names) moves the output by."""
    fj, fi = (at[0] + 6) / 12 * 47, (6 - at[1]) / 12 * 47
    j0, i0 = int(fj), int(fi)
    tj, ti = fj - j0, fi - i0
    c = {(i, j): output_at(base_url, sid, [-6 + j * 12 / 47, 6 - i * 12 / 47])
         for i in (i0, i0 + 1) for j in (j0, j0 + 1)}
    between = ((1 - ti) * ((1 - tj) * c[i0, j0] + tj * c[i0, j0 + 1])
               + ti * ((1 - tj) * c[i0 + 1, j0] + tj * c[i0 + 1, j0 + 1]))
    cell = 12 / 47
    slope = (max(abs(c[i, j0 + 1] - c[i, j0]) for i in (i0, i0 + 1))
             + max(abs(c[i0 + 1, j] - c[i0, j]) for j in (j0, j0 + 1))) / cell
    return step / 2 + 0.0005 + abs(between - exact) + slope * 0.0005 + 1e-6


def point_count(page: Page) -> int:
    return page.evaluate(f"{STORE}.get('planar').splits.train.y.data.length"
                         f" + {STORE}.get('planar').splits.val.y.data.length")


def test_a_tap_with_the_read_tool_reads_the_output_on_a_phone(browser: Browser, base_url,
                                                              screenshot_dir: Path) -> None:
    """390x844, touch: pick the read tool, tap the plane; the tip says the output there as a hover
    does, interpolated from the grid, the server's forward of that point within the grid's
    precision; it stays up after the finger lifts, and no point is added (nor a question asked
    about the training it would lose)."""
    context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844},
                                  has_touch=True, is_mobile=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        sid = trained_xor(page)
        count = point_count(page)
        tool = page.locator("button[data-tool=read]")
        tool.tap()
        expect(tool).to_have_attribute("aria-checked", "true")
        plane = page.locator("canvas[data-role=plane]")
        plane.scroll_into_view_if_needed()
        wait_frames(page)
        box, points = hover_points(page)
        step = page.evaluate(f"""() => {{ const l = {STORE}.get('grid').layers.find(
            (x) => x.role === 'output'); return (l.max - l.min) / 255; }}""")
        tip = page.locator("[data-role=out-tip]")
        worst = 0.0
        for x1, x2 in points:
            page.touchscreen.tap(box["x"] + (x1 + 6) / 12 * box["width"],
                                 box["y"] + (6 - x2) / 12 * box["height"])
            expect(tip).to_be_visible()
            text = tip.inner_text().replace("−", "-")
            m = READING.fullmatch(text)
            assert m, text
            at = [float(m.group(1)), float(m.group(2))]
            assert abs(at[0] - x1) < 0.05 and abs(at[1] - x2) < 0.05, (at, x1, x2)
            exact = output_at(base_url, sid, at)
            error = abs(float(m.group(3)) - exact)
            worst = max(worst, error)
            allowed = allowance(base_url, sid, at, exact, step)
            assert error <= allowed, (at, text, exact)
        assert len(points) >= 4
        print(f"worst read error {worst:.4f} (grid step {step:.4f})")
        expect(page.locator("[data-role=read-mark]")).to_be_visible()
        page.screenshot(path=str(screenshot_dir / "lab-plane-read-tap-390.png"))
        # nothing changed: no point, no question, the epoch kept
        expect(page.locator("[data-role=points-confirm]")).to_be_hidden()
        assert page.evaluate(f"{STORE}.get('settings').planar.set") == "xor"
        assert point_count(page) == count
        assert page.evaluate(f"{STORE}.get('history').some((h) => h.epoch === 1)")
        assert page.evaluate(f"{STORE}.get('editPoints')") is None
        # another tool: the reading goes
        page.locator("button[data-tool=add1]").tap()
        expect(tip).to_be_hidden()
        assert errors == []
    finally:
        context.close()


def test_the_read_tool_from_the_keyboard(page: Page, base_url, console_errors,
                                         screenshot_dir: Path) -> None:
    """Enter on the read tool, Tab to the plane: every arrow key reads the output at the cursor into
    the live line (the server's forward within the grid's precision), Enter reads it again, and
    neither Enter on a point nor Delete changes the points."""
    page.set_viewport_size({"width": 1280, "height": 800})
    sid = trained_xor(page)
    count = point_count(page)
    page.locator("button[data-tool=read]").press("Enter")
    expect(page.locator("button[data-tool=read]")).to_have_attribute("aria-checked", "true")
    plane = page.locator("canvas[data-role=plane]")
    page.locator("[data-role=show-test]").focus()  # the control after the plane: Shift+Tab
    page.keyboard.press("Shift+Tab")
    expect(plane).to_be_focused()
    cursor = page.locator("[data-role=cursor]")
    expect(cursor).to_be_visible()
    step = page.evaluate(f"""() => {{ const l = {STORE}.get('grid').layers.find(
        (x) => x.role === 'output'); return (l.max - l.min) / 255; }}""")
    live = page.locator("[data-role=point-live]")
    # a step of the cursor's (24 over [-6, 6]) 10 px from every point
    data = page.evaluate(f"""() => ["train", "val"].flatMap((k) => Array.from(
        {STORE}.get('planar').splits[k].x.data))""")
    pts = list(zip(data[0::2], data[1::2], strict=True))
    width = plane.bounding_box()["width"]
    col, row = next((c, r) for r in range(3, 22) for c in range(3, 22)
                    if min(abs(-6 + c / 2 - a) + abs(6 - r / 2 - b) for a, b in pts)
                    * width / 12 > 10)
    keys = ["ArrowRight"] * (col - 12) if col >= 12 else ["ArrowLeft"] * (12 - col)
    keys += ["ArrowDown"] * (row - 12) if row >= 12 else ["ArrowUp"] * (12 - row)
    for key in keys:
        page.keyboard.press(key)
    x1, x2 = -6 + col / 2, 6 - row / 2
    expect(cursor).to_have_attribute("data-x1", f"{x1:g}")
    expect(cursor).to_have_attribute("data-x2", f"{x2:g}")
    expect(live).to_contain_text("output ≈")
    text = live.inner_text().replace("−", "-")
    m = READING.fullmatch(text)
    assert m, text
    at = [float(m.group(1)), float(m.group(2))]
    assert at == [x1, x2]
    exact = output_at(base_url, sid, at)
    assert abs(float(m.group(3)) - exact) <= allowance(base_url, sid, at, exact, step), (
        text, exact)
    expect(page.locator("[data-role=out-tip]")).to_have_text(live.inner_text())
    page.screenshot(path=str(screenshot_dir / "lab-plane-read-keys-1280.png"))
    # Enter and Delete on a data point: its words and the server's forward, nothing selected,
    # added or deleted
    # (a training point within 5 px of a cursor step: under the cursor there)
    train = page.evaluate(f"Array.from({STORE}.get('planar').splits.train.x.data)")
    c2, r2 = next((c, r) for c, r in ((round((a + 6) * 2), round((6 - b) * 2))
                                      for a, b in zip(train[0::2], train[1::2], strict=True))
                  if min(abs(-6 + c / 2 - a) + abs(6 - r / 2 - b)
                         for a, b in zip(train[0::2], train[1::2], strict=True))
                  * width / 12 < 5)
    keys = ["ArrowRight"] * (c2 - col) if c2 >= col else ["ArrowLeft"] * (col - c2)
    keys += ["ArrowDown"] * (r2 - row) if r2 >= row else ["ArrowUp"] * (row - r2)
    for key in keys:
        page.keyboard.press(key)
    page.keyboard.press("Enter")
    expect(live).to_contain_text(re.compile(r"(train|test) point: \("))
    expect(page.locator("[data-role=readout]")).to_have_attribute(
        "data-split", re.compile("train|val"), timeout=TIMEOUT)  # the server's forward of it
    page.keyboard.press("Delete")
    expect(live).to_contain_text("The read tool changes no point")
    expect(cursor).not_to_have_class(re.compile(r"\bselected\b"))
    assert point_count(page) == count
    assert page.evaluate(f"{STORE}.get('settings').planar.set") == "xor"
    expect(page.locator("[data-role=points-confirm]")).to_be_hidden()
    assert console_errors == []


def test_a_reply_does_not_write_over_a_box_being_typed_in(page: Page, console_errors) -> None:
    """Every settings reply wrote every control: "3" typed on the way to "32" in the batch box
    became the batch size in force when another setting's reply landed meanwhile. The other
    change is made while the learner is in the box, and its reply awaited, before typing on."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/lab?tab=plane")
    expect(page.locator(".plane")).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    page.wait_for_function(f"() => {STORE}.get('settings')?.batch_size === 8", timeout=TIMEOUT)
    other = """(v) => { const s = document.querySelector(
        ".plane-hyper select[aria-label='learning rate']");
        s.value = String(v); s.dispatchEvent(new Event('change', {bubbles: true})); }"""
    batch = page.locator(".plane-hyper input[aria-label='batch size']")
    expect(batch).to_have_value("8")
    batch.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("3")
    page.evaluate(other, 0.1)  # the learning rate, changed meanwhile: its reply lands now
    page.wait_for_function(f"() => {STORE}.get('settings').lr === 0.1", timeout=TIMEOUT)
    wait_frames(page)
    expect(batch).to_be_focused()
    expect(batch).to_have_value("3")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => {STORE}.get('settings').batch_size === 32", timeout=TIMEOUT)
    expect(batch).to_have_value("32")

    seed = page.locator("input[aria-label=seed]")
    seed.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("4")
    page.evaluate(other, 0.3)
    page.wait_for_function(f"() => {STORE}.get('settings').lr === 0.3", timeout=TIMEOUT)
    wait_frames(page)
    expect(seed).to_have_value("4")
    page.keyboard.type("1")
    page.keyboard.press("Tab")  # sent on leaving the box
    page.wait_for_function(f"() => {STORE}.get('settings').seed === 41", timeout=TIMEOUT)
    expect(seed).to_have_value("41")
    expect(batch).to_have_value("32")
    # a box the learner is not in still shows each reply: the next seed
    page.locator("button[data-act=reseed]").click()
    page.wait_for_function(f"() => {STORE}.get('settings').seed === 42", timeout=TIMEOUT)
    expect(seed).to_have_value("42")
    # and a value held back while the learner sat in the box is shown on leaving it
    batch.focus()
    page.evaluate(f"""() => {STORE}.set('settings', {{...{STORE}.get('settings'),
        batch_size: 16}})""")
    expect(batch).to_have_value("32")
    seed.focus()
    expect(batch).to_have_value("16")
    assert console_errors == []


def test_a_click_on_the_plane_shows_no_keyboard_cursor(page: Page, console_errors) -> None:
    """A click focuses the plane (it takes the keys), and the focus put the keyboard cursor's
    ring at the plane's centre, where nothing had been clicked. It shows for keyboard focus
    only, or with the first key; Enter then first shows where it would act."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/lab?tab=plane&set=custom&pts=2,2,0;-2,-2,1;-3,2,1;3,-3,0")
    expect(page.locator(".plane")).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    page.wait_for_function(f"() => {STORE}.get('planar') && {STORE}.get('grid')",
                           timeout=TIMEOUT)
    page.locator("button[data-tool=delete]").click()  # a click on empty plane changes nothing
    plane = page.locator("canvas[data-role=plane]")
    box = plane.bounding_box()
    assert box
    page.mouse.click(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.8)
    expect(plane).to_be_focused()
    cursor = page.locator("[data-role=cursor]")
    wait_frames(page)
    expect(cursor).to_be_hidden()
    page.keyboard.press("Delete")  # shows the cursor where Delete would act; deletes nothing
    expect(cursor).to_be_visible()
    expect(cursor).to_have_attribute("data-x1", "0")
    assert len(page.evaluate(f"{STORE}.get('settings').planar.points")) == 4
    page.mouse.click(box["x"] + 5, box["y"] + 5)  # elsewhere: the focus stays, and so does it
    page.locator("[data-role=show-test]").focus()
    expect(cursor).to_be_hidden()
    page.keyboard.press("Shift+Tab")  # keyboard focus: the ring
    expect(plane).to_be_focused()
    expect(cursor).to_be_visible()
    assert console_errors == []


def test_a_point_read_on_a_phone_follows_the_weights_during_play(browser: Browser,
                                                                 base_url) -> None:
    """A tip left on a data point by the read tool kept the output of the moment of the tap while
    Play changed the map under it (review of 5 Dec: 0.585 at step 236, 0.988 once paused). Its
    number is now the server's forward of the point again as the weights change, during Play."""
    context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844},
                                  has_touch=True, is_mobile=True)
    page = context.new_page()
    try:
        trained_xor(page)
        page.locator("button[data-tool=read]").tap()
        plane = page.locator("canvas[data-role=plane]")
        plane.scroll_into_view_if_needed()
        wait_frames(page)
        box = plane.bounding_box()
        assert box is not None
        x1, x2 = page.evaluate(f"Array.from({STORE}.get('planar').splits.train.x.data.slice(0, 2))")
        page.touchscreen.tap(box["x"] + (x1 + 6) / 12 * box["width"],
                             box["y"] + (6 - x2) / 12 * box["height"])
        tip = page.locator("[data-role=out-tip]")
        expect(tip).to_have_attribute("data-output", re.compile(r"\d"), timeout=TIMEOUT)
        first = tip.get_attribute("data-output")
        page.locator("button[data-act=play]").tap()
        # a new number in the tip while Play is still on (the weights of a later step)
        page.wait_for_function(
            f"(first) => {STORE}.get('playing') && document.querySelector("
            "'[data-role=out-tip]').dataset.output !== first", arg=first, timeout=TIMEOUT)
        page.locator("button[data-act=play]").tap()
        page.wait_for_function(f"() => !{STORE}.get('playing') && !{STORE}.get('training')",
                               timeout=TIMEOUT)
        expect(page.locator("[data-role=points-confirm]")).to_be_hidden()
    finally:
        context.close()
