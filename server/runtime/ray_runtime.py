"""Sessions on a Ray cluster: each live session a named actor (``server.runtime.ray_actor``).

A front end holds no session state: it finds a session's actor by name (the session id), or
starts one (``get_if_exists``: of two front ends asking at once, one starts it and both get
it) when the store holds the session. Ray places the actor on a node with room for its
``num_cpus`` request, so a node's cores are shared among the sessions on it. Any front end can
serve any request; the actor is the one place a session runs, so two front ends never run it
twice.

An actor that has left (idle) or died with its node is looked up again and the call retried:
Ray restarts a dead node's actors elsewhere, loading the session from the store as it was last
saved (at most ``SAVE_EVERY_SECONDS`` of training lost).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import anyio.to_thread
import ray
from ray.exceptions import RayActorError, RayTaskError

from server.config import PROJECT_ROOT, Settings
from server.errors import ApiError, not_found
from server.persist.session_store import open_store
from server.runtime.ray_actor import CONCURRENCY, NAMESPACE, actor_class, actor_name
from server.runtime.session_host import SessionLeft
from server.sessions.ids import is_session_id, new_session_id
from server.sessions.session import Session
from server.sessions.settings import TrainSettings

T = TypeVar("T")
log = logging.getLogger(__name__)
RETRY_SECONDS = 60.0  # how long a call keeps looking for its session's actor (node death)


def connect(address: str) -> None:
    """Join the Ray cluster at ``address`` ("auto": the one on this machine) as a driver.
    Workers import this checkout's code first (PYTHONPATH), as the front end does."""
    if ray.is_initialized():
        return
    try:
        ray.init(address=address, namespace=NAMESPACE, logging_level=logging.WARNING,
                 log_to_driver=False,
                 runtime_env={"env_vars": {"PYTHONPATH": str(PROJECT_ROOT)}})
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise ConnectionError(f"--ray {address}: cannot join the Ray cluster ({exc})") from exc


class ActorGone(Exception):
    """The actor is gone (left, or its node died) and could not be had again in time."""


class RayRuntime:
    """The session runtime of a front end whose sessions live in Ray actors."""

    def __init__(self, settings: Settings, address: str, store_target: str,
                 idle_seconds: float = 300.0, session_cpus: float = 0.25) -> None:
        connect(address)
        self.settings = settings
        self.store_target = store_target
        self.store = open_store(store_target)  # existence, counts and expiry only
        self.idle_seconds = idle_seconds
        self.session_cpus = session_cpus
        self._actor_cls = actor_class()
        self._handles: dict[str, Any] = {}  # a cache of handles, not of sessions

    # -- finding a session's actor -----------------------------------------------------
    def _start(self, session_id: str) -> Any:
        """The session's actor, started here if none runs (blocking)."""
        return self._actor_cls.options(
            name=actor_name(session_id), namespace=NAMESPACE, lifetime="detached",
            get_if_exists=True, max_restarts=-1, max_concurrency=CONCURRENCY,
            num_cpus=self.session_cpus,
        ).remote(session_id, self.store_target, self.settings, self.idle_seconds)

    def handle(self, session_id: str, new: bool = False) -> Any:
        """The actor of ``session_id`` (blocking): a running one, else one started when
        the store holds the session (or ``new``); 404 otherwise."""
        if not is_session_id(session_id):
            raise not_found("session", "id")
        cached = self._handles.get(session_id)
        if cached is not None:
            return cached
        try:
            actor = ray.get_actor(actor_name(session_id), namespace=NAMESPACE)
        except ValueError:  # none runs
            if not new and not self.store.exists(session_id):
                raise not_found("session", "id") from None
            actor = self._start(session_id)
        self._handles[session_id] = actor
        return actor

    def forget(self, session_id: str) -> None:
        self._handles.pop(session_id, None)

    async def on_actor(self, session_id: str, method: Callable[[Any], Awaitable[T]],
                       new: bool = False, retry: bool = True) -> T:
        """``await method(actor)``; when the actor has left or died, look it up again and
        retry (until RETRY_SECONDS). A refusal (ApiError) raised in the actor is re-raised
        here as itself."""
        deadline = time.monotonic() + RETRY_SECONDS
        pause = 0.1
        while True:
            actor = await anyio.to_thread.run_sync(self.handle, session_id, new)
            try:
                return await method(actor)
            except RayTaskError as exc:
                cause = exc.cause
                if not isinstance(cause, SessionLeft):
                    raise cause from None
            except RayActorError:
                pass
            self.forget(session_id)
            if not retry or time.monotonic() > deadline:
                raise ActorGone(session_id)
            await asyncio.sleep(pause)
            pause = min(1.0, pause * 2)

    # -- the calls ------------------------------------------------------------------------
    async def call(self, session_id: str, job: Callable[[Session], T], *, save: bool = False,
                   heavy: bool = False) -> T:
        """``job(session)`` in the session's actor under its lock (``heavy``: after any
        waiting forward, like a training step)."""
        return await self.on_actor(
            session_id, lambda a: a.call.remote(job, save=save, step=heavy))

    async def create(self, spec: dict[str, Any] | None,
                     settings: TrainSettings | None) -> dict[str, Any]:
        session_id = new_session_id()
        return await self.on_actor(session_id, lambda a: a.create.remote(spec, settings),
                                   new=True)

    async def import_file(self, data: bytes) -> dict[str, Any]:
        session_id = new_session_id()
        return await self.on_actor(session_id, lambda a: a.import_file.remote(data), new=True)

    async def delete(self, session_id: str) -> None:
        await self.on_actor(session_id, lambda a: a.delete.remote())
        self.forget(session_id)

    async def node_of(self, session_id: str) -> str:
        """The Ray node id the session's actor runs on (starting it if needed)."""
        return await self.on_actor(session_id, lambda a: a.ready.remote())

    async def expire(self) -> list[str]:
        """Delete sessions idle for longer than the ttl that no actor hosts now."""
        cutoff = time.time() - self.settings.session_ttl_seconds

        def sweep() -> list[str]:
            gone = []
            for session_id in self.store.idle_since(cutoff):
                try:
                    ray.get_actor(actor_name(session_id), namespace=NAMESPACE)
                    continue  # hosted, so in use lately; its actor keeps it up to date
                except ValueError:
                    pass
                if self.store.delete(session_id):
                    gone.append(session_id)
            return gone

        return await anyio.to_thread.run_sync(sweep)

    def close(self) -> None:
        self.store.close()


def unwrap(exc: BaseException) -> BaseException:
    """The ApiError inside a Ray task error, else the error itself."""
    if isinstance(exc, RayTaskError) and isinstance(exc.cause, ApiError):
        return exc.cause
    return exc
