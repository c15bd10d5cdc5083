"""What the server benchmarks share: starting a real ``nnplay``, the drawing a stroke sends,
reading a WebSocket's JSON replies, percentiles, and resident memory from /proc.

Used by ``server_load.py``, ``memory.py`` and ``classroom.py``; nothing here is timed.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from tests.live_server import free_port, wait_healthy  # noqa: E402

# The benches open many sessions from one address within a minute.
NO_CREATION_LIMIT = ("--limit", "max_sessions_per_minute=100000")

TINY = {"input": {"channels": 1, "height": 28, "width": 28}, "layers": [
    {"type": "conv2d", "filters": 8, "kernel": 3, "padding": 1}, {"type": "relu"},
    {"type": "pool", "mode": "max", "size": 2, "stride": 2}, {"type": "flatten"},
    {"type": "dense", "units": 10}, {"type": "softmax"}]}


@dataclass
class Nnplay:
    """A running ``nnplay`` subprocess (its own process group); ``url`` ends without a slash."""

    process: subprocess.Popen[bytes]
    url: str
    port: int

    def stop(self) -> None:
        """SIGKILL the process and wait for it (idempotent)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


def start_nnplay(args: Sequence[str], *, data_dir: Path | None = None, port: int | None = None,
                 root: Path = PROJECT_ROOT, env: dict[str, str] | None = None,
                 log: Path | None = None, timeout: float = 60.0) -> Nnplay:
    """``python -m server.http.cli`` of ``root`` on ``port`` (default: a free one) with ``args``,
    once GET /api/health answers. Its output goes to ``log`` (default: nowhere)."""
    port = port or free_port()
    command = [sys.executable, "-m", "server.http.cli", "--port", str(port)]
    if data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    out = open(log, "ab") if log is not None else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen([*command, *args], cwd=root, env=env, stdout=out,
                               stderr=subprocess.STDOUT, start_new_session=True)
    server = Nnplay(process, f"http://127.0.0.1:{port}", port)
    wait_healthy(process, server.url, timeout, lambda: f" (see {log})" if log else "")
    return server


def drawing_body(variant: int = 0) -> dict[str, object]:
    """A 280x280 canvas with a thick stroke (a 1 or 7 shape), as the page sends it: base64."""
    img = np.zeros((280, 280), dtype=np.uint8)
    shift = 8 * (variant % 5)
    img[40:240, 120 + shift:160 + shift] = 255
    img[40:80, 80:160 + shift] = 255
    return {"pixels": base64.b64encode(img.tobytes()).decode("ascii"), "width": 280,
            "height": 280}


def ws_url(base: str, session_id: str) -> str:
    """The WebSocket of a session on the front end at ``base`` (http -> ws)."""
    return base.replace("http", "ws", 1) + f"/api/sessions/{session_id}/ws"


async def json_replies(ws: Any) -> AsyncIterator[dict[str, Any]]:
    """The socket's JSON messages in order; binary (tensor) frames are skipped."""
    async for message in ws:
        if isinstance(message, bytes):
            continue
        yield json.loads(message)


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0..100, linear interpolation as numpy's default); nan if empty."""
    if len(values) == 0:
        return float("nan")
    return float(np.percentile(np.asarray(values, dtype=float), q))


def percentiles(times: Sequence[float]) -> str:
    """p50/p90/p99/max of durations in seconds, printed in ms."""
    ms = [t * 1000 for t in times]
    return (f"p50={percentile(ms, 50):.1f}ms p90={percentile(ms, 90):.1f}ms "
            f"p99={percentile(ms, 99):.1f}ms max={max(ms):.1f}ms n={len(ms)}")


def rss_mb(pid: int) -> float:
    """VmRSS of one process in MB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return 0.0
    return 0.0


def children(pid: int) -> list[int]:
    """Direct children of a process (from /proc/PID/task/*/children)."""
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text()
            found += [int(p) for p in text.split()]
    except OSError:
        pass
    return found


def descendants(pid: int) -> list[int]:
    """The process and every process below it."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children(current)
    return found


def tree_rss_mb(pid: int) -> float:
    """RSS of a process and all its descendants, in MB (shared pages counted in each)."""
    return sum(rss_mb(p) for p in descendants(pid))


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of a process and of its children it has reaped."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def tree_cpu_s(pid: int) -> float:
    """CPU seconds of a process and every process below it (and those they reaped)."""
    return sum(cpu_s(p) for p in descendants(pid))


def kill_tree(pid: int) -> None:
    """SIGKILL a process's group and every process below it (processes this bench started)."""
    pids = descendants(pid)
    try:
        os.killpg(os.getpgid(pid), signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    for p in pids:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass
