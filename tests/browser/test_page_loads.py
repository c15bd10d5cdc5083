from playwright.sync_api import expect


def test_page_loads_without_console_errors(page, console_errors, screenshot_dir):
    page.goto("/")
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=15000)
    page.screenshot(path=str(screenshot_dir / "page-loads.png"), full_page=True)
    assert console_errors == []
