"""Training slots shared by every session actor of one machine (a Ray node).

Ray's ``num_cpus`` only books CPUs: it does not limit them. Each session actor is a process
that trains as fast as it can, so on a node of 2 cores with 8 training actors a forward (a
stroke) would queue in the OS behind 8 trainers. In one process ``--training-threads`` bounds
how many train at once; :class:`NodeSlots` is that bound across the processes of a node: a
training step (or other ``heavy`` job) takes one of ``count`` slots, forwards never do.

A slot is an exclusive ``flock`` on one of ``count`` files in a per-node directory (named after
the Ray node id, under the system temp dir). ``flock`` belongs to the open file, so two threads
of one process contend too, and the kernel releases it when its process dies: a killed actor
never keeps a slot. A waiter first takes the directory's ``gate`` lock (the kernel queues the
others there, in order), then polls the slots alone until one is free.

The directory lives as long as someone uses it: each :class:`NodeSlots` holds a shared
``flock`` on its ``members`` file from start to :meth:`NodeSlots.close` (or its process's
end, however it ends). A directory whose ``members`` can be locked exclusively at once has no
one left; it is renamed away under that lock, then deleted: by the last member closing, and,
for nodes whose actors were killed, by every :class:`NodeSlots` starting under the same temp
dir (:func:`sweep`). A member joins only a directory whose ``members`` it locked is still the
one at that path, so it never uses one being swept.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import secrets
import shutil
import stat
import tempfile
import time
import weakref
from collections.abc import Iterator
from pathlib import Path

POLL_SECONDS = 0.0005  # the gate holder looks again this soon (doubling up to 8 ms)
PREFIX = "nnplay-node-slots-"  # a node's directory: this, then the node id. Not the
# "nnplay-slots-" of the code before members: its users hold no members lock, so a directory
# of theirs cannot be told from a dead one, and is left alone
GONE = ".gone-"  # a swept directory's new name: its old one, this, a random part


def node_directory(node_id: str) -> Path:
    """The slot directory of the node ``node_id`` (a hex Ray node id)."""
    safe = re.sub(r"[^0-9A-Za-z]", "", node_id)[:32] or "node"
    return Path(tempfile.gettempdir()) / f"{PREFIX}{safe}"


def _same_file(fd: int, path: Path) -> bool:
    """Whether ``path`` still names the file open as ``fd``."""
    try:
        named = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    opened = os.fstat(fd)
    return (opened.st_dev, opened.st_ino) == (named.st_dev, named.st_ino)


def remove_if_unused(directory: Path) -> bool:
    """Delete the slot directory ``directory`` when no :class:`NodeSlots` uses it (an
    exclusive lock on its ``members`` is free); True when it did."""
    members = directory / "members"
    try:
        fd = os.open(members, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    except OSError:  # gone already, or not ours
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # in use
        if not _same_file(fd, members):
            return False  # swept meanwhile by another
        trash = directory.with_name(f"{directory.name}{GONE}{secrets.token_hex(6)}")
        try:
            os.rename(directory, trash)  # under the lock: no member can join it any more
        except OSError:
            return False
    finally:
        os.close(fd)
    shutil.rmtree(trash, ignore_errors=True)
    return True


def sweep(parent: Path, keep: Path | None = None) -> list[Path]:
    """Delete the unused slot directories under ``parent`` (this user's, but ``keep``), and
    what is left of any swept one (a sweeper killed while deleting); those deleted."""
    removed: list[Path] = []
    try:
        entries = list(parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(PREFIX) or entry == keep:
            continue
        try:
            info = entry.lstat()
        except OSError:
            continue
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            continue
        if GONE in entry.name:
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
        elif remove_if_unused(entry):
            removed.append(entry)
    return removed


class NodeSlots:
    """``count`` slots in ``directory`` (created if missing), shared by every process that
    opens the same directory with the same count."""

    def __init__(self, directory: Path, count: int) -> None:
        if count < 1:
            raise ValueError("count: at least one slot")
        self.directory = Path(directory)
        self.count = count
        self._gate = self.directory / "gate"
        self._slots = [self.directory / f"slot-{i}" for i in range(count)]
        if self.directory.name.startswith(PREFIX):  # a node's: sweep the dead nodes' ones
            sweep(self.directory.parent, keep=self.directory)
        member = self._join()
        self._close = weakref.finalize(self, _leave, member, self.directory)

    def _join(self) -> int:
        """An fd holding a shared lock on ``members`` of the directory now at its path
        (made if missing): while it is held, the directory is not swept."""
        members = self.directory / "members"
        while True:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            try:
                fd = os.open(members, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
            except FileNotFoundError:
                continue  # swept between the two calls: make it again
            try:
                fcntl.flock(fd, fcntl.LOCK_SH)
                if _same_file(fd, members):
                    return fd
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)  # it was swept while this waited for the lock

    def close(self) -> None:
        """Stop using the directory (no slot of this object may be held any more); the
        last to leave deletes it. Also done when the object is collected or the process
        exits."""
        self._close()

    def _open(self, path: Path) -> int:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)

    def _try(self, path: Path) -> int | None:
        """An fd holding ``path``'s lock, or None when another holds it."""
        fd = self._open(path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        except BaseException:
            os.close(fd)
            raise
        return fd

    def _free_slot(self) -> int | None:
        for path in self._slots:
            fd = self._try(path)
            if fd is not None:
                return fd
        return None

    def acquire(self, timeout: float | None = None) -> int | None:
        """A slot (an fd to pass to :meth:`release`); None when none came free within
        ``timeout`` seconds (None: wait as long as it takes)."""
        fd = self._free_slot()
        if fd is not None or timeout == 0:
            return fd
        deadline = None if timeout is None else time.monotonic() + timeout
        gate = self._gate_lock(deadline)
        if gate is None:
            return None
        try:
            pause = POLL_SECONDS
            while (fd := self._free_slot()) is None:
                if deadline is not None and time.monotonic() >= deadline:
                    return None
                time.sleep(pause)
                pause = min(pause * 2, 0.008)
            return fd
        finally:
            os.close(gate)  # closing the fd releases its lock

    def _gate_lock(self, deadline: float | None) -> int | None:
        """An fd holding the gate (blocking in the kernel when there is no deadline)."""
        if deadline is None:
            gate = self._open(self._gate)
            try:
                fcntl.flock(gate, fcntl.LOCK_EX)
            except BaseException:
                os.close(gate)
                raise
            return gate
        while (fd := self._try(self._gate)) is None:
            if time.monotonic() >= deadline:
                return None
            time.sleep(POLL_SECONDS)
        return fd

    @staticmethod
    def release(fd: int) -> None:
        os.close(fd)

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one slot for the ``with`` block (waiting for one as long as it takes)."""
        fd = self.acquire()
        assert fd is not None
        try:
            yield
        finally:
            self.release(fd)


def _leave(member: int, directory: Path) -> None:
    os.close(member)
    remove_if_unused(directory)
