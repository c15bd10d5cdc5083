"""Defects a first-time user met in the lab (docs/audits/lab-2026-12-04.md), each held by a
test: the tabs from the keyboard; a typed weight kept when a training step of the old weights
comes back; the message about a bad field kept while it is still bad; the neuron's bounds said
in words; a link with a refused number still opening the 2-D view; a batch size or seed out of
range said, not swallowed; the data column's layout; the 2-2-1 texts; "Take this step" waiting
for its reply; a by-hand link's unused values named."""

from __future__ import annotations

import json
import math
import re
import urllib.request

from playwright.sync_api import Page, expect

from tests.browser.lab_plane import PLANE, hover_points
from tests.browser.playground import hover_at

TIMEOUT = 20_000
ALL_ONES = {**{f"w{i}": 1.0 for i in range(1, 7)}, "b1": 0.0, "b2": 0.0, "b3": 0.0}


def server(base_url: str, path: str, body: dict) -> dict:
    """The server's own reply to POST `path`: what the page must show."""
    request = urllib.request.Request(base_url + path, data=json.dumps(body).encode(),
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read())


def test_every_tab_is_reachable_from_the_keyboard(page: Page, console_errors) -> None:
    """Only the open tab is in the Tab order (tabindex -1 on the others), so the arrow keys
    must move between tabs, as the WAI-ARIA tabs pattern says; Home and End go to the ends."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/lab?tab=neuron")
    expect(page.locator("#lab-neuron")).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    page.locator("#tab-neuron").focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#tab-net221")).to_be_focused()
    expect(page.locator("#tab-net221")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#lab-net221")).to_be_visible()
    expect(page.locator("#lab-neuron")).to_be_hidden()
    expect(page.locator("#lab-net221")).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    assert "tab=net221" in page.url
    page.keyboard.press("End")
    expect(page.locator("#tab-plane")).to_be_focused()
    expect(page.locator("#lab-plane")).to_be_visible()
    page.keyboard.press("ArrowRight")  # wraps round to the first
    expect(page.locator("#tab-neuron")).to_be_focused()
    expect(page.locator("#lab-neuron")).to_be_visible()
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#tab-plane")).to_be_focused()
    page.keyboard.press("Home")
    expect(page.locator("#tab-neuron")).to_be_focused()
    expect(page.locator("#tab-neuron")).to_have_attribute("tabindex", "0")
    expect(page.locator("#tab-plane")).to_have_attribute("tabindex", "-1")
    assert console_errors == []


def open_view(page: Page, tab: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"/lab?tab={tab}")
    expect(page.locator(f"#lab-{tab}")).to_have_attribute("data-state", "ready", timeout=TIMEOUT)


def test_a_weight_typed_while_a_step_trains_is_kept(page: Page, console_errors) -> None:
    """The person clicks +1 sample, then types w1 before the step's reply is back: the reply
    is of the old weights, and must not overwrite the w1 they typed."""
    open_view(page, "net221")
    view = "#lab-net221"
    held = []
    page.route("**/api/lab/net221/train", lambda route: held.append(route))
    page.click(f"{view} [data-action=sample]")
    page.wait_for_function("() => document.querySelector('#lab-net221').dataset.state === "
                           "'training'", timeout=TIMEOUT)
    while not held:
        page.wait_for_timeout(20)
    page.fill(f"{view} [data-field='w1']", "3")
    label = page.locator(f"{view} [data-param='w1'].bh-pick text")
    expect(label).to_have_text("w1 = 3", timeout=TIMEOUT)  # the server's reply for w1 = 3
    with page.expect_response("**/api/lab/net221/train"):
        held[0].continue_()
    expect(page.locator(view)).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    expect(page.locator(f"{view} [data-field='w1']")).to_have_value("3")
    expect(label).to_have_text("w1 = 3")
    assert "h.p=3,1,1,1,1,1,0,0,0" in page.url
    assert console_errors == []


def test_the_message_about_a_bad_field_stays_while_it_is_bad(page: Page, console_errors) -> None:
    open_view(page, "net221")
    view = "#lab-net221"
    message = page.locator(f"{view} .bh-error")
    page.fill(f"{view} [data-field='w2']", "abc")
    expect(message).to_have_text("weight w2: type a number (at most 1000000 in size)")
    page.fill(f"{view} [data-field='w1']", "2")  # a good edit elsewhere: a new reply
    expect(page.locator(f"{view} [data-param='w1'].bh-pick text")).to_have_text(
        "w1 = 2", timeout=TIMEOUT)
    expect(page.locator(view)).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    # the page still says why w2's box is red, and which w2 the numbers use
    expect(message).to_be_visible()
    expect(message).to_contain_text("weight w2: type a number")
    expect(message).to_contain_text("w2 = 1")
    expect(page.locator(f"{view} [data-field='w2']")).to_have_attribute("aria-invalid", "true")
    page.fill(f"{view} [data-field='w2']", "0.5")
    expect(message).to_be_hidden(timeout=TIMEOUT)
    assert console_errors == []


def test_the_neuron_says_its_bounds_and_keeps_the_set_up(page: Page, console_errors) -> None:
    """A number beyond the server's bound is refused on the page, in words naming the box,
    and nothing reaches the URL: a reload keeps the weights that were set."""
    open_view(page, "neuron")
    view = "#lab-neuron"
    page.fill(f"{view} [data-field='w.1']", "-1")
    expect(page.locator(f"{view} .bh-z .bh-rhs")).to_have_text("1", timeout=TIMEOUT)
    message = page.locator(f"{view} .bh-error")
    page.fill(f"{view} [data-field='x.0']", "1e308")
    expect(message).to_have_text("input x1: type a number from −1,000,000 to 1,000,000")
    expect(page.locator(f"{view} [data-field='x.0']")).to_have_attribute("aria-invalid", "true")
    assert "1e308" not in page.url
    page.select_option(f"{view} select", "leaky_relu")
    page.fill(f"{view} [data-field='x.0']", "2")
    page.fill(f"{view} [data-field='slope']", "5")
    expect(message).to_have_text("leaky ReLU slope: type a number from 0 to 1")
    # another activation hides the slope box: its bad text must not block the new numbers
    page.select_option(f"{view} select", "step")
    expect(page.locator(f"{view} .bh-y .bh-rhs")).to_have_text("1", timeout=TIMEOUT)
    expect(page.locator(f"{view} .bh-formula").first).to_contain_text("binary step")
    expect(message).to_be_hidden()
    page.reload()
    expect(page.locator(view)).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    expect(page.locator(f"{view} [data-field='w.1']")).to_have_value("-1")
    expect(page.locator(f"{view} [data-field='x.0']")).to_have_value("2")
    assert console_errors == []


def test_a_link_with_one_refused_number_still_opens_the_plane(page: Page, console_errors) -> None:
    """A hand-edited link whose learning rate the server refuses: the view starts anyway, with
    the link's other values, the default rate, and a line naming what was left out."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/lab?tab=plane&set=xor&lr=1e308&noise=0.1")
    plane = page.locator(".plane")
    expect(plane).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    status = page.locator(".plane-status")
    expect(status).to_contain_text("Ignored part of the link")
    expect(status).to_contain_text("lr=1e308")
    expect(status).to_contain_text("settings.lr")
    store = "window.nnplayLab.plane.store"
    settings = page.evaluate(f"{store}.get('settings')")
    assert settings["planar"]["set"] == "xor"
    assert settings["planar"]["noise"] == 0.1
    assert settings["lr"] == 0.02  # the lab's default
    page.wait_for_function("() => new URLSearchParams(location.search).get('lr') === '0.02'",
                           timeout=TIMEOUT)
    expect(page.locator("button[data-set=xor]")).to_have_attribute("aria-pressed", "true")
    # your own points, one far off the plane: the points go, and the custom set without them
    page.goto("/lab?tab=plane&set=custom&pts=1e308,2,1;3,4,0")
    expect(plane).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    expect(status).to_contain_text("pts=1e308,2,1;3,4,0 (settings.planar.points: coordinates")
    expect(status).to_contain_text("set=custom")
    assert page.evaluate(f"{store}.get('settings').planar.set") == "circle"
    # every console error is a refused request itself (the browser logs a 422)
    assert all("422" in e for e in console_errors), console_errors


