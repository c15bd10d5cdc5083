"""The last audit's open lab defects (docs/audits/lab-2026-12-04.md #14, #15's labels, #16's
moving): a link's keys each falling back alone; every neuron's label while hovering the output
map, the network's own value at the pointer; moving a point from the keyboard."""

from __future__ import annotations

from playwright.sync_api import Page, expect

TIMEOUT = 20_000
STORE = "window.nnplayLab.plane.store"


def test_a_broken_weight_list_leaves_the_links_inputs(page: Page, console_errors) -> None:
    """`n.x=1,2&n.w=1,abc`: the broken weights fall back to the example's alone; the inputs
    stay as the link gave them and the note names only `n.w` (both were reset, both named)."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/lab?tab=neuron&n.x=1,2&n.w=1,abc&n.b=0.5")
    view = "#lab-neuron"
    expect(page.locator(view)).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    expect(page.locator(f"{view} [data-role=link-note]")).to_have_text(
        "Ignored part of the link, the default used instead: n.w=1,abc")
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
