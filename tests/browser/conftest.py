"""Playwright against the system Chromium and a real nnplay server on 127.0.0.1.

No browser found: skip loudly on a laptop, fail when NNPLAY_REQUIRE_BROWSER=1 (set by .ci/run).

Opt-in, to force the orders a loaded machine produces (off by default; docs/testing.md):
``--js-delay=SEED`` (or NNPLAY_JS_DELAY) makes every ES module under /static/js/ load 0..800 ms
late, ``--cpu-throttle=RATE`` (or NNPLAY_CPU_THROTTLE) slows Chromium's CPU RATE times.
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Request, Route
from playwright.sync_api import Error as PlaywrightError

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


# ---- Opt-in: the orders of a loaded machine (docs/testing.md, "Forcing a loaded machine") ----

JS_PATH = re.compile(r"/static/js/[^?#]+\.js([?#].*)?$")
GONE = re.compile(r"has been closed|has been disposed|context disposed|ECONNRESET")
MODULE_SYNTAX = re.compile(r"^\s*(import|export)\b", re.MULTILINE)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("nnplay-load", "nnplay: force a loaded machine's orders")
    group.addoption("--js-delay", default=os.environ.get("NNPLAY_JS_DELAY", ""),
                    help="SEED (or 'random'): each ES module under /static/js/ starts 0..MAX ms "
                         "late (a top-level await), the delay drawn from SEED, the test and the "
                         "module, so a failure replays with the same SEED. Env NNPLAY_JS_DELAY.")
    group.addoption("--js-delay-max", type=int,
                    default=int(os.environ.get("NNPLAY_JS_DELAY_MAX", "800")),
                    help="largest delay in ms for --js-delay (default 800)")
    group.addoption("--cpu-throttle", type=float,
                    default=float(os.environ.get("NNPLAY_CPU_THROTTLE", "0") or 0),
                    help="slow every page's CPU RATE times (CDP Emulation.setCPUThrottlingRate, "
                         "e.g. 6). Env NNPLAY_CPU_THROTTLE.")


class _Load:
    """What the options ask for, and the test it is drawn for (set per test)."""

    seed: str = ""
    max_ms: int = 800
    throttle: float = 0.0
    test_id: str = ""
    delays: list[str] = []
    served: dict[int, set[str]] = {}  # per frame, the module paths its document fetched


def pytest_configure(config: pytest.Config) -> None:
    # the defaults again: run as `pytest tests`, this conftest comes after the command line
    env = os.environ.get
    seed = str(config.getoption("--js-delay", default=env("NNPLAY_JS_DELAY", "")) or "")
    if seed == "random":
        seed = str(random.SystemRandom().randrange(10**6))
    _Load.seed = seed
    _Load.max_ms = int(config.getoption("--js-delay-max",
                                        default=env("NNPLAY_JS_DELAY_MAX", "800")))
    _Load.throttle = float(config.getoption("--cpu-throttle",
                                            default=env("NNPLAY_CPU_THROTTLE", "0")) or 0)


def pytest_report_header(config: pytest.Config) -> list[str]:
    lines = []
    if _Load.seed:
        lines.append(f"nnplay: every /static/js module 0..{_Load.max_ms} ms late, "
                     f"--js-delay={_Load.seed} to replay")
    if _Load.throttle:
        lines.append(f"nnplay: Chromium CPU throttled {_Load.throttle:g}x")
    return lines


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.failed and (_Load.seed or _Load.throttle):
        text = (f"replay: --js-delay={_Load.seed} --js-delay-max={_Load.max_ms} "
                f"--cpu-throttle={_Load.throttle:g} {item.nodeid}\n" + "\n".join(_Load.delays))
        report.sections.append(("nnplay load", text))


@pytest.fixture(autouse=True)
def _load_for_this_test(request: pytest.FixtureRequest) -> Iterator[None]:
    _Load.test_id = request.node.nodeid
    _Load.delays = []
    _Load.served = {}
    yield


def _delay_ms(path: str) -> int:
    """The delay of this request: from the seed, the test, the path and how often this test
    asked for it before; never from the clock, so a failure replays with the same seed."""
    asked = sum(1 for d in _Load.delays if d.split(" ", 1)[0] == path)
    ms = random.Random(f"{_Load.seed}|{_Load.test_id}|{path}|{asked}").randint(0, _Load.max_ms)
    return ms


def _from_a_worker(route: Route, path: str) -> bool:
    """A worker's module (the entry, named *-worker.js, or one this document already loaded: a
    module is fetched once per realm). A top-level await there would make the worker's message
    handler late, and Chromium drops the messages that arrive meanwhile, which no real load does."""
    served = _Load.served.setdefault(id(route.request.frame), set())
    if path.endswith("-worker.js") or path in served:
        return True
    served.add(path)
    return False


def _send_late_unless_gone(route: Route) -> None:
    try:
        _send_late(route)
    except PlaywrightError as error:
        # the page closed while its module was held (a second tab closed by its test): no error
        gone = route.request.frame.page.is_closed() or GONE.search(str(error))
        if not gone:
            raise


def _send_late(route: Route) -> None:
    """Every /static/js file comes late (a context route). ES modules of the page get a
    top-level await in front, so they (and every module importing them) run 0..max ms later,
    in their own task; a worker's modules and classic scripts (no import/export) reach the
    page that much later instead, as from a slow server."""
    path = urlsplit(route.request.url).path
    ms = _delay_ms(path)
    if _from_a_worker(route, path):
        _Load.delays.append(f"{path} {ms} ms (sent late)")
        route.request.frame.wait_for_timeout(ms)  # in the handler's greenlet: nothing blocks
        route.fallback()
        return
    response = route.fetch()
    body = response.text()
    if response.status != 200 or not MODULE_SYNTAX.search(body):
        _Load.delays.append(f"{path} {ms} ms (sent late)")
        route.request.frame.wait_for_timeout(ms)
        route.fulfill(response=response)
        return
    _Load.delays.append(f"{path} {ms} ms (top-level await)")
    route.fulfill(response=response,
                  body=f"await new Promise((r) => setTimeout(r, {ms}));\n" + body)


def _forget_served(request: Request) -> None:
    """A new document (not a history change: that sends no request) loads its modules again."""
    if request.is_navigation_request():
        _Load.served.pop(id(request.frame), None)


def _throttle(page: Page) -> None:
    page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate",
                                            {"rate": _Load.throttle})


_new_context = Browser.new_context
_new_page = BrowserContext.new_page
_close_context = BrowserContext.close


def _new_context_under_load(self: Browser, *args: object, **kwargs: object) -> BrowserContext:
    context = _new_context(self, *args, **kwargs)  # type: ignore[arg-type]
    if _Load.seed:
        context.route(JS_PATH, _send_late_unless_gone)
        context.on("request", _forget_served)
    return context


def _new_page_under_load(self: BrowserContext) -> Page:
    page = _new_page(self)
    if _Load.throttle:
        _throttle(page)
    return page


def _close_context_under_load(self: BrowserContext, reason: str | None = None) -> None:
    """The test is over: modules still held are let go quietly (not an error in the next test)."""
    if _Load.seed:
        self.unroute_all(behavior="ignoreErrors")
    _close_context(self, reason=reason)


Browser.new_context = _new_context_under_load  # type: ignore[method-assign,assignment]
BrowserContext.new_page = _new_page_under_load  # type: ignore[method-assign]
BrowserContext.close = _close_context_under_load  # type: ignore[method-assign]