def test_a_batch_size_or_seed_out_of_range_is_said_not_swallowed(page: Page,
                                                                  console_errors) -> None:
    """0, 5000 or 2.5 as the batch size, -1 or 99999999999 as the seed: the box must not go on
    showing a number that is not in force; the status line says what was wrong."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/lab?tab=plane")
    expect(page.locator(".plane")).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    store = "window.nnplayLab.plane.store"
    status = page.locator(".plane-status")
    batch = page.locator("input[aria-label='batch size']")
    for typed in ("0", "5000", "2.5"):
        batch.fill(typed)
        batch.press("Tab")
        expect(status).to_have_text(
            f"Batch size: type a whole number from 1 to 1,024 (not {typed}); it stays 8.")
        expect(batch).to_have_value("8")
        assert page.evaluate(f"{store}.get('settings').batch_size") == 8
    seed = page.locator("input[aria-label=seed]")
    for typed in ("-1", "99999999999"):
        seed.fill(typed)
        seed.press("Tab")
        expect(status).to_have_text(
            f"Seed: type a whole number from 0 to 4,294,967,295 (not {typed}); it stays 0.")
        expect(seed).to_have_value("0")
    batch.fill("16")  # a good one still goes through
    batch.press("Tab")
    page.wait_for_function(f"() => {store}.get('settings').batch_size === 16", timeout=TIMEOUT)
    expect(batch).to_have_value("16")
    assert console_errors == []


def test_the_data_column_keeps_each_heading_over_its_controls(page: Page, console_errors,
                                                               screenshot_dir) -> None:
    """Below 1180 px the data column becomes a row: each heading must stay over its own
    controls (it used to scatter them across the grid: "Data" alone at the left, the set
    buttons in the middle, "Your points" under the sliders)."""
    page.set_viewport_size({"width": 800, "height": 600})
    page.goto("/lab?tab=plane")
    expect(page.locator(".plane")).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    data = page.locator(".plane-data")
    box = {name: data.locator(sel).first.bounding_box() for name, sel in {
        "data": "h3:text-is('Data')", "sets": ".plane-sets", "noise": "label.plane-slider",
        "points": "h3:text-is('Your points')", "tools": ".plane-tools"}.items()}
    assert all(box.values()), box
    assert abs(box["data"]["x"] - box["sets"]["x"]) < 2, box
    assert abs(box["sets"]["x"] - box["noise"]["x"]) < 2, box
    assert box["data"]["y"] < box["sets"]["y"] < box["noise"]["y"], box
    assert abs(box["points"]["x"] - box["tools"]["x"]) < 2, box
    assert box["points"]["y"] < box["tools"]["y"], box
    # side by side: the point tools beside the data set's block, not under it
    assert box["points"]["x"] > box["sets"]["x"] + 200, box
    page.screenshot(path=str(screenshot_dir / "lab-plane-data-800.png"))
    assert console_errors == []


def test_the_221_texts_say_each_thing_once_and_no_false_target(page: Page,
                                                               console_errors) -> None:
    """A bias's local derivative is one value: "f′(z_h1) = 0.04518", not "= 0.04518 =
    0.04518". The new person has no target y: the line must not print one."""
    open_view(page, "net221")
    view = "#lab-net221"
    b1 = page.locator(f"{view} details[data-param='b1'] .bh-factor .bh-rhs").last
    expect(b1).to_have_text("f′(z_h1) = 0.04518")
    w1 = page.locator(f"{view} details[data-param='w1'] .bh-factor .bh-rhs").last
    expect(w1).to_have_text("x1 · f′(z_h1) = (−2) · 0.04518 = −0.09035")
    person = page.locator(f"{view} .bh-person .bh-rhs")
    expect(person).to_have_text(
        "0.8705: female (class 1; the network says female where ŷ ≥ 0.5)", timeout=TIMEOUT)
    assert console_errors == []


