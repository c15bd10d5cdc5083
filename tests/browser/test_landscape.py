"""The loss-surface panel and the learning-rate comparison (issue 7), real browser and server."""

from __future__ import annotations

import math

from playwright.sync_api import Page, expect

from tests.browser.playground import hover_at, settled_box
from tests.browser.test_detail_views import mount

TRAIN_ONE_MORE = """
async () => {
  const { createSocket, api } = await import('/static/js/api.js');
  const store = window.__store;
  const id = store.get('sessionId');
  await new Promise((resolve) => {
    let seq = null;
    const s = createSocket(id, {onMessage: (m) => {
      if (m.seq === seq && m.type === 'done') { s.close(); resolve(); }
    }});
    seq = s.send({cmd: 'train', unit: 'epochs', count: 1});
  });
  const state = await api.getSession(id);
  store.set({epoch: state.epoch, history: state.history});
  return state.epoch;
}
"""


def test_loss_surface_path_has_a_dot_per_finished_epoch(page: Page, console_errors, screenshot_dir):
    session = mount(page, epochs=2)
    assert session["epoch"] == 2
    with page.expect_response("**/landscape") as first:
        page.get_by_role("tab", name="Loss surface").click()
    reply = first.value.json()
    view = page.locator("[data-view=landscape]")
    expect(view).to_have_attribute("data-state", "ready", timeout=60000)
    assert reply["directions"] == "pca"  # trained: the path's principal components
    expect(page.locator(".nn-epoch-dot")).to_have_count(2)
    expect(page.locator(".nn-current-point")).to_have_count(1)
    expect(page.locator(".nn-start-point")).to_have_count(1)
    expect(page.locator("[data-view=landscape] .nn-note").first).to_contain_text("PC1 explains")
    # the plot is painted: many distinct colours, not a blank canvas
    colours = page.locator("canvas.nn-surface").evaluate(
        "c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        " const s = new Set(); for (let i = 0; i < d.length; i += 4) s.add(d[i] << 16 | d[i+1] << 8"
        " | d[i+2]); return s.size; }"
    )
    assert colours >= 8
    # hovering the centre of the plot shows the loss at the current weights (the centre cell)
    hover_at(page.locator("canvas.nn-surface"), 0.5, 0.5)
    tip = page.locator("[data-role=tooltip]")
    expect(tip).to_be_visible()
    assert math.isclose(float(tip.get_attribute("data-loss")), reply["center_loss"], rel_tol=1e-5)
    page.screenshot(path=str(screenshot_dir / "landscape-pca.png"), full_page=True)

    # another epoch: the path grows and the surface recomputes in the background
    with page.expect_response("**/landscape"):
        assert page.evaluate(TRAIN_ONE_MORE) == 3
    expect(page.locator(".nn-epoch-dot")).to_have_count(3, timeout=60000)
    expect(view).to_have_attribute("data-state", "ready", timeout=60000)

    # random filter-normalised directions: same number of epochs on the path, no PCA variance
    with page.expect_response("**/landscape") as again:
        page.get_by_label("Directions of the plot").select_option("random")
    assert again.value.json()["directions"] == "random"
    expect(view).to_have_attribute("data-state", "ready", timeout=60000)
    expect(page.locator(".nn-epoch-dot")).to_have_count(3)
    expect(page.locator("[data-view=landscape] .nn-note").first).to_contain_text("random")
    page.screenshot(path=str(screenshot_dir / "landscape-random.png"), full_page=True)
    assert console_errors == []


def test_learning_rate_comparison_shows_three_behaviours(
    page: Page, console_errors, screenshot_dir
):
    mount(page, epochs=0)
    page.get_by_role("tab", name="Learning rates").click()
    view = page.locator("[data-view=lr-compare]")
    page.get_by_label("small learning rate").fill("0.005")
    page.get_by_label("good learning rate").fill("0.05")
    page.get_by_label("too large learning rate").fill("1.5")
    page.get_by_label("Epochs per run").select_option("2")
    page.get_by_label("Training examples per run").select_option("1000")
    page.get_by_role(
        "button", name="Train the same model three times with these learning rates"
    ).click()
    expect(view).to_have_attribute("data-state", "done", timeout=240000)
    finals = {}
    for run in ("small", "good", "large"):
        box = page.locator(f".nn-lr-run[data-run={run}]")
        text = box.locator("[data-role=run-status]").inner_text()
        if run == "large" and "diverged" in text:
            finals[run] = math.inf
            continue
        assert text.startswith("final validation loss"), text
        finals[run] = float(text.split()[3])
        # each finished run has its own surface with one dot per epoch
        expect(box.locator(".nn-epoch-dot")).to_have_count(2)
    # too large a step strands the network at chance level, and the server says so
    large = page.locator(".nn-lr-run[data-run=large] [data-role=run-status]")
    if math.isfinite(finals["large"]):
        expect(large).to_contain_text("stuck at chance level")
        assert "chance level" in large.get_attribute("title")
    # the good step descends further than the creeping and the overshooting ones (each the
    # last epoch's validation loss, not one batch's)
    assert finals["good"] < finals["small"]
    assert finals["good"] < finals["large"]
    page.screenshot(path=str(screenshot_dir / "landscape-lr-compare.png"), full_page=True)
    assert console_errors == []


PAINTED = """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let ink = 0; const s = new Set();
  for (let i = 0; i < d.length; i += 4) {
    if (d[i] < 240 || d[i+1] < 240 || d[i+2] < 240) ink++;
    s.add(d[i] << 16 | d[i+1] << 8 | d[i+2]);
  }
  return {ink, colours: s.size, total: d.length / 4}; }"""

PIXELS = "c => Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data)"


def test_loss_surface_turns_into_a_3d_mesh_with_the_path_on_it(
    page: Page, console_errors, screenshot_dir
):
    mount(page, epochs=2)
    with page.expect_response("**/landscape") as first:
        page.get_by_role("tab", name="Loss surface").click()
    reply = first.value.json()
    view = page.locator("[data-view=landscape]")
    expect(view).to_have_attribute("data-state", "ready", timeout=60000)
    contour = page.locator("canvas.nn-surface")
    mesh = page.locator("canvas.nn-surface3d")
    expect(mesh).to_be_hidden()

    # 3-D: the same reply drawn as a mesh, no new request for it
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "landscape" in r.url else None)
    page.get_by_role("radio", name="3-D", exact=True).check()
    expect(view).to_have_attribute("data-mode", "3d")
    expect(mesh).to_be_visible()
    expect(contour).to_be_hidden()
    painted = mesh.evaluate(PAINTED)
    assert painted["ink"] > 0.10 * painted["total"]  # the surface fills the drawing
    assert painted["colours"] >= 50  # shaded bands, not a flat fill
    # every trajectory point the server sent is on the surface
    assert int(mesh.get_attribute("data-path-points")) == len(reply["trajectory"])
    expect(view.locator(".nn-surface3d-caption")).to_contain_text("surface value")
    page.screenshot(path=str(screenshot_dir / "landscape-3d.png"), full_page=True)

    # turning it (slider, then dragging the drawing) changes the drawing
    before = mesh.evaluate(PIXELS)
    page.get_by_label("Azimuth of the 3-D view (degrees)").fill("120")
    expect(mesh).to_have_attribute("data-azimuth", "120")
    turned = mesh.evaluate(PIXELS)
    assert sum(a != b for a, b in zip(before, turned, strict=True)) > 0.05 * len(before)
    page.get_by_label("Elevation of the 3-D view (degrees)").fill("60")
    expect(mesh).to_have_attribute("data-elevation", "60")
    box = settled_box(mesh)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 60, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()
    assert mesh.get_attribute("data-azimuth") == "90"  # half a degree a pixel
    dragged = mesh.evaluate(PIXELS)
    assert sum(a != b for a, b in zip(turned, dragged, strict=True)) > 0.05 * len(turned)
    assert int(mesh.get_attribute("data-path-points")) == len(reply["trajectory"])
    page.screenshot(path=str(screenshot_dir / "landscape-3d-turned.png"), full_page=True)

    # back to the contour, which is still there and still drawn
    page.get_by_role("radio", name="contour", exact=True).check()
    expect(view).to_have_attribute("data-mode", "contour")
    expect(contour).to_be_visible()
    expect(mesh).to_be_hidden()
    assert contour.evaluate(PAINTED)["colours"] >= 8
    expect(page.locator(".nn-epoch-dot")).to_have_count(2)
    assert requests == []
    assert console_errors == []


def test_loss_surface_says_which_data_its_centre_loss_is_on(page: Page, console_errors):
    """The training panel's validation loss is on the whole split, the surface's on a fixed
    subset of it: the surface says so, with the count the server used (audit 2026-12-05)."""
    mount(page, epochs=1)
    with page.expect_response("**/landscape") as first:
        page.get_by_role("tab", name="Loss surface").click()
    reply = first.value.json()
    view = page.locator("[data-view=landscape]")
    expect(view).to_have_attribute("data-state", "ready", timeout=60000)
    note = view.locator(".nn-note").first
    expect(note).to_contain_text(
        f"Loss at the centre (the current weights) on {reply['eval_count']} validation images: "
    )
    shown = float(note.inner_text().rsplit(": ", 1)[1].rstrip("."))
    assert math.isclose(shown, reply["center_loss"], rel_tol=1e-3)
    assert console_errors == []
