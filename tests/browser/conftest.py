"""Playwright against the system Chromium and a real nnplay server on 127.0.0.1.

No browser found: skip loudly on a laptop, fail when NNPLAY_REQUIRE_BROWSER=1 (set by .ci/run).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.live_server import LiveServer, start_server

CHROMIUM = os.environ.get("NNPLAY_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _function_expression(expression: str) -> str:
    """``expression`` as one arrow function that evaluates it (and calls it with the argument
    when it is itself a function).

    The page's Content-Security-Policy forbids eval. Playwright's wait_for_function evals a
    plain expression such as ``"window.x === 1"`` again at every poll, which the CSP refuses
    after the first; a function it evals once and then calls. Wrapping keeps every test's
    predicate as written, with the same meaning, under the real CSP."""
    return ("(nnplayArg) => { const nnplayValue = (" + expression + "\n);"
            " return typeof nnplayValue === 'function' ? nnplayValue(nnplayArg) : nnplayValue; }")


_wait_for_function = Page.wait_for_function


def _wait_for_function_under_csp(self: Page, expression: str, **kwargs: object) -> object:
    return _wait_for_function(self, _function_expression(expression), **kwargs)  # type: ignore[arg-type]


Page.wait_for_function = _wait_for_function_under_csp  # type: ignore[method-assign,assignment]


def _require_browser() -> None:
    if Path(CHROMIUM).exists():
        return
    reason = f"no Chromium at {CHROMIUM} (install Debian's chromium or set NNPLAY_CHROMIUM)"
    if os.environ.get("NNPLAY_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests required but {reason}", pytrace=False)
    pytest.skip(f"BROWSER TESTS SKIPPED: {reason}")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    _require_browser()
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(tmp_path_factory.mktemp("nnplay-data"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    return live_server.url


@pytest.fixture
def console_errors(page) -> list[str]:
    """Every console error and uncaught page error; tests assert it stays empty."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
