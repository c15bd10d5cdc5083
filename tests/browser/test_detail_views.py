"""The detail views (issue 7) in a real browser against a real server.

A model is trained for one epoch, a validation image is forwarded, and the views read the
numbers of that forward and the server's cell endpoint. The panel is mounted the way the page
mounts it (createDetailPanel(container, store) with the page's own store, API client and session
controller, whose one WebSocket carries the views' traces).
"""

from __future__ import annotations

import json
import math

import pytest
from playwright.sync_api import Page, expect

from tests.browser.playground import hover_at

# Builds a store like the page's: a session trained for `epochs` epochs on a small MNIST
# subset, one validation image forwarded, and the detail panel mounted into #detail-panel.
HARNESS = """
async ({epochs, sample, spec}) => {
  const { createStore } = await import('/static/js/store.js');
  const { api, createSocket } = await import('/static/js/api.js');
  const { createDetailPanel } = await import('/static/js/detail/panel.js');
  const store = createStore();
  const created = await api.createSession({spec: spec || undefined,
                                           settings: {dataset_size: 2000, seed: 1}});
  const id = created.id;
  if (epochs > 0) {
    await new Promise((resolve, reject) => {
      let seq = null;
      const socket = createSocket(id, {onMessage: (m) => {
        if (m.seq !== seq) return;
        if (m.type === 'done') { socket.close(); resolve(); }
        if (m.type === 'error') { socket.close(); reject(new Error(m.message)); }
      }});
      seq = socket.send({cmd: 'train', unit: 'epochs', count: epochs});
    });
  }
  const forward = await api.forwardSample(id, 'val', sample);
  const state = await api.getSession(id);
  store.set({sessionId: id, spec: state.spec, settings: state.settings, shapes: state.layers,
             lastForward: forward, epoch: state.epoch, history: state.history,
             classNames: state.class_names, input: {kind: 'sample', split: 'val', index: sample}});
  // the page's session controller: its one socket carries the views' traces (`send` requests)
  const { createSessionController } = await import('/static/js/controllers/session.js');
  window.__controller = createSessionController(store, {autoTrain: false, writeQuery: () => {}});
  await window.__controller.start('?' + store.toQuery());
  // styles through the CSSOM: the server's CSP refuses style attributes
  const main = document.createElement('main');
  main.style.padding = '12px';
  main.style.fontFamily = 'system-ui';
  const panel = document.createElement('div');
  panel.id = 'detail-panel';
  main.append(panel);
  document.body.replaceChildren(main);
  window.__store = store;
  window.__panel = createDetailPanel(document.getElementById('detail-panel'), store);
  return {id, epoch: state.epoch};
}
"""


def mount(page: Page, epochs: int = 1, sample: int = 3, spec: dict | None = None) -> dict:
    """A blank same-origin document (the health JSON) with the panel mounted on it."""
    page.set_viewport_size({"width": 1280, "height": 900})
    # the JSON document has no icon link, so Chromium asks for /favicon.ico (a 404)
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    page.goto("/api/health")
    return page.evaluate(HARNESS, {"epochs": epochs, "sample": sample, "spec": spec})


def open_detail(page: Page, layer: str, channel: int = 0) -> None:
    page.evaluate(
        "([layer, channel]) => window.__store.set('detail', {layer, channel, kind: 'output'})",
        [layer, channel],
    )


def values(page: Page, selector: str) -> list[float]:
    return [float(v) for v in page.locator(selector).evaluate_all(
        "els => els.map(e => e.dataset.value)")]


def one(page: Page, selector: str) -> float:
    return float(page.locator(selector).get_attribute("data-value"))


def brightest_cell(page: Page, layer: str, channel: int, sign: int = 0) -> tuple[int, int]:
    """The test's choice of cell: the largest |value| (sign 0), largest (1) or smallest (-1)
    value of that map in the forward reply."""
    return tuple(page.evaluate(
        """([layer, c, sign]) => {
            const l = window.__store.get('lastForward').layers.find(x => x.name === layer);
            const [, H, W] = l.output.shape; let best = 0;
            const score = (v) => (sign === 0 ? Math.abs(v) : sign * v);
            for (let i = 0; i < H * W; i++)
              if (score(l.output.data[c*H*W + i]) > score(l.output.data[c*H*W + best])) best = i;
            return [Math.floor(best / W), best % W];
        }""",
        [layer, channel, sign],
    ))


