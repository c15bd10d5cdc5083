"""How long the page's renderer main thread ran, and waited for a CPU, over a stretch of time.

Linux keeps, per thread, ``/proc/PID/task/TID/schedstat``: nanoseconds on a CPU, nanoseconds
runnable but waiting in the run queue, and the number of time slices. The renderer's main
thread has TID = PID of the ``--type=renderer`` process. A task that lasts 150 ms of wall time
with 5 ms of CPU either waited for a core (run-queue time grows) or was blocked on something
(it does not): this tells the two apart.

    before = renderer_sched()          # {pid: (run_ns, wait_ns, slices)} of this bench's renderers
    ...
    print(describe_wait(before, renderer_sched()))
"""

from __future__ import annotations

import os
from pathlib import Path

from bench.client import descendants

Sched = dict[int, tuple[int, int, int]]


def _is_renderer(pid: int) -> bool:
    try:
        return b"--type=renderer" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _main_thread(pid: int) -> tuple[int, int, int] | None:
    try:
        run, wait, slices = Path(f"/proc/{pid}/task/{pid}/schedstat").read_text().split()
    except (OSError, ValueError):
        return None
    return int(run), int(wait), int(slices)


def renderer_sched(root: int | None = None) -> Sched:
    """Scheduler stats of the main thread of every renderer below ``root`` (this process)."""
    found: Sched = {}
    for pid in descendants(root or os.getpid()):
        if _is_renderer(pid) and (stats := _main_thread(pid)) is not None:
            found[pid] = stats
    return found


def describe_wait(before: Sched, after: Sched) -> str:
    """The busiest renderer main thread's CPU and run-queue wait between two readings."""
    deltas = [
        tuple(a - b for a, b in zip(after[pid], before[pid], strict=True))
        for pid in after
        if pid in before
    ]
    if not deltas:
        return "renderer main thread: not found (no /proc schedstat)"
    run, wait, slices = max(deltas, key=lambda d: d[0])
    return (
        f"renderer main thread: {run / 1e6:.0f}ms on a CPU, {wait / 1e6:.0f}ms runnable "
        f"but waiting for one, in {slices} slices "
        f"(average wait {wait / 1e6 / max(slices, 1):.2f}ms a slice)"
    )
