"""A loaded machine on demand: N processes that compete for the CPU, for a benchmark.

``with cpu_burners(2): ...`` starts two busy loops (plain ``python -c``, nice 0, like any
other work on the machine) and stops them when the block ends, so that a figure recorded as
"with 2 burners" is repeatable from the command alone. ``bursty=True`` makes each one work
and sleep in turns (1-20 ms each, at random), like other interactive programs rather than a
batch job. ``load_average()`` is the 1-minute load average, printed next to the figures.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_BUSY = "while True:\n    pass\n"
_BURSTY = (
    "import random, time\n"
    "while True:\n"
    "    end = time.perf_counter() + random.uniform(0.001, 0.02)\n"
    "    while time.perf_counter() < end:\n"
    "        pass\n"
    "    time.sleep(random.uniform(0.001, 0.02))\n"
)


@contextmanager
def cpu_burners(count: int, bursty: bool = False) -> Iterator[list[subprocess.Popen]]:
    """``count`` busy-loop processes for the duration of the block (0: none)."""
    code = _BURSTY if bursty else _BUSY
    procs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(count)]
    try:
        yield procs
    finally:
        for proc in procs:
            proc.kill()
        for proc in procs:
            proc.wait()


def load_average() -> float:
    """The machine's 1-minute load average."""
    return os.getloadavg()[0]
