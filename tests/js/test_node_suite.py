"""Runs the pure front-end modules' tests (tests/js/*.test.mjs) with `node --test`.

No node found: skip loudly on a laptop, fail when NNPLAY_REQUIRE_NODE=1 (set by .ci/run).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

JS_TESTS = sorted(Path(__file__).parent.glob("*.test.mjs"))


def test_node_suite_passes():
    node = shutil.which("node")
    if node is None:
        if os.environ.get("NNPLAY_REQUIRE_NODE") == "1":
            pytest.fail("node is required for tests/js but was not found", pytrace=False)
        pytest.skip("JS TESTS SKIPPED: node not found")
    if not JS_TESTS:
        pytest.skip("no tests/js/*.test.mjs yet")
    result = subprocess.run(
        [node, "--test", *map(str, JS_TESTS)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