def test_take_this_step_waits_for_the_numbers_of_the_typed_weights(page: Page, base_url,
                                                                   console_errors) -> None:
    """"Take this step" applies the step the page shows. Right after a typed weight, until
    the server's reply for it is in, that is the step of the old weights: the button must wait,
    or it writes the old weights' step over the typed one."""
    open_view(page, "net221")
    view = "#lab-net221"
    held = []
    page.route("**/api/lab/net221", lambda route: held.append(route))
    step = page.locator(f"{view} [data-action=step]")
    page.fill(f"{view} [data-field='w1']", "3")
    while not held:
        page.wait_for_timeout(20)
    expect(step).to_be_disabled()
    with page.expect_response("**/api/lab/net221"):
        held[0].continue_()
    page.unroute("**/api/lab/net221")
    expect(step).to_be_enabled(timeout=TIMEOUT)
    step.click()
    expected = server(base_url, "/api/lab/net221",
                      {"params": {**ALL_ONES, "w1": 3.0}, "x": [-2, -1], "y": 1, "lr": 0.1})
    after = {g["name"]: g["after"] for g in expected["grads"]}
    field = page.locator(f"{view} [data-field='w1']")
    expect(field).not_to_have_value("3", timeout=TIMEOUT)
    assert abs(float(field.input_value()) - after["w1"]) <= 1e-5
    assert console_errors == []


