"""Session actors take built-in datasets from Ray's object store: two sessions on one node
read the same pages of that node's shared memory (one copy, not one per actor), through the
one ObjectRef the cluster's dataset holder gave out, as arrays that cannot be written."""

from __future__ import annotations

import asyncio
import os
from collections import defaultdict
from typing import Any

import pytest
import ray

from server.config import Settings
from server.runtime import ray_datasets
from server.runtime.ray_actor import NAMESPACE
from server.runtime.ray_runtime import RayRuntime
from server.sessions.session import Session
from server.sessions.settings import TrainSettings
from tests.cluster.local_ray import LocalCluster

pytestmark = pytest.mark.cluster
SMALL = TrainSettings(dataset_size=300, batch_size=50)


def mapping_of(address: int) -> tuple[str, int]:
    """The file mapped at ``address`` in this process ("dev inode path") and the address's
    offset in that file (from /proc/self/maps)."""
    with open("/proc/self/maps") as maps:
        for line in maps:
            span, _perms, offset, dev, inode, *path = line.split()
            lo, hi = (int(x, 16) for x in span.split("-"))
            if lo <= address < hi:
                return f"{dev} {inode} {' '.join(path)}", address - lo + int(offset, 16)
    raise LookupError(f"{address:#x} is not mapped")


def can_be_written(array: Any) -> bool:
    """Whether ``array`` can be made writeable (an array read from the object store cannot:
    it views read-only shared memory; one built in the process merely has the flag off)."""
    try:
        array.flags.writeable = True
    except ValueError:
        return False
    array.flags.writeable = False
    return True


def where_its_data_is(session: Session) -> dict[str, Any]:
    """Where the session's training images live, whether they can be written, and the ref
    the holder gives for its split (run in the session's actor)."""
    assert session.data is not None
    images, labels = session.data.train.images, session.data.train.labels
    split = session.settings.split
    key = ("mnist", session.settings.dataset_size, (split.train, split.val, split.test), 28)
    writable = [can_be_written(images), can_be_written(labels)]
    file, at = mapping_of(images.__array_interface__["data"][0])
    return {"pid": os.getpid(), "file": file, "at": at, "writable": writable,
            "ref": ray_datasets.split_ref(key).hex(),
            "node": ray.get_runtime_context().get_node_id()}


def test_sessions_on_one_node_share_their_dataset_through_the_object_store(
        cluster: LocalCluster, store_target: str) -> None:
    rt = RayRuntime(Settings(store=store_target, ray_address=cluster.address,
                             session_idle_seconds=300.0, session_cpus=0.1))

    async def scenario() -> list[dict[str, Any]]:
        # one more session than worker nodes: two of them share a node, however Ray spreads
        made = [(await rt.create(None, SMALL))["id"] for _ in range(len(cluster.workers) + 1)]
        seen = [await rt.call(sid, where_its_data_is) for sid in made]
        for sid in made:
            await rt.delete(sid)
        return seen

    seen = asyncio.run(scenario())
    assert all(s["writable"] == [False, False] for s in seen), seen
    assert len({s["ref"] for s in seen}) == 1, "every actor should get the one object"
    assert len({s["pid"] for s in seen}) == len(seen)
    by_node: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s in seen:
        by_node[s["node"]].append(s)
    shared = [group for group in by_node.values() if len(group) > 1]
    assert shared, "two sessions should have landed on one node"
    for group in shared:  # the same bytes of the same shared-memory file: one copy a node
        assert len({(s["file"], s["at"]) for s in group}) == 1, group
    files = {s["file"] for s in seen}
    assert len(files) == len(by_node), "each node should hold its own copy"
    holder = ray.get_actor(ray_datasets.HOLDER, namespace=NAMESPACE)
    split = SMALL.split
    assert ("mnist", 300, (split.train, split.val, split.test), 28) in ray.get(
        holder.held.remote())


def checksum(session: Session) -> dict[str, Any]:
    """A training step on the session's data, then its images' sum, the ref the holder now
    gives for its split and whether the images can be written (run in its actor)."""
    session.step_events("batches")
    assert session.data is not None
    images = session.data.train.images
    split = session.settings.split
    key = ("mnist", session.settings.dataset_size, (split.train, split.val, split.test), 28)
    return {"sum": float(images.sum(dtype="float64")), "writeable": can_be_written(images),
            "ref": ray_datasets.split_ref(key).hex()}


def test_a_dead_holder_is_replaced_and_its_sessions_keep_their_data(
        cluster: LocalCluster, store_target: str) -> None:
    """The holder dies (as with its node): Ray restarts it, empty; a new session's split is
    built and put again, and a session that had the old object goes on training on it."""
    rt = RayRuntime(Settings(store=store_target, ray_address=cluster.address,
                             session_idle_seconds=300.0, session_cpus=0.1))
    small = TrainSettings(dataset_size=500, batch_size=50)  # a split no other test asked for

    async def scenario() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        first = (await rt.create(None, small))["id"]
        before = await rt.call(first, checksum)
        ray.kill(ray.get_actor(ray_datasets.HOLDER, namespace=NAMESPACE), no_restart=False)
        second = (await rt.create(None, small))["id"]
        fresh = await rt.call(second, checksum)
        after = await rt.call(first, checksum)
        for sid in (first, second):
            await rt.delete(sid)
        return before, fresh, after

    before, fresh, after = asyncio.run(scenario())
    assert not before["writeable"] and not fresh["writeable"] and not after["writeable"]
    assert fresh["ref"] != before["ref"], "the restarted holder should have put it again"
    assert fresh["sum"] == before["sum"] == after["sum"]