def test_conv_detail_cell_arithmetic_matches_map_and_server(
    page: Page, console_errors, screenshot_dir, live_server
):
    session = mount(page)
    assert session["epoch"] == 1
    open_detail(page, "conv1", 2)
    view = page.locator("[data-view=conv-detail]")
    expect(view).to_be_visible()
    # the window starts at the first cell, padding included
    expect(view).to_have_attribute("data-row", "0")
    expect(page.locator("[data-role=result]")).to_have_count(1, timeout=10000)
    assert page.locator("td.nn-pad").count() == 5  # 3x3 window at (0,0), padding 1: 5 pads

    row, col = brightest_cell(page, "conv1", 2)
    target_col = col - 1 if col > 0 else col  # go one left, then single-step onto the cell
    page.get_by_label("Output row").fill(str(row))
    page.get_by_label("Output column").fill(str(target_col))
    page.get_by_role("button", name="Jump to this output cell").click()
    if target_col != col:
        page.get_by_role("button", name="Step forward one cell").click()
    expect(view).to_have_attribute("data-row", str(row))
    expect(view).to_have_attribute("data-col", str(col))
    expect(page.locator("h4", has_text=f"output cell ({row}, {col})")).to_be_visible()
    expect(page.locator("[data-role=result]")).to_have_count(1, timeout=10000)

    products = values(page, "[data-role=product]")
    assert len(products) == 9
    bias = one(page, "[data-role=bias]")
    shown_sum = one(page, "[data-role=sum]")
    result = one(page, "[data-role=result]")
    map_value = one(page, "[data-role=map-value]")
    assert result != 0.0, "the chosen cell is the map's largest, it cannot be zero"
    assert math.isclose(sum(products), shown_sum, rel_tol=1e-5, abs_tol=1e-6)
    assert math.isclose(sum(products) + bias, result, rel_tol=1e-5, abs_tol=1e-6)
    assert math.isclose(result, map_value, rel_tol=1e-5, abs_tol=1e-6)

    reply = page.request.get(
        f"{live_server.url}/api/sessions/{session['id']}/cell",
        params={"layer": "conv1", "channel": 2, "row": row, "col": col},
    ).json()
    assert result == reply["result"]
    assert bias == reply["bias"]
    # the numbers printed (rounded) say the same thing the data attributes do
    text = page.locator("[data-role=result]").inner_text()
    assert math.isclose(float(text), reply["result"], rel_tol=1e-3, abs_tol=1e-4)
    page.screenshot(path=str(screenshot_dir / "detail-conv.png"), full_page=True)
    assert console_errors == []


def test_conv_detail_plays_pauses_and_scrubs(page: Page, console_errors, screenshot_dir):
    mount(page, epochs=0)
    open_detail(page, "conv1", 0)
    view = page.locator("[data-view=conv-detail]")
    expect(view).to_have_attribute("data-col", "0")
    page.get_by_label("Animation speed in cells per second").select_option("64")
    page.get_by_role("button", name="Play the sliding window").click()
    expect(view).to_have_attribute("data-playing", "true")
    # the window moves on by itself, left to right along the first rows
    expect(view).not_to_have_attribute("data-col", "0", timeout=5000)
    page.get_by_role("button", name="Pause the sliding window").click()
    expect(view).to_have_attribute("data-playing", "false")
    paused_at = (view.get_attribute("data-row"), view.get_attribute("data-col"))
    page.wait_for_timeout(300)
    assert (view.get_attribute("data-row"), view.get_attribute("data-col")) == paused_at

    # hovering an output cell jumps there and pauses
    page.get_by_role("button", name="Play the sliding window").click()
    canvas = page.locator("canvas.nn-output-grid")
    hover_at(canvas, 9.5 / 28, 20.5 / 28)  # 28x28 output; aim at the centre of cell (20, 9)
    expect(view).to_have_attribute("data-row", "20")
    expect(view).to_have_attribute("data-col", "9")
    expect(view).to_have_attribute("data-playing", "false")
    # keyboard: arrows on the focused map move the cell
    canvas.focus()
    page.keyboard.press("ArrowRight")
    expect(view).to_have_attribute("data-col", "10")
    expect(page.locator("[data-role=result]")).to_have_count(1, timeout=10000)
    page.screenshot(path=str(screenshot_dir / "detail-conv-scrub.png"), full_page=True)
    assert console_errors == []


