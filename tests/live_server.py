"""Start a real nnplay server (the ``nnplay`` CLI in a subprocess) on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    """A running ``nnplay`` process; ``url`` ends without a slash."""

    process: subprocess.Popen[bytes]
    url: str
    port: int
    data_dir: Path

    def stop(self) -> None:
        """Kill the process the hard way (SIGKILL) and wait for it."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


# Tests open many pages from one address in a minute; the per-client creation allowance is
# tested on its own (tests/server/test_cross_site.py), so it does not get in their way here.
TEST_LIMITS = ("--limit", "max_sessions_per_minute=100000")


def start_server(data_dir: Path, port: int | None = None, timeout: float = 30.0,
                 extra_args: tuple[str, ...] = TEST_LIMITS) -> LiveServer:
    """Run ``python -m server.http.cli`` and wait until GET /api/health answers."""
    port = port or free_port()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    command = [sys.executable, "-m", "server.http.cli", "--port", str(port),
               "--data-dir", str(data_dir), *extra_args]
    process = subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    server = LiveServer(process, f"http://127.0.0.1:{port}", port, data_dir)
    wait_healthy(process, server.url, timeout,
                 lambda: ": " + (process.stdout.read().decode() if process.stdout else ""))
    return server


def wait_healthy(process: subprocess.Popen[bytes], url: str, timeout: float,
                 why_exited: Callable[[], str]) -> None:
    """Return once GET ``url``/api/health answers 200. A RuntimeError when the process exits
    first (its message ends with ``why_exited()``) or after ``timeout`` seconds (the process is
    killed then)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nnplay exited with {process.returncode}{why_exited()}")
        try:
            with urllib.request.urlopen(url + "/api/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)  # polling a process that is starting, not pacing a measurement
    process.kill()
    process.wait(timeout=30)
    raise RuntimeError(f"nnplay did not answer at {url} within {timeout:g} s")
