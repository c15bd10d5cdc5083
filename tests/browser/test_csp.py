"""The Content-Security-Policy in a real browser: '/', '/lab' and '/docs' load under it with no
violation and no console error, and it does refuse what it is there to refuse (an inline
script, an inline event handler, a string evaluated as code, a style attribute)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.playground import READY_TIMEOUT

# Run before any page script: every CSP violation the document reports, as "directive uri".
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
"""

READY = {
    "/": lambda page: expect(page.locator("#app")).to_have_attribute(
        "data-state", "ready", timeout=30_000),
    "/lab": lambda page: expect(page.locator("#lab-tabs [role=tab]").first).to_be_visible(),
    "/docs": lambda page: expect(page.locator(
        ".opblock-summary-path[data-path='/api/sessions/{session_id}/forward']")
    ).to_have_count(1, timeout=30_000),
}


@pytest.mark.parametrize("path", ["/", "/lab", "/docs"])
def test_page_loads_under_the_csp_without_a_violation(page: Page, console_errors, path: str):
    page.add_init_script(RECORD_VIOLATIONS)
    reply = page.goto(f"{path}?autotrain=0" if path == "/" else path)
    assert reply is not None
    csp = reply.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe" not in csp
    READY[path](page)
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))")
    assert page.evaluate("() => window.__violations") == []
    assert console_errors == []


def test_the_csp_refuses_inline_script_eval_handlers_and_style_attributes(page: Page):
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto("/lab")
    expect(page.locator("#lab-tabs [role=tab]").first).to_be_visible(timeout=READY_TIMEOUT)
    # In a task of the page's own (Playwright's evaluate itself may eval): an inline script
    # runs on insertion when allowed, eval throws EvalError when refused.
    page.evaluate("""() => setTimeout(() => {
        const s = document.createElement('script');
        s.textContent = 'window.__ran = "inline script"';
        document.body.append(s);
        try { eval('window.__ran = "eval"'); } catch (e) { window.__evalRefused = e.name; }
        const d = document.createElement('div');
        d.id = 'styled';
        d.setAttribute('style', 'display: inline-flex');
        document.body.append(d);
        const img = document.createElement('img');
        img.setAttribute('onerror', 'window.__ran = "handler"');
        img.src = '/static/no-such-image.png';
        document.body.append(img);
    }, 0)""")
    page.wait_for_function("() => ['script-src-elem', 'script-src', 'style-src-attr',"
                           " 'script-src-attr'].every((d) => window.__violations"
                           ".some((v) => v.startsWith(d + ' ')))")
    assert page.evaluate("() => window.__ran") is None
    assert page.evaluate("() => window.__evalRefused") == "EvalError"
    assert page.evaluate(
        "() => getComputedStyle(document.getElementById('styled')).display") == "block"