def test_softmax_detail_probabilities_sum_to_one_and_match_bars(
    page: Page, console_errors, screenshot_dir
):
    mount(page)
    open_detail(page, "softmax1")
    expect(page.locator("[data-view=softmax-detail]")).to_be_visible()
    expect(page.locator("[data-role=softmax-table]")).to_be_visible(timeout=10000)
    probs = values(page, "[data-role=probability]")
    bars = values(page, "[data-role=prob-bar]")
    forward = page.evaluate("() => window.__store.get('lastForward').probabilities")
    assert len(probs) == len(bars) == len(forward) == 10
    assert math.isclose(sum(probs), 1.0, abs_tol=1e-5)
    assert probs == pytest.approx(bars, abs=1e-7)
    assert probs == pytest.approx(forward, abs=1e-6)
    # bar lengths are the probabilities
    widths = page.locator("[data-role=prob-bar]").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().width"
        " / e.parentElement.getBoundingClientRect().width)"
    )
    assert widths == pytest.approx(probs, abs=0.01)
    # the raw scores shown are the previous layer's outputs from the forward reply
    scores = values(page, "[data-role=score]")
    dense = page.evaluate(
        "() => Array.from(window.__store.get('lastForward').layers"
        ".find(l => l.name === 'dense1').output.data)"
    )
    assert scores == pytest.approx(dense, abs=1e-6)
    # the largest probability belongs to the largest raw score
    assert probs.index(max(probs)) == scores.index(max(scores))
    # the exponentials and their sum come from the server; each probability is exp / sum
    expect(page.locator("[data-role=exp]")).to_have_count(len(probs))
    e = values(page, "[data-role=exp]")
    total = one(page, "[data-role=exp-sum]")
    assert math.isclose(sum(e), total, rel_tol=1e-5)
    assert [x / total for x in e] == pytest.approx(probs, abs=1e-5)
    page.screenshot(path=str(screenshot_dir / "detail-softmax.png"), full_page=True)
    assert console_errors == []


def test_pool_dense_and_activation_details(page: Page, console_errors, screenshot_dir, live_server):
    session = mount(page)
    row, col = brightest_cell(page, "pool1", 1)
    open_detail(page, "pool1", 1)
    view = page.locator("[data-view=pool-detail]")
    expect(view).to_be_visible()
    page.get_by_label("Output row").fill(str(row))
    page.get_by_label("Output column").fill(str(col))
    page.get_by_role("button", name="Jump to this output cell").click()
    expect(view).to_have_attribute("data-col", str(col))
    expect(page.locator("[data-role=result]")).to_have_count(1, timeout=10000)
    window = values(page, "[data-role=window-value]")
    assert len(window) == 4
    result = one(page, "[data-role=result]")
    assert result == max(window)  # max pooling: the winner is the window's largest value
    assert math.isclose(result, one(page, "[data-role=map-value]"), rel_tol=1e-6)
    assert page.locator("td.nn-winner").count() == 1
    page.screenshot(path=str(screenshot_dir / "detail-pool.png"), full_page=True)

    open_detail(page, "dense1", 4)
    expect(page.locator("[data-view=dense-detail]")).to_be_visible()
    dense_result = page.locator("[data-view=dense-detail] [data-role=result]")
    expect(dense_result).to_have_count(1, timeout=10000)
    dense_sum = one(page, "[data-role=sum]")
    bias = one(page, "[data-role=bias]")
    result = one(page, "[data-role=result]")
    assert math.isclose(dense_sum + bias, result, rel_tol=1e-5, abs_tol=1e-6)
    assert math.isclose(result, one(page, "[data-role=map-value]"), rel_tol=1e-5, abs_tol=1e-6)
    reply = page.request.get(
        f"{live_server.url}/api/sessions/{session['id']}/cell",
        params={"layer": "dense1", "channel": 4, "row": 0, "col": 0},
    ).json()
    assert result == reply["result"]
    # dense1 feeds the softmax: its output is shown as its share of the softmax over all the
    # scores, with the forward reply's exponential and sum, not as a one-argument function
    share = page.locator("[data-view=dense-detail] [data-role=softmax-share]")
    expect(share).to_contain_text("softmax(z)4 = ez4 / Σj ezj")
    forward_softmax = page.evaluate("() => window.__store.get('lastForward').softmax")
    assert one(page, "[data-role=softmax-exp]") == forward_softmax["exps"][4]
    assert one(page, "[data-role=softmax-sum]") == forward_softmax["sum"]
    assert one(page, "[data-role=activated]") == reply["activation"]["value"]
    assert f"softmax({page.locator('[data-role=result]').inner_text()})" not in share.inner_text()
    page.screenshot(path=str(screenshot_dir / "detail-dense.png"), full_page=True)
    # a forward without the softmax's terms: the share is named, not rebuilt
    page.evaluate("""() => { const f = window.__store.get('lastForward');
        window.__store.set('lastForward', {...f, softmax: undefined}); }""")
    expect(share).to_contain_text("the softmax over all 10 scores gives unit 4")
    assert one(page, "[data-role=activated]") == reply["activation"]["value"]

    open_detail(page, "relu1", 2)
    expect(page.locator("[data-view=activation-detail]")).to_be_visible()
    canvas = page.locator("canvas.nn-before-grid")
    for sign in (-1, 1):  # the most negative input is cut to 0; the largest passes unchanged
        r, c = brightest_cell(page, "conv1", 2, sign)
        hover_at(canvas, (c + 0.5) / 28, (r + 0.5) / 28)
        expect(page.locator("[data-role=arithmetic]")).to_contain_text(f"cell ({r}, {c})")
        before = one(page, "[data-role=before]")
        after = one(page, "[data-role=after]")
        assert (before < 0) if sign < 0 else (before > 0)
        assert after == max(before, 0.0)  # relu, as the engine computed it
    page.screenshot(path=str(screenshot_dir / "detail-activation.png"), full_page=True)
    assert console_errors == [], json.dumps(console_errors)


