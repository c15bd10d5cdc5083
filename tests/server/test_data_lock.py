"""One server per data directory (issue 13, item 5): a second one is refused in one line
with exit status 2, and the lock goes with the process that held it."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from server.runtime.data_lock import DataDirInUse, lock_data_dir
from tests.live_server import PROJECT_ROOT, free_port, start_server

# The data-dir lock guards the SQLite file (servers on --store postgresql:// share a database);
# these tests start servers on SQLite whatever the run's store, so one pass is enough.
pytestmark = pytest.mark.sqlite_only(reason="the data-dir lock guards SQLite's file")


def _second_server(data_dir) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server.http.cli", "--port", str(free_port()), "--data-dir",
         str(data_dir)], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)


def test_a_second_server_on_the_same_data_dir_is_refused(tmp_path):
    first = start_server(tmp_path)
    try:
        second = _second_server(tmp_path)
        assert second.returncode == 2, (second.stdout, second.stderr)
        lines = second.stderr.strip().splitlines()
        assert len(lines) == 1, second.stderr
        assert str(tmp_path) in lines[0] and "another nnplay server" in lines[0]
        assert f"process {first.process.pid}" in lines[0]
        assert second.stdout == ""
        assert httpx.get(first.url + "/api/health").status_code == 200  # still serving
    finally:
        first.stop()
    again = start_server(tmp_path)  # killed with SIGKILL: the kernel dropped its lock
    again.stop()


def test_the_lock_is_exclusive_and_released_on_close(tmp_path):
    held = lock_data_dir(tmp_path / "data")
    try:
        lock_data_dir(tmp_path / "data")
    except DataDirInUse as exc:
        assert "another nnplay server" in str(exc)
    else:
        raise AssertionError("a second lock on the same directory was granted")
    finally:
        held.close()
    lock_data_dir(tmp_path / "data").close()
