"""The API explorer at /docs works offline: everything it loads comes from this server."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from tests.browser.playground import READY_TIMEOUT


def test_api_docs_render_from_this_server_alone(page: Page, live_server, console_errors,
                                                 screenshot_dir):
    here = urlsplit(live_server.url).netloc
    elsewhere: list[str] = []

    def only_here(route):
        if urlsplit(route.request.url).netloc == here:
            route.continue_()
        else:  # as if offline: a CDN request fails
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_here)
    page.goto("/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("nnplay",
                                                                  timeout=READY_TIMEOUT)
    # the operations of the REST API are listed, read from /openapi.json
    expect(page.locator(".opblock-summary-path[data-path='/api/sessions/{session_id}/forward']")
           ).to_have_count(1)
    page.screenshot(path=str(screenshot_dir / "api-docs.png"), full_page=False)
    assert elsewhere == []
    assert console_errors == []