def test_gradient_view_of_a_conv_filter(page: Page, console_errors, screenshot_dir):
    mount(page)
    open_detail(page, "conv1", 2)
    expect(page.locator("[data-view=conv-detail]")).to_be_visible()
    page.get_by_role("radio", name="gradients").check()
    view = page.locator("[data-view=grad-detail]")
    expect(view).to_have_attribute("data-state", "ready", timeout=15000)
    row, col = brightest_cell(page, "conv1", 2)
    canvas = page.locator("canvas.nn-grad-map")
    hover_at(canvas, (col + 0.5) / 28, (row + 0.5) / 28)
    expect(page.locator("[data-role=arithmetic]")).to_contain_text(f"cell ({row}, {col})")
    # the traced step saw the same input and weights as the forward pass
    forward_value = page.evaluate(
        "([r, c]) => window.__store.get('lastForward').layers[0]"
        ".output.data[(2 * 28 + r) * 28 + c]",
        [row, col],
    )
    assert math.isclose(one(page, "[data-role=output]"), forward_value, rel_tol=1e-5, abs_tol=1e-7)
    assert math.isfinite(one(page, "[data-role=grad]"))
    assert math.isfinite(one(page, "[data-role=grad-b]"))
    caption = page.locator("[data-view=grad-detail] figcaption", has_text="dL/dW of filter 2")
    expect(caption).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "detail-gradients.png"), full_page=True)
    # and back to the values
    page.get_by_role("radio", name="values").check()
    expect(page.locator("[data-view=conv-detail]")).to_be_visible()
    assert console_errors == []


TWO_CONV = {
    "input": {"channels": 1, "height": 28, "width": 28},
    "layers": [
        {"type": "conv2d", "filters": 4, "kernel": 3, "padding": 1},
        {"type": "relu"},
        {"type": "conv2d", "filters": 6, "kernel": 5, "stride": 2, "padding": 2},
        {"type": "relu"},
        {"type": "flatten"},
        {"type": "dense", "units": 10},
        {"type": "softmax"},
    ],
}


