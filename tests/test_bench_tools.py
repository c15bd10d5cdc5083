"""The page benchmark's load and scheduler instruments (bench/burners.py, bench/run_queue.py)."""

from __future__ import annotations

import os
import time

import pytest

from bench.burners import cpu_burners
from bench.run_queue import _main_thread, describe_wait, renderer_sched


@pytest.mark.parametrize("bursty", [False, True])
def test_burners_run_inside_the_block_and_are_gone_after_it(bursty: bool) -> None:
    with cpu_burners(2, bursty=bursty) as procs:
        assert len(procs) == 2
        time.sleep(0.2)
        assert all(p.poll() is None for p in procs)  # still burning
    assert all(p.returncode is not None for p in procs)  # killed and reaped


def test_no_burners_starts_nothing() -> None:
    with cpu_burners(0) as procs:
        assert procs == []


def test_describe_wait_reports_the_busiest_renderer_between_readings() -> None:
    before = {10: (1_000_000, 0, 5), 11: (0, 0, 0)}
    after = {10: (41_000_000, 90_000_000, 45), 11: (2_000_000, 1_000_000, 4), 12: (9, 9, 9)}
    text = describe_wait(before, after)
    # pid 10 ran 40 ms (the most) and waited 90 ms over 40 slices; pid 12 has no first reading
    assert "40ms on a CPU" in text
    assert "90ms runnable" in text
    assert "40 slices" in text
    assert "2.25ms a slice" in text


def test_describe_wait_says_when_no_renderer_was_found() -> None:
    assert "not found" in describe_wait({}, {})


@pytest.mark.skipif(not os.path.exists(f"/proc/{os.getpid()}/task"), reason="needs /proc")
def test_this_process_is_no_renderer_but_its_main_thread_is_read() -> None:
    assert renderer_sched() == {}
    stats = _main_thread(os.getpid())
    assert stats is not None and stats[0] > 0  # this thread has run
