"""One page of a fresh nnplay server in headless Chromium, for the page benchmarks.

``with browser_page("/lab?...", 1280, 800) as page: ...`` starts a server on a temporary data
dir, opens the path at that viewport, and stops both when the block ends.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.live_server import start_server  # noqa: E402


@contextmanager
def browser_page(path: str, width: int, height: int) -> Iterator[Page]:
    """The page at ``path`` of a new server, ``width`` x ``height`` CSS pixels."""
    server = start_server(Path(tempfile.mkdtemp(prefix="nnplay-bench-")))
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(f"{server.url}{path}")
                yield page
            finally:
                browser.close()
    finally:
        server.stop()