def test_multichannel_strided_conv_sums_per_channel(
    page: Page, console_errors, screenshot_dir, live_server
):
    session = mount(page, epochs=1, spec=TWO_CONV)
    open_detail(page, "conv2", 5)
    view = page.locator("[data-view=conv-detail]")
    expect(view).to_be_visible()
    # 28x28 input, kernel 5, stride 2, padding 2: a 14x14 output
    expect(page.locator(".nn-position")).to_contain_text("of 196")
    row, col = brightest_cell(page, "conv2", 5)
    page.get_by_label("Output row").fill(str(row))
    page.get_by_label("Output column").fill(str(col))
    page.get_by_role("button", name="Jump to this output cell").click()
    expect(view).to_have_attribute("data-col", str(col))
    expect(page.locator("[data-role=result]")).to_have_count(1, timeout=10000)
    reply = page.request.get(
        f"{live_server.url}/api/sessions/{session['id']}/cell",
        params={"layer": "conv2", "channel": 5, "row": row, "col": col},
    ).json()
    # the window geometry.js draws is where the engine says the window is
    assert view.get_attribute("data-origin") == f"{reply['origin'][0]},{reply['origin'][1]}"
    chips = values(page, "[data-role=channel-sum-chip]")
    assert len(chips) == 4  # one sum per input channel
    total = one(page, "[data-role=sum]")
    assert math.isclose(sum(chips), total, rel_tol=1e-5, abs_tol=1e-6)
    assert math.isclose(total + one(page, "[data-role=bias]"), one(page, "[data-role=result]"),
                        rel_tol=1e-5, abs_tol=1e-6)
    assert math.isclose(one(page, "[data-role=result]"), one(page, "[data-role=map-value]"),
                        rel_tol=1e-5, abs_tol=1e-6)
    # each channel's 25 products add up to that channel's sum
    for c in range(4):
        page.locator(f"[data-role=channel-sum-chip][data-channel='{c}']").click()
        products = page.locator(f"[data-role=product][data-channel='{c}']")
        expect(products).to_have_count(25)
        shown = values(page, f"[data-role=product][data-channel='{c}']")
        channel_sum = one(page, f"[data-role=channel-sum][data-channel='{c}']")
        assert math.isclose(sum(shown), channel_sum, rel_tol=1e-5, abs_tol=1e-6)
        assert math.isclose(channel_sum, chips[c], rel_tol=1e-6)
    page.screenshot(path=str(screenshot_dir / "detail-conv-multichannel.png"), full_page=True)
    assert console_errors == []


TANH_AVG = {
    "input": {"channels": 1, "height": 28, "width": 28},
    "layers": [
        {"type": "conv2d", "filters": 4, "kernel": 3, "padding": 1},
        {"type": "tanh"},
        {"type": "pool", "mode": "avg", "size": 2},
        {"type": "flatten"},
        {"type": "dense", "units": 10},
        {"type": "softmax"},
    ],
}


def test_average_pool_and_tanh_details(page: Page, console_errors, screenshot_dir):
    mount(page, epochs=0, spec=TANH_AVG)
    row, col = brightest_cell(page, "pool1", 0)
    open_detail(page, "pool1", 0)
    view = page.locator("[data-view=pool-detail]")
    page.get_by_label("Output row").fill(str(row))
    page.get_by_label("Output column").fill(str(col))
    page.get_by_role("button", name="Jump to this output cell").click()
    expect(view).to_have_attribute("data-col", str(col))
    expect(page.locator("[data-role=result]")).to_have_count(1, timeout=10000)
    window = values(page, "[data-role=window-value]")
    result = one(page, "[data-role=result]")
    assert len(window) == 4
    assert math.isclose(result, sum(window) / 4, rel_tol=1e-5, abs_tol=1e-7)  # the mean
    assert page.locator("td.nn-winner").count() == 0  # nothing wins an average
    expect(page.locator("[data-role=arithmetic]")).to_contain_text("mean = (")
    page.screenshot(path=str(screenshot_dir / "detail-pool-avg.png"), full_page=True)

    open_detail(page, "tanh1", 0)
    expect(page.locator("[data-view=activation-detail]")).to_be_visible()
    r, c = brightest_cell(page, "conv1", 0)
    hover_at(page.locator("canvas.nn-before-grid"), (c + 0.5) / 28, (r + 0.5) / 28)
    expect(page.locator("[data-role=arithmetic]")).to_contain_text(f"cell ({r}, {c}): tanh(")
    before = one(page, "[data-role=before]")
    after = one(page, "[data-role=after]")
    assert before != 0.0
    assert math.isclose(after, math.tanh(before), rel_tol=1e-5, abs_tol=1e-6)
    page.screenshot(path=str(screenshot_dir / "detail-tanh.png"), full_page=True)
    assert console_errors == []