def test_a_by_hand_link_says_which_of_its_values_it_did_not_use(page: Page,
                                                                  console_errors) -> None:
    """A hand-edited link whose values the view cannot take: the view opens with its
    defaults for them, and says so, naming each (as text: script-like values stay text)."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/lab?tab=net221&h.lr=1e308&h.p=1,2,3&h.x=4,5")
    view = "#lab-net221"
    expect(page.locator(view)).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    note = page.locator(f"{view} [data-role=link-note]")
    expect(note).to_have_text(
        "Ignored part of the link, the default used instead: h.p=1,2,3 (needs 9 numbers, w1 to"
        " w6 then b1 to b3, each at most 1000000 in size); h.lr=1e308 (needs a number above 0,"
        " at most 10)")
    expect(page.locator(f"{view} [data-field='x1']")).to_have_value("4")  # a good key is used
    expect(page.locator(f"{view} [data-field='lr']")).to_have_value("0.1")
    page.goto("/lab?tab=neuron&n.f=<img src=x onerror=alert(1)>&n.b=2")
    view = "#lab-neuron"
    expect(page.locator(view)).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    note = page.locator(f"{view} [data-role=link-note]")
    expect(note).to_have_text("Ignored part of the link, the default used instead: "
                              "n.f=<img src=x onerror=alert(1)> (needs one of linear, sigmoid,"
                              " tanh, relu, leaky_relu, step)")
    assert page.locator(f"{view} img").count() == 0
    expect(page.locator(f"{view} [data-field='b']")).to_have_value("2")
    page.goto("/lab?tab=neuron&n.b=2")  # a link the view takes whole: no note, nothing
    expect(page.locator(view)).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    expect(page.locator(f"{view} [data-role=link-note]")).to_have_count(0)
    heading = page.locator(f"{view} h2")
    assert heading.evaluate("h => h.nextSibling.nodeType") == 1  # an element, no stray text
    assert "null" not in page.locator(view).inner_text()
    assert console_errors == []


def test_points_can_be_placed_and_deleted_from_the_keyboard(page: Page, console_errors) -> None:
    """Without a pointer: Tab to the plane, move the cursor with the arrow keys, Enter places a
    point of the chosen class there, Delete removes it (clicks did it, keys could not)."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/lab?tab=plane")
    expect(page.locator(".plane")).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    store = "window.nnplayLab.plane.store"
    page.locator("button[data-tool=add0]").press("Enter")  # the class-0 tool, by keyboard
    plane = page.locator("canvas[data-role=plane]")
    expect(plane).to_have_attribute("tabindex", "0")
    plane.focus()
    cursor = page.locator("[data-role=cursor]")
    expect(cursor).to_be_visible()
    for key in ("ArrowRight",) * 4 + ("ArrowUp",) * 4:
        page.keyboard.press(key)
    # 4 of 24 steps right and up from the middle of [-6, 6] x [-6, 6]: (2, 2)
    expect(cursor).to_have_attribute("data-x1", "2")
    expect(cursor).to_have_attribute("data-x2", "2")
    expect(cursor).to_contain_text("x1 2, x2 2")
    count = page.evaluate(f"{store}.get('planar').splits.train.y.data.length"
                          f" + {store}.get('planar').splits.val.y.data.length")
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => {store}.get('settings').planar.set === 'custom'",
                           timeout=TIMEOUT)
    points = page.evaluate(f"{store}.get('settings').planar.points")
    assert points[-1] == [2, 2, 0]
    assert len(points) == count + 1
    expect(plane).to_be_focused()
    page.keyboard.press("Delete")
    page.wait_for_function(f"() => {store}.get('settings').planar.points.length === {count}",
                           timeout=TIMEOUT)
    assert [2, 2, 0] not in page.evaluate(f"{store}.get('settings').planar.points")
    assert console_errors == []


