"""A node's training slots (server.runtime.node_slots, no Ray): one slot is held by one
holder at a time, across threads and processes; a killed holder's slot is free again; a
SessionHost takes a slot for a training step and heavy job, never for a forward nor a save;
a node's directory goes when its last user closes, or, when its users were killed, when
another node starts."""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from server.config import PROJECT_ROOT, Settings
from server.persist.sqlite_store import SqliteStore
from server.runtime.node_slots import PREFIX, NodeSlots, node_directory
from server.runtime.session_host import SessionHost
from server.runtime.train_loop import TrainControl, TrainOrder
from server.sessions.ids import new_session_id
from server.sessions.settings import TrainSettings

SMALL = TrainSettings(dataset_size=300, batch_size=50)
HOLDER = """
import sys, time
from pathlib import Path
from server.runtime.node_slots import NodeSlots
slots = NodeSlots(Path(sys.argv[1]), 1)
fd = slots.acquire() if sys.argv[2] == "hold" else None
print("held", flush=True)
time.sleep(600)
"""


@contextlib.contextmanager
def held_elsewhere(directory: Path, hold: bool = True) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the one slot of ``directory`` (or, not ``hold``, only using
    the directory), killed (SIGKILL) on leaving."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(directory),
                             "hold" if hold else "idle"], cwd=PROJECT_ROOT,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        yield proc
    finally:
        proc.kill()
        proc.wait()


def test_one_slot_is_held_by_one_thread_at_a_time(tmp_path: Path) -> None:
    slots = NodeSlots(tmp_path, 1)
    first = slots.acquire()
    assert first is not None
    assert slots.acquire(timeout=0) is None  # even in the same thread: another open file
    got: list[int | None] = []
    waiter = threading.Thread(target=lambda: got.append(slots.acquire()))
    waiter.start()
    slots.release(first)
    waiter.join(60)
    assert got and got[0] is not None
    assert slots.acquire(timeout=0) is None
    slots.release(got[0])
    again = slots.acquire(timeout=0)
    assert again is not None
    slots.release(again)


def test_n_slots_admit_n_holders(tmp_path: Path) -> None:
    slots = NodeSlots(tmp_path, 2)
    held = [slots.acquire(timeout=0), slots.acquire(timeout=0)]
    assert None not in held
    assert slots.acquire(timeout=0) is None
    assert slots.acquire(timeout=0.05) is None  # waits, then gives up
    for fd in held:
        slots.release(fd)  # type: ignore[arg-type]


def test_a_killed_holder_frees_its_slot(tmp_path: Path) -> None:
    slots = NodeSlots(tmp_path, 1)
    with held_elsewhere(tmp_path) as holder:
        assert slots.acquire(timeout=0) is None
        holder.kill()
        holder.wait()
        fd = slots.acquire(timeout=60)
    assert fd is not None
    slots.release(fd)


def test_a_node_directory_is_named_after_the_node() -> None:
    one, other = node_directory("ab12" * 14), node_directory("cd34" * 14)
    assert one != other and one.parent == other.parent
    assert node_directory("../../etc").parent == one.parent  # no way out of the temp dir


class CountingSlot:
    def __init__(self) -> None:
        self.taken = 0

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        self.taken += 1
        yield


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    return SqliteStore(tmp_path / "s.sqlite3")


def test_a_training_step_takes_a_slot_and_a_forward_does_not(store: SqliteStore) -> None:
    slot = CountingSlot()
    host = SessionHost(new_session_id(), store, Settings(), 60, slot=slot)
    host.create(None, SMALL)
    host.run(lambda s: s.state())
    assert slot.taken == 0
    host.run(lambda s: s.step_events("batches"), save=True, step=True)
    assert slot.taken == 1
    assert list(host.items(lambda s: iter([1, 2]), step=True)) == [1, 2]
    assert slot.taken == 1 + 4  # the start, then each next (two items, then the end)


def test_a_forward_runs_while_another_process_holds_the_only_slot(
        store: SqliteStore, tmp_path: Path) -> None:
    slots = NodeSlots(tmp_path / "slots", 1)
    host = SessionHost(new_session_id(), store, Settings(), 60, slot=slots.slot)
    host.create(None, SMALL)
    with held_elsewhere(tmp_path / "slots"):
        assert host.run(lambda s: s.state())["step"] == 0
    host.run(lambda s: s.step_events("batches"), save=True, step=True)  # free again
    assert host.run(lambda s: s.state())["step"] == 1


class SlotCheckingStore(SqliteStore):
    """Records, at each save, whether the only slot of ``slots`` was free."""

    def __init__(self, path: Path, slots: NodeSlots) -> None:
        super().__init__(path)
        self.slots = slots
        self.free_at_save: list[bool] = []

    def save(self, *args: Any, **kwargs: Any) -> Any:
        fd = self.slots.acquire(timeout=0)
        self.free_at_save.append(fd is not None)
        if fd is not None:
            self.slots.release(fd)
        return super().save(*args, **kwargs)


