"""One server per data directory: an exclusive ``flock`` on ``<data_dir>/nnplay.lock``.

Two servers on one directory would each overwrite the other's saves (SQLite keeps every
write whole, but not the sessions both hold in memory). The lock is held for the life of the
process and released by the kernel however it ends, kill -9 included, so a stale lock file
never blocks a restart. The file holds the owner's process id, for the message.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

LOCK_NAME = "nnplay.lock"


class DataDirInUse(Exception):
    """Another process holds the lock; the message is one line naming the directory."""


def lock_data_dir(data_dir: Path) -> IO[str]:
    """Take the directory's lock (creating the directory and file as needed); keep the
    returned file open for as long as the server runs. DataDirInUse when another holds it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    handle = (data_dir / LOCK_NAME).open("a+", encoding="ascii")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.seek(0)
        owner = handle.read().strip()
        handle.close()
        who = f" (process {owner})" if owner.isdigit() else ""
        raise DataDirInUse(f"{data_dir} is already used by another nnplay server{who}; stop "
                           "it or choose another --data-dir") from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle
