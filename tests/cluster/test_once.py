"""A call that changes a session runs once, even when its actor dies after the call's save
reached the store and before its reply reached the front end (which then retries it on the
actor Ray restarts): the id the front end gave the call was saved with the change. A delete
whose actor died once it was made is done, not a 404."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from server.config import Settings
from server.persist.session_store import open_store
from server.runtime.ray_runtime import RayRuntime
from server.sessions.session import Session
from server.sessions.settings import TrainSettings
from tests.cluster.local_ray import LocalCluster

pytestmark = pytest.mark.cluster
SMALL = TrainSettings(dataset_size=300, batch_size=50)


def add_sample_save_and_die_once(marker: str) -> Any:
    """A test-only job: adds one own sample; the first time it runs (no ``marker`` file),
    its actor's process exits right after the save that follows the job has committed,
    before the reply leaves (the store's ``save`` is wrapped, in that process only)."""

    def job(session: Session) -> dict[str, Any]:
        reply = session.add_own_sample(np.full((28, 28), 0.5, np.float32), "cat")
        if not os.path.exists(marker):
            Path(marker).write_text(str(os.getpid()))
            store = session.stored_blob.func.__self__  # type: ignore[attr-defined]
            save = store.save

            def save_then_die(*args: Any, **kwargs: Any) -> None:
                save(*args, **kwargs)
                os._exit(1)  # a machine dying: no reply, no cleanup

            store.save = save_then_die
        return reply

    return job


def test_a_change_whose_reply_was_lost_is_applied_once(
        cluster: LocalCluster, store_target: str, tmp_path: Path) -> None:
    rt = RayRuntime(Settings(store=store_target, ray_address=cluster.address,
                             session_idle_seconds=300.0, session_cpus=0.1))
    marker = tmp_path / "died"

    async def scenario() -> None:
        sid = (await rt.create(None, SMALL))["id"]
        first_pid = await rt.call(sid, lambda s: os.getpid())
        reply = await rt.call(sid, add_sample_save_and_die_once(str(marker)), save=True)
        assert marker.read_text() == str(first_pid)  # that actor's process did die
        assert await rt.call(sid, lambda s: os.getpid()) != first_pid  # Ray restarted it
        assert reply["label"] == "cat" and reply["samples"] == {"count": 1,
                                                                 "classes": {"cat": 1}}
        own = await rt.call(sid, lambda s: [item.label for item in s.own.items])
        assert own == ["cat"]  # once, not twice
        stored = open_store(store_target)
        try:
            loaded = stored.load(sid)
            assert loaded is not None
            assert len([n for n in loaded.blobs if n.startswith("sample/")]) == 1
            recorded = stored.applied_calls(sid)[-1].reply  # with the change, its reply
            assert recorded is not None and json.loads(recorded)["reply"] == reply
        finally:
            stored.close()
        await rt.delete(sid)

    try:
        asyncio.run(scenario())
    finally:
        rt.close()


def die_after_deleting(session: Session) -> None:
    """A test-only job: from now on, this actor's process exits right after its store has
    deleted the session (before the delete's reply leaves)."""
    store = session.stored_blob.func.__self__  # type: ignore[attr-defined]
    delete = store.delete

    def delete_then_die(session_id: str) -> bool:
        delete(session_id)
        os._exit(1)

    store.delete = delete_then_die


def test_a_delete_whose_reply_was_lost_is_done(cluster: LocalCluster,
                                               store_target: str) -> None:
    rt = RayRuntime(Settings(store=store_target, ray_address=cluster.address,
                             session_idle_seconds=300.0, session_cpus=0.1))

    async def scenario() -> None:
        sid = (await rt.create(None, SMALL))["id"]
        await rt.call(sid, die_after_deleting)
        await rt.delete(sid)  # retried on the restarted actor, which finds nothing: done
        assert not rt.store.exists(sid)
        with pytest.raises(Exception) as gone:
            await rt.call(sid, lambda s: s.state())
        assert getattr(gone.value, "status", None) == 404

    try:
        asyncio.run(scenario())
    finally:
        rt.close()