def test_a_train_saves_without_holding_its_slot(tmp_path: Path) -> None:
    slots = NodeSlots(tmp_path / "slots", 1)
    store = SlotCheckingStore(tmp_path / "s.sqlite3", slots)
    taken = CountingSlot()

    @contextlib.contextmanager
    def slot() -> Iterator[None]:
        with taken(), slots.slot():
            yield

    host = SessionHost(new_session_id(), store, Settings(), 60, slot=slot)
    host.create(None, SMALL)
    store.free_at_save.clear()
    control = TrainControl()
    control.probe_rate = 0.0
    outputs: list[Any] = list(host.train(TrainOrder(seq=1, unit="epochs", count=1), control,
                                         "page"))
    types = [item[1]["type"] for item in outputs if item[0] == "json"]
    assert types.count("epoch_end") == 1 and types[-1] == "done"
    assert taken.taken > types.count("progress")  # the steps did hold it
    assert len(store.free_at_save) == 2  # the epoch's end, then the last save
    assert all(store.free_at_save)


def test_a_killed_nodes_directory_is_swept_when_another_node_starts(tmp_path: Path) -> None:
    dead = tmp_path / f"{PREFIX}dead"
    with held_elsewhere(dead) as holder:
        holder.kill()  # SIGKILL mid-hold: nothing of it ran to clean up
        holder.wait()
    assert (dead / "slot-0").exists() and (dead / "members").exists()
    live = NodeSlots(tmp_path / f"{PREFIX}live", 1)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{PREFIX}live"]
    live.close()


def test_a_directory_in_use_is_not_swept(tmp_path: Path) -> None:
    busy, idle = tmp_path / f"{PREFIX}busy", tmp_path / f"{PREFIX}idle"
    other, before = tmp_path / "not-slots", tmp_path / "nnplay-slots-old"  # the old scheme's
    other.mkdir()
    before.mkdir()
    (before / "slot-0").touch()
    with held_elsewhere(busy), held_elsewhere(idle, hold=False):
        new = NodeSlots(tmp_path / f"{PREFIX}new", 1)
        assert busy.is_dir() and idle.is_dir() and other.is_dir()
        assert (before / "slot-0").exists()
        assert NodeSlots(busy, 1).acquire(timeout=0) is None  # still held, by the same file
        fd = NodeSlots(idle, 1).acquire(timeout=0)
        assert fd is not None
        os.close(fd)
        new.close()


def test_the_last_user_to_close_deletes_the_directory(tmp_path: Path) -> None:
    directory = tmp_path / f"{PREFIX}node"
    one, two = NodeSlots(directory, 1), NodeSlots(directory, 1)
    one.close()
    assert directory.is_dir()
    fd = two.acquire(timeout=0)
    assert fd is not None
    assert NodeSlots(directory, 1).acquire(timeout=0) is None
    two.release(fd)
    two.close()
    assert not directory.exists() and list(tmp_path.iterdir()) == []
    three = NodeSlots(directory, 1)  # a node starting again makes it again
    fd = three.acquire(timeout=0)
    assert fd is not None and NodeSlots(directory, 1).acquire(timeout=0) is None
    three.release(fd)


def _waiting_for_lock(path: Path) -> bool:
    """Whether some process waits for a flock on ``path`` (/proc/locks: "->" lines)."""
    inode = f":{os.stat(path).st_ino} "
    return any(line.split(":", 1)[1].lstrip().startswith("->") and inode in line
               for line in Path("/proc/locks").read_text().splitlines())


def test_a_user_waiting_on_a_directory_being_swept_makes_a_new_one(tmp_path: Path) -> None:
    directory = tmp_path / f"{PREFIX}node"
    directory.mkdir()
    members = directory / "members"
    sweeper = os.open(members, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(sweeper, fcntl.LOCK_EX)  # as remove_if_unused holds it while it renames
    made: list[NodeSlots] = []
    joiner = threading.Thread(target=lambda: made.append(NodeSlots(directory, 1)))
    joiner.start()
    for _ in range(60_000):
        if _waiting_for_lock(members):
            break
        threading.Event().wait(0.001)
    else:
        raise AssertionError("the new user never waited for the members lock")
    trash = tmp_path / "swept"
    os.rename(directory, trash)
    os.close(sweeper)
    joiner.join(60)
    assert made and directory.is_dir()
    assert os.stat(directory / "members").st_ino != os.stat(trash / "members").st_ino
    fd = made[0].acquire(timeout=0)
    assert fd is not None and not (trash / "slot-0").exists()  # it uses the new one only
    made[0].release(fd)
