"""Issue 12 (what a first-time user hits), the items of the 'ux' branch, in a real browser."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

from tests.browser.playground import (
    READY_TIMEOUT,
    draw,
    get_json,
    open_page,
    wait_epoch,
    wait_settled,
)


def pick_mistaken_sample(page: Page) -> dict:
    """Make validation samples the input until the network gets one wrong; its forward."""
    for index in range(60):
        page.evaluate(
            "(i) => window.nnplay.store.set('input',"
            " {kind: 'sample', split: 'val', index: i, t0: performance.now()})", index)
        wait_settled(page)
        forward = page.evaluate(
            "(() => { const f = window.nnplay.store.get('lastForward');"
            " return {prediction: f.prediction, true_label: f.true_label}; })()")
        if forward["prediction"] != forward["true_label"]:
            return forward
    raise AssertionError("the network read 60 validation samples right")


def test_the_film_trains_toward_the_true_label_or_the_one_chosen(
    page: Page, console_errors, screenshot_dir
):
    open_page(page)  # an untrained network: it gets many samples wrong
    wrong = pick_mistaken_sample(page)
    page.get_by_role("tab", name="Training step film").click()
    film = page.locator("[data-view=film]")
    expect(film.locator(".nn-loss-label")).to_contain_text(
        f"The loss is for this sample's true label: {wrong['true_label']}.")
    page.get_by_role("button", name="Record one training step on the current input").click()
    expect(film).to_have_attribute("data-state", "ready", timeout=15_000)
    # the mistake is what is being corrected: the loss is for the true label, not the guess
    assert film.get_attribute("data-label") == str(wrong["true_label"])
    status = film.locator(".nn-hint")
    expect(status).to_contain_text(
        f"for label {wrong['true_label']} (the sample's true label); "
        f"the network predicted {wrong['prediction']}")
    page.screenshot(path=str(screenshot_dir / "issue12-film-true-label.png"), full_page=True)

    # A drawing has no label of its own: nothing is chosen, the page asks, nothing is traced.
    draw(page, [(0.3, 0.2), (0.7, 0.2), (0.45, 0.85)])
    wait_settled(page)
    picker = page.get_by_label("Label the loss is for").first
    expect(picker).to_be_visible()
    assert picker.input_value() == ""
    expect(film.locator(".nn-loss-label .nn-prompt")).to_contain_text("choose the one it is meant")
    page.get_by_role("button", name="Record one training step on the current input").click()
    expect(status).to_contain_text("Choose the label first")
    expect(picker).to_be_focused()
    picker.select_option("7")
    page.get_by_role("button", name="Record one training step on the current input").click()
    expect(film).to_have_attribute("data-label", "7", timeout=15_000)
    expect(status).to_contain_text("for label 7 (the label you chose)")
    for _ in range(7):  # input and six layers forward: then the loss frame
        page.get_by_role("button", name="Next frame").click()
    expect(film).to_have_attribute("data-phase", "loss")
    expect(film.locator("[data-role=loss-label]")).to_contain_text(
        "the loss is for label 7 (the label you chose); the network predicted")
    page.screenshot(path=str(screenshot_dir / "issue12-film-chosen-label.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(screenshot_dir / "issue12-film-chosen-label-390.png"), full_page=True)
    assert console_errors == []


def test_the_gradient_view_asks_for_a_drawings_label(page: Page, console_errors):
    open_page(page)
    wrong = pick_mistaken_sample(page)
    page.evaluate("window.nnplay.store.set('detail', {layer: 'conv1', channel: 0,"
                  " kind: 'grad_output'})")
    view = page.locator("[data-view=grad-detail]")
    expect(view).to_have_attribute("data-state", "ready", timeout=15_000)
    expect(view.locator(".nn-detail-blurb")).to_contain_text(
        f"toward label {wrong['true_label']} (the sample's true label)")
    page.locator("canvas.pad").scroll_into_view_if_needed()
    draw(page, [(0.5, 0.2), (0.5, 0.85)])
    wait_settled(page)
    page.evaluate("window.nnplay.store.set('detail', {layer: 'conv1', channel: 1,"
                  " kind: 'grad_output'})")
    expect(view).to_have_attribute("data-state", "needs-label", timeout=15_000)
    view.get_by_label("Label the loss is for").select_option("1")
    expect(view).to_have_attribute("data-state", "ready", timeout=15_000)
    expect(view.locator(".nn-detail-blurb")).to_contain_text(
        "toward label 1 (the label you chose)")
    assert console_errors == []


def test_history_from_epoch_end_and_from_state_have_one_shape(page: Page, live_server):
    """The page keeps an epoch's record from whichever reply it handles last (the epoch_end or
    the state after it): both must be the same entry, so nothing depends on their order."""
    ends: list[dict] = []

    def watch(ws) -> None:  # type: ignore[no-untyped-def]
        def frame(payload) -> None:  # type: ignore[no-untyped-def]
            if isinstance(payload, str) and '"epoch_end"' in payload:
                ends.append(json.loads(payload))
        ws.on("framereceived", frame)

    page.on("websocket", watch)
    session_id = open_page(page)
    page.get_by_role("button", name="+1 epoch").click()
    wait_epoch(page, 1)
    page.wait_for_function("window.nnplay.store.get('history').length === 1")
    assert len(ends) == 1
    record = {k: v for k, v in ends[0].items() if k not in ("type", "seq", "confusion")}
    server = get_json(f"{live_server.url}/api/sessions/{session_id}")["history"]
    assert server == [record]
    assert page.evaluate("window.nnplay.store.get('history')") == [record]


def test_epoch_end_and_done_in_one_frame_keep_the_servers_history(page: Page, live_server):
    """The page applies streamed replies once per frame. When the epoch_end and the done (with
    its state) of a train land in the same frame, the history made from epoch_end is applied
    after the state's: it must be the server's entry all the same (stuck included). The page's
    frames are held until the done has arrived, so both are in one."""
    sockets: list = []
    page.on("websocket", lambda ws: sockets.append(ws))
    session_id = open_page(page)
    assert sockets
    page.evaluate(
        """() => {
          const raf = window.requestAnimationFrame.bind(window);
          window.__held = [];
          window.__hold = true;
          window.requestAnimationFrame = (cb) => {
            if (!window.__hold) return raf(cb);
            window.__held.push(cb);
            return window.__held.length;
          };
        }"""
    )
    with sockets[-1].expect_event(
        "framereceived",
        predicate=lambda p: isinstance(p, str) and json.loads(p).get("type") == "done",
        timeout=120_000,
    ):
        page.get_by_role("button", name="+1 epoch").click()
    page.evaluate(
        """() => { window.__hold = false;
          const held = window.__held; window.__held = [];
          held.forEach((cb) => window.requestAnimationFrame(cb)); }"""
    )
    wait_epoch(page, 1)
    server = get_json(f"{live_server.url}/api/sessions/{session_id}")["history"]
    assert [h["epoch"] for h in server] == [1] and "stuck" in server[0]
    assert page.evaluate("window.nnplay.store.get('history')") == server


def test_play_right_after_one_epoch_keeps_the_button_in_step(page: Page, live_server,
                                                              screenshot_dir):
    """+1 epoch then Play at once: the button reads Pause while anything trains, play goes on
    after the epoch, and one Pause stops it; the page never sends two trains at once."""
    sent: list[dict] = []

    def watch(ws) -> None:  # type: ignore[no-untyped-def]
        ws.on("framesent", lambda p: sent.append(json.loads(p)) if isinstance(p, str) else None)

    page.on("websocket", watch)
    session_id = open_page(page)
    page.get_by_role("button", name="+1 epoch").click()
    page.get_by_role("button", name="▶ Play").click()
    pause = page.get_by_role("button", name="❚❚ Pause")
    expect(pause).to_be_visible()
    page.wait_for_function("window.nnplay.store.get('epoch') >= 2", timeout=120_000)
    # the epoch asked for is done and play goes on: still Pause, still training
    expect(pause).to_be_visible()
    assert page.evaluate("window.nnplay.store.get('training')") is True
    pause.click()
    page.wait_for_function("!window.nnplay.store.get('training')", timeout=60_000)
    expect(page.get_by_role("button", name="▶ Play")).to_be_visible()
    state = get_json(f"{live_server.url}/api/sessions/{session_id}")
    assert state["training"] is False
    trains = [m for m in sent if m.get("cmd") == "train"]
    assert [(m["unit"], m["count"]) for m in trains] == [("epochs", 1), ("epochs", 100)]
    assert len([m for m in sent if m.get("cmd") == "stop"]) == 1
    page.screenshot(path=str(screenshot_dir / "issue12-play-paused.png"))


def test_rewind_asks_first_restores_that_epochs_matrix_and_clears_old_thumbnails(
    page: Page, live_server, screenshot_dir
):
    ends: list[dict] = []
    sent: list[dict] = []

    def watch(ws) -> None:  # type: ignore[no-untyped-def]
        ws.on("framereceived", lambda p: ends.append(json.loads(p))
              if isinstance(p, str) and '"epoch_end"' in p else None)
        ws.on("framesent", lambda p: sent.append(json.loads(p)) if isinstance(p, str) else None)

    page.on("websocket", watch)
    session_id = open_page(page)
    for epoch in (1, 2, 3):
        page.get_by_role("button", name="+1 epoch").click()
        wait_epoch(page, epoch)
    assert [e["epoch"] for e in ends] == [1, 2, 3]
    # samples of an off-diagonal cell of epoch 3's matrix are on screen
    matrix = ends[2]["confusion"]["matrix"]
    _, t, p = max((matrix[t][p], t, p) for t in range(10) for p in range(10) if t != p)
    page.locator(f'.confusion button[data-t="{t}"][data-p="{p}"]').click()
    thumbs = page.locator(".confusion-samples .sample")
    expect(thumbs.first).to_be_visible(timeout=30_000)

    page.get_by_label("epoch to rewind to").select_option("1")
    page.get_by_role("button", name="Rewind", exact=True).click()
    question = page.locator(".rewind-confirm")
    expect(question).to_contain_text("Rewind to epoch 1? This deletes epochs 2–3")
    page.screenshot(path=str(screenshot_dir / "issue12-rewind-confirm.png"))
    page.get_by_role("button", name="Cancel").click()
    expect(question).to_be_hidden()
    assert not [m for m in sent if m.get("cmd") == "rewind"]
    assert page.evaluate("window.nnplay.store.get('epoch')") == 3

    page.get_by_role("button", name="Rewind", exact=True).click()
    page.get_by_role("button", name="Delete epochs 2–3 and rewind").click()
    page.wait_for_function("window.nnplay.store.get('epoch') === 1"
                           " && !window.nnplay.store.get('training')")
    assert [m["epoch"] for m in sent if m.get("cmd") == "rewind"] == [1]
    # epoch 1's matrix is back (not blank until another epoch), the old cell's samples gone
    assert page.evaluate("window.nnplay.store.get('confusion')") == ends[0]["confusion"]
    expect(page.locator(".confusion td button")).to_have_count(100)
    expect(thumbs).to_have_count(0)
    page.reload()
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=READY_TIMEOUT)
    page.wait_for_function("window.nnplay.store.get('confusion') !== null")
    assert page.evaluate("window.nnplay.store.get('confusion')") == ends[0]["confusion"]
    assert get_json(f"{live_server.url}/api/sessions/{session_id}")["epoch"] == 1


def test_a_dead_relu_map_is_marked_and_its_zero_gradient_explained(
    page: Page, console_errors, screenshot_dir
):
    open_page(page)
    wait_settled(page)
    expect(page.locator(".col-dead")).to_have_count(0)
    # conv1's filter 2 gets a bias no image can overcome: relu1's map 2 never fires
    page.evaluate("""() => new Promise((resolve, reject) => window.nnplay.store.set('request', {
        type: 'setParams', layer: 'conv1', b: [0, 0, -1000, 0, 0, 0, 0, 0], resolve, reject,
        at: performance.now()}))""")
    tile = page.locator('.net-col[data-layer="relu1"] canvas.tile[data-channel="2"]')
    expect(tile).to_have_class("tile dead", timeout=15_000)
    assert "never fires" in tile.get_attribute("title")
    note = page.locator('.net-col[data-layer="relu1"] .col-dead')
    expect(note).to_have_text("1 of 8 maps dead")
    assert "channel 2: dead" in note.get_attribute("title")
    assert page.locator(".net-col canvas.tile.dead").count() == 1
    tile.hover()
    expect(page.locator(".net-tooltip")).to_contain_text("relu1 channel 2: min 0, max 0 — dead")
    page.screenshot(path=str(screenshot_dir / "issue12-dead-map.png"))
    # its gradient is zero, and the gradient view says why (a dataset sample: its true label)
    page.evaluate("window.nnplay.store.set('detail', {layer: 'conv1', channel: 2,"
                  " kind: 'grad_output'})")
    view = page.locator("[data-view=grad-detail]")
    expect(view).to_have_attribute("data-state", "ready", timeout=15_000)
    expect(view.locator("[data-role=zero-why]")).to_contain_text(
        "the ReLU after it is off everywhere and passes no gradient back")
    view.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "issue12-dead-gradient.png"))
    assert console_errors == []


def test_the_filter_panel_shows_conv1_as_it_is_after_a_reload_and_fits_its_numbers(
    page: Page, live_server, console_errors, screenshot_dir
):
    session_id = open_page(page)
    values = [[-0.36, 0.5, -1.25], [0.07, -0.99, 2.0], [0.0, 1.5, -0.42]]
    W = [[values] for _ in range(8)]
    page.evaluate("""(W) => new Promise((resolve, reject) => window.nnplay.store.set('request', {
        type: 'setParams', layer: 'conv1', W, resolve, reject, at: performance.now()}))""", W)
    page.reload()
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=READY_TIMEOUT)
    page.locator(".filters summary").click()
    box = page.locator(".filter-box").nth(5)
    expect(page.get_by_label("filter 5 kind")).to_have_value("current")
    inputs = box.locator(".kgrid input")
    expect(inputs.first).to_have_value("-0.36")
    assert inputs.evaluate_all("els => els.map(e => Number(e.value))") == \
        [v for row in values for v in row]
    # every number fits its box: nothing is cut
    for inp in inputs.all():
        assert inp.evaluate("e => e.scrollWidth <= e.clientWidth"), inp.input_value()
    assert session_id == page.evaluate("window.nnplay.store.get('sessionId')")
    box.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "issue12-filters-current.png"))
    assert console_errors == []


def test_upload_and_import_are_reachable_with_tab(page: Page, console_errors):
    open_page(page)
    page.get_by_role("button", name="Clear").focus()
    page.keyboard.press("Tab")
    upload = page.locator("input.pad-file")
    expect(upload).to_be_focused()
    label = page.locator("label.upload")
    assert label.evaluate("e => getComputedStyle(e).outlineStyle") != "none"
    page.locator("a.export-py").focus()
    page.keyboard.press("Tab")
    importer = page.locator("input.import-file")
    expect(importer).to_be_focused()
    assert importer.evaluate("e => e.type === 'file' && getComputedStyle(e).display !== 'none'")
    assert page.locator("label:has(input.import-file)").evaluate(
        "e => getComputedStyle(e).outlineStyle") != "none"
    assert console_errors == []


def test_one_sample_step_shows_the_sample_it_trained_on(page: Page, console_errors,
                                                         screenshot_dir):
    picked: list[int] = []

    def watch(ws) -> None:  # type: ignore[no-untyped-def]
        def frame(p) -> None:  # type: ignore[no-untyped-def]
            if isinstance(p, str) and '"progress"' in p:
                picked.append(json.loads(p)["trained_on"])
        ws.on("framereceived", frame)

    page.on("websocket", watch)
    open_page(page)
    page.get_by_role("button", name="+1 sample").click()
    shown = page.locator(".train-sample")
    expect(shown).to_contain_text("Trained on train sample #", timeout=15_000)
    expect(shown.locator("canvas")).to_be_visible()
    assert len(picked) == 1 and isinstance(picked[0], int)
    expect(shown).to_contain_text(f"#{picked[0]}, true label ")
    label = shown.inner_text().split("true label ")[1].split()[0]
    page.screenshot(path=str(screenshot_dir / "issue12-one-sample.png"))
    shown.get_by_role("button", name="show it").click()
    page.wait_for_function(
        "(i) => { const s = window.nnplay.store; const f = s.get('lastForward');"
        " return f && f.input === s.get('input') && s.get('input').index === i"
        " && s.get('input').split === 'train'; }", arg=picked[0])
    forward = page.evaluate("window.nnplay.store.get('lastForward')")
    assert forward["class_names"][forward["true_label"]] == label
    # a batch step trained on many: the note goes
    page.get_by_role("button", name="+1 batch").click()
    expect(shown).to_be_hidden(timeout=15_000)
    assert console_errors == []


def test_after_clear_the_network_says_it_still_shows_the_last_input(page: Page, console_errors):
    open_page(page)
    wait_settled(page)
    note = page.locator(".net-stale")
    expect(note).to_be_hidden()
    draw(page, [(0.5, 0.2), (0.5, 0.85)])
    wait_settled(page)
    expect(note).to_be_hidden()
    page.get_by_role("button", name="Clear").click()
    expect(note).to_have_text("The pad is empty: the network still shows your last drawing."
                              " Draw, upload or pick a sample to change it.")
    draw(page, [(0.3, 0.5), (0.7, 0.5)])
    expect(note).to_be_hidden()
    assert console_errors == []


def test_a_dense_layer_before_the_softmax_is_caught_at_the_editor_with_fixes(
    page: Page, console_errors, screenshot_dir
):
    open_page(page)
    page.locator(".editor summary").click()
    page.get_by_label("Add a").select_option("dense")
    page.get_by_role("button", name="Add layer").click()
    # conv1 relu1 pool1 flatten1 dense1 [dense2, 32 units] softmax1
    row = page.locator('.editor-layer[data-index="5"]')
    error = row.locator(".layer-error")
    expect(error).to_contain_text("dense2 gives the softmax 32 values, but the data has 10 classes")
    apply = page.get_by_role("button", name="Apply (weights start over)")
    expect(apply).to_be_disabled()
    page.locator(".editor").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "issue12-editor-output-mismatch.png"))
    error.get_by_role("button", name="Add a ReLU and a dense layer of 10 units before the"
                                     " softmax").click()
    expect(page.locator(".editor-layer .layer-error:visible")).to_have_count(0)
    types = page.evaluate("window.nnplay.store.get('draftSpec').layers.map(l => l.type)")
    assert types == ["conv2d", "relu", "pool", "flatten", "dense", "dense", "relu", "dense",
                     "softmax"]
    expect(apply).to_be_enabled()
    apply.click()
    page.wait_for_function("window.nnplay.store.get('spec').layers.length === 9")
    expect(page.locator("#banner .status")).to_contain_text("New architecture applied")
    assert console_errors == []


GPOOL = {
    "input": {"channels": 1, "height": 28, "width": 28},
    "layers": [{"type": "conv2d", "filters": 4, "kernel": 3, "padding": 1}, {"type": "relu"},
               {"type": "global_pool", "mode": "max"}, {"type": "dense", "units": 10},
               {"type": "softmax"}],
}


def test_the_global_pool_detail_shows_the_max_of_the_map_from_the_server(
    page: Page, console_errors, screenshot_dir
):
    from tests.browser.test_detail_views import mount, open_detail

    mount(page, epochs=0, spec=GPOOL)
    open_detail(page, "gpool1", 1)
    view = page.locator("[data-view=global-pool-detail]")
    expect(view).to_have_attribute("data-state", "ready", timeout=15_000)
    shown = float(view.locator("[data-role=result]").get_attribute("data-value"))
    forward = page.evaluate("window.__store.get('lastForward').layers"
                            ".find(l => l.name === 'gpool1').output.data[1]")
    assert abs(shown - forward) <= 1e-6 * max(1.0, abs(forward))
    expect(view.locator("[data-role=arithmetic]")).to_contain_text("max over 784 values = ")
    page.screenshot(path=str(screenshot_dir / "issue12-global-pool-detail.png"), full_page=True)
    assert console_errors == []


def test_the_test_button_measures_the_test_split_and_says_why_once(
    page: Page, live_server, console_errors, screenshot_dir
):
    session_id = open_page(page)
    note = page.locator(".test-note")
    expect(note).to_contain_text("once, when you are done choosing")
    page.get_by_role("button", name="+1 epoch").click()
    wait_epoch(page, 1)
    page.get_by_role("button", name="Test", exact=True).click()
    result = page.locator(".test-result")
    expect(result).to_contain_text("Test: accuracy ", timeout=30_000)
    server = get_json(f"{live_server.url}/api/sessions/{session_id}/evaluate?split=test")
    assert float(result.get_attribute("data-acc")) == server["acc"]
    expect(result).to_contain_text(f"on {server['count']} images, at epoch 1.")
    expect(note).to_contain_text("You have looked at the test split once (at epoch 1)")
    page.screenshot(path=str(screenshot_dir / "issue12-test-button.png"))
    assert console_errors == []


def test_dead_dense_units_are_ticked_and_explained(page: Page, console_errors, screenshot_dir):
    open_page(page, query="autotrain=0&in=1x28x28&arch=flatten-dense12-relu-dense10-softmax")
    wait_settled(page)
    assert page.evaluate("window.nnplay.store.get('spec').layers.map(l => l.type)") == [
        "flatten", "dense", "relu", "dense", "softmax"]
    b = [-1000.0, 0, -1000.0] + [0.0] * 9
    page.evaluate("""(b) => new Promise((resolve, reject) => window.nnplay.store.set('request', {
        type: 'setParams', layer: 'dense1', b, resolve, reject, at: performance.now()}))""", b)
    note = page.locator('.net-col[data-layer="relu1"] .col-dead')
    expect(note).to_have_text("2 of 12 units dead", timeout=15_000)
    assert note.get_attribute("title").startswith("unit 0, unit 2: dead: its ReLU never fires")
    # the relu column's bars and the dense column's bars carry a red tick at units 0 and 2
    for layer in ("relu1", "dense1"):
        red = page.evaluate("""(layer) => {
            const cv = document.querySelector(`.net-col[data-layer="${layer}"] canvas.bars`);
            const ctx = cv.getContext('2d'); const rows = [];
            const barH = cv.height / 12;
            for (let k = 0; k < 12; k++) {
              const px = ctx.getImageData(1, Math.floor(k * barH + barH / 2), 1, 1).data;
              rows.push(px[0] === 178 && px[1] === 24 && px[2] === 43);
            }
            return rows; }""", layer)
        assert red == [k in (0, 2) for k in range(12)], (layer, red)
    page.screenshot(path=str(screenshot_dir / "issue12-dead-units.png"))
    assert console_errors == []