def test_the_hover_value_of_the_output_is_the_networks_at_the_pointer(page: Page, base_url,
                                                                       console_errors) -> None:
    """Hovering the output map prints the pointer's coordinates and the output there. Between
    the grid's cells it printed the nearest cell's value (0.616 where the network gives 0.607):
    interpolated, it must be the network's own forward of that point to a few thousandths."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/lab?tab=plane&set=xor")
    expect(page.locator(".plane")).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    store = "window.nnplayLab.plane.store"
    page.locator("button[data-act=epoch]").click()
    page.wait_for_function(f"() => {store}.get('epoch') === 1 && !{store}.get('training')"
                           f" && {store}.get('grid')?.step === {store}.get('session').step",
                           timeout=TIMEOUT)
    sid = page.evaluate(f"{store}.get('sessionId')")
    _, points = hover_points(page)
    worst = 0.0
    for x1, x2 in points:
        hover_at(page.locator(PLANE), (x1 + 6) / 12, (6 - x2) / 12)
        tip = page.locator("[data-role=out-tip]")
        expect(tip).to_contain_text("output ≈")
        text = tip.inner_text().replace("−", "-")
        m = re.match(r"x1 (\S+), x2 (\S+): output ≈ (\S+) \(grid\)", text)
        assert m, text
        at = [float(m.group(1)), float(m.group(2))]
        reply = server(base_url, f"/api/sessions/{sid}/planar/forward", {"point": at})
        exact = reply["probabilities"][-1] if reply.get("probabilities") else reply["scores"][0]
        worst = max(worst, abs(float(m.group(3)) - exact))
    assert worst <= 2e-3, worst
    assert console_errors == []


def test_play_goes_on_when_the_new_person_is_typed(page: Page, console_errors) -> None:
    """The new person (and the sample, and η) have nothing to do with training on the table:
    typing them must not stop Play (a typed weight does, and must)."""
    open_view(page, "net221")
    view = "#lab-net221"
    play = page.locator(f"{view} [data-action=play]")
    play.click()
    expect(play).to_have_text("Pause")
    steps = f"() => Number(document.querySelector('{view}').dataset.steps || 0)"
    page.wait_for_function(f"({steps})() >= 4", timeout=TIMEOUT)
    page.fill(f"{view} [data-field='lb']", "150")
    expect(page.locator(f"{view} [data-part=prediction]")).to_contain_text("(150 − 135",
                                                                     timeout=TIMEOUT)
    now = page.evaluate(steps)
    page.wait_for_function(f"({steps})() >= {now + 8}", timeout=TIMEOUT)  # still training
    expect(play).to_have_text("Pause")
    page.fill(f"{view} [data-field='w5']", "2")  # a typed weight stops it
    expect(play).to_have_text("Play", timeout=TIMEOUT)
    expect(page.locator(f"{view} [data-field='w5']")).to_have_value("2")
    assert console_errors == []


def test_a_focused_weight_field_holds_the_weights_still(page: Page, console_errors) -> None:
    """Typing is select-then-type: a training reply that lands between the two replaced the
    selected text, and the typed "2" was appended to the new weight ("0.714034" + "2"). The
    focus on a weight stops Play and drops the step in flight, so the number stays put."""
    open_view(page, "net221")
    view = "#lab-net221"
    play = page.locator(f"{view} [data-action=play]")
    play.click()
    steps = f"() => Number(document.querySelector('{view}').dataset.steps || 0)"
    page.wait_for_function(f"({steps})() >= 4", timeout=TIMEOUT)
    w5 = page.locator(f"{view} [data-field='w5']")
    w5.focus()
    shown = w5.input_value()
    expect(play).to_have_text("Play", timeout=TIMEOUT)
    page.wait_for_function(f"document.querySelector('{view}').dataset.state === 'ready'",
                           timeout=TIMEOUT)
    after = page.evaluate(steps)
    expect(w5).to_have_value(shown)
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    expect(w5).to_have_value("2")
    expect(w5).to_have_attribute("aria-invalid", "false")
    assert page.evaluate(steps) <= after
    assert console_errors == []


def test_a_half_typed_sample_is_not_overwritten_by_training(page: Page, console_errors) -> None:
    """A training reply writes the weights it changed, not the sample: "-" on the way to
    "-0.5" in x1 stayed "-" while Play went on (it was put back to the old x1)."""
    open_view(page, "net221")
    view = "#lab-net221"
    page.locator(f"{view} [data-action=play]").click()
    steps = f"() => Number(document.querySelector('{view}').dataset.steps || 0)"
    page.wait_for_function(f"({steps})() >= 4", timeout=TIMEOUT)
    page.fill(f"{view} [data-field='x1']", "-")
    now = page.evaluate(steps)
    page.wait_for_function(f"({steps})() >= {now + 8}", timeout=TIMEOUT)
    expect(page.locator(f"{view} [data-field='x1']")).to_have_value("-")
    page.locator(f"{view} [data-action=play]").click()
    assert console_errors == []


def test_the_network_heads_do_not_overlap(page: Page, console_errors) -> None:
    """The controls over the diagram's columns ("features", "− 4 neurons +", ...): at
    800-1280 px the first was pushed onto the second ("features" touching its "−")."""
    for width, height in ((800, 600), (1000, 700), (1280, 800), (1920, 1080)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/lab?tab=plane")
        expect(page.locator(".plane")).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
        heads = page.locator(".net-heads[data-layout=columns] .net-head")
        expect(heads).to_have_count(4)
        boxes = [heads.nth(i).bounding_box() for i in range(4)]
        for a, b in zip(boxes, boxes[1:], strict=False):
            assert a and b and a["x"] + a["width"] <= b["x"] + 0.5, (width, a, b)
        # and the text inside each head fits it
        over = heads.evaluate_all("hs => hs.filter(h => h.scrollWidth > h.clientWidth + 1).length")
        assert over == 0, width
    assert console_errors == []


def test_rewind_asks_before_it_deletes_later_epochs(page: Page, console_errors) -> None:
    """Rewinding deletes the epochs after the one chosen, for good: the playground asks
    first; the lab rewound at once."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/lab?tab=plane&set=gauss")
    expect(page.locator(".plane")).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    store = "window.nnplayLab.plane.store"
    for epoch in (1, 2):
        page.locator("button[data-act=epoch]").click()
        page.wait_for_function(f"() => {store}.get('epoch') === {epoch}"
                               f" && !{store}.get('training')", timeout=TIMEOUT)
    rewind = page.locator("button[data-act=rewind]")
    expect(rewind).to_be_enabled()
    page.locator("select[data-role=rewind-epoch]").select_option("0")
    rewind.click()
    question = page.locator(".plane .rewind-confirm")
    expect(question).to_be_visible()
    expect(question).to_contain_text("Rewind to epoch 0? This deletes epochs 1–2")
    assert page.evaluate(f"{store}.get('epoch')") == 2
    question.locator("[data-act=rewind-no]").click()
    expect(question).to_be_hidden()
    assert page.evaluate(f"{store}.get('epoch')") == 2
    rewind.click()
    expect(question.locator("[data-act=rewind-yes]")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => {store}.get('epoch') === 0", timeout=TIMEOUT)
    expect(question).to_be_hidden()
    assert console_errors == []


def test_every_value_in_the_221_picture_fits_its_circle(page: Page, console_errors) -> None:
    """w1 = 2 gives h1 = 0.006693, w3 = 5 and w4 = 9 give h2 = 5.603e−9; then x1 = −123.456
    gives h1 = 2.154e−108: the values were wider than their circles (radius 30) and ran over
    the lines. Each state is waited for by a value only it shows (the page draws only the
    newest reply, so an in-between state may never be drawn on a loaded machine)."""
    open_view(page, "net221")
    view = "#lab-net221"

    def node(name: str):
        return page.locator(f"{view} [data-node='{name}']")

    def fit() -> None:
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 800})
            sizes = page.locator(f"{view} [data-node]").evaluate_all(
                "ts => ts.map(t => [t.textContent, t.getBBox().width])")
            for text, size in sizes:
                assert size <= 2 * 30 - 4, (width, text, size)
        page.set_viewport_size({"width": 1280, "height": 800})

    x1, x2 = -2.0, -1.0  # Alice, the page's default sample; every weight 1, every bias 0
    for field, value in (("w1", "2"), ("w3", "5"), ("w4", "9")):
        page.fill(f"{view} [data-field='{field}']", value)
    expect(node("h2")).to_have_text(page_number(sigmoid(5 * x1 + 9 * x2)), timeout=TIMEOUT)
    expect(node("h1")).to_have_text(page_number(sigmoid(2 * x1 + x2)))
    fit()
    page.fill(f"{view} [data-field='x1']", "-123.456")
    expect(node("x1")).to_have_text("−123.5", timeout=TIMEOUT)
    expect(node("h1")).to_have_text(page_number(sigmoid(2 * -123.456 + x2)))
    fit()
    assert console_errors == []


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def page_number(value: float) -> str:
    """``value`` to 4 significant digits as the lab prints it (a − sign; e-notation below
    1e−4): 0.006693, 5.603e−9."""
    if abs(value) < 1e-4:
        mantissa, exp = f"{value:.3e}".split("e")
        text = f"{mantissa.rstrip('0').rstrip('.')}e{int(exp)}"
    else:
        text = f"{value:.{max(0, 3 - math.floor(math.log10(abs(value))))}f}".rstrip("0").rstrip(".")
    return text.replace("-", "−")
