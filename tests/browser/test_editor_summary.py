"""The architecture editor's summary and its note on a preset of another dataset (audit
2026-12-05): the summary's code and parameter count describe one network, the one in use; the
note names the data the preset trains on."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.playground import open_page


def test_summary_pairs_the_network_in_use_with_its_count(page: Page, live_server, console_errors):
    open_page(page)
    in_use = page.evaluate(
        "() => ({code: window.nnplay.store.get('spec') && "
        "document.querySelector('.editor-arch').textContent,"
        " total: window.nnplay.store.get('session').total_params})"
    )
    page.locator(".editor summary").click()
    page.get_by_label("Preset").select_option("small")
    spec = page.evaluate("window.nnplay.store.get('draftSpec')")
    reply = page.request.post(f"{live_server.url}/api/describe", data={"spec": spec})
    draft_total = reply.json()["total_params"]
    expect(page.locator(".editor-state")).to_have_text(
        f"{draft_total:,} parameters · not applied yet")
    assert draft_total != in_use["total"]  # the draft is another network
    # the summary still names the network in use, with its own count
    expect(page.locator(".editor-arch")).to_have_text(in_use["code"])
    expect(page.locator(".editor-params")).to_have_text(f"{in_use['total']:,} parameters")
    assert "conv16" not in page.locator(".editor-arch").inner_text()

    # applied: summary and count follow the new network together
    page.get_by_role("button", name="Apply (weights start over)").click()
    expect(page.locator(".editor-params")).to_have_text(f"{draft_total:,} parameters",
                                                        timeout=30_000)
    expect(page.locator(".editor-arch")).to_contain_text("conv16")
    assert console_errors == []


def test_a_preset_of_another_dataset_names_its_data(page: Page, console_errors):
    open_page(page)
    page.locator(".editor summary").click()
    note = page.locator(".editor-newsession")
    expect(note).to_be_hidden()
    page.get_by_label("Preset").select_option("shapes")
    expect(note).to_be_visible()
    expect(note).to_have_text(
        "This network trains on the shapes dataset, not on the MNIST digits:"
        " applying it opens a new session."
    )
    page.get_by_label("Preset").select_option("conv4")
    expect(note).to_have_text(
        "This network trains on your own data, not on the MNIST digits:"
        " applying it opens a new session."
    )
    page.get_by_label("Preset").select_option("tiny")
    expect(note).to_be_hidden()
    assert console_errors == []


def test_a_picked_preset_never_shows_the_numbers_of_the_network_before_it(
    page: Page, console_errors
):
    """Until the server has described the new draft, its count and shapes are not known: the
    editor said "15,770 parameters · not applied yet" (the network in use's count) and tiny's
    layer shapes beside the two-conv preset's rows. The describe requests are held here, so
    what shows in between is looked at, not raced."""
    open_page(page)
    page.locator(".editor summary").click()
    state = page.locator(".editor-state")
    expect(state).to_have_text("This is the network in use.")
    held = []
    page.route("**/api/describe", lambda route: held.append(route))
    with page.expect_request("**/api/describe"):
        page.get_by_label("Preset").select_option("small")
    expect(state).to_have_text("checking…")
    shapes = page.locator(".editor-layer .layer-shape").all_inner_texts()
    assert len(shapes) == 11 and all(s == "→ ?" for s in shapes), shapes
    for route in held:
        route.continue_()
    page.unroute("**/api/describe")
    expect(state).to_have_text("52,138 parameters · not applied yet")
    expect(page.locator(".editor-layer .layer-shape").first).to_have_text("→ 8×28×28 · 80 params")
    assert console_errors == []
