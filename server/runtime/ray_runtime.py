"""Sessions on a Ray cluster: each live session a named actor (``server.runtime.ray_actor``).

A front end holds no session state: it finds a session's actor by name, or starts one when
the store holds the session (``get_if_exists``: two front ends asking at once get the same
one), wherever a node has room for its ``num_cpus``. The actor is the one place a session
runs. An actor that left (idle) or died with its node is looked up again and the call
retried; Ray restarts a dead node's actors elsewhere, from the store as last saved. A call
that changes the session carries an id chosen here once, the same on each retry: the actor
records it in the save that makes the change and never runs it twice
(``server.runtime.applied_calls``).
"""

from __future__ import annotations

import asyncio
import dataclasses
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, Literal, TypeVar

import anyio.to_thread
import ray
from ray.exceptions import RayActorError, RayTaskError

from server.config import Settings
from server.errors import ApiError, not_found
from server.persist.session_store import open_store
from server.runtime.applied_calls import new_call_id
from server.runtime.ray_actor import CONCURRENCY, NAMESPACE, actor_class, actor_name
from server.runtime.ray_relay import (
    ActorGone,
    ActorMoved,
    RaySocket,
    Relay,
    connect,
    no_room,
    node_with_room,
    sweep_unhosted,
    unwrap,
    watch_deleted,
)
from server.runtime.session_host import SessionLeft
from server.runtime.session_runtime import SocketHandle
from server.runtime.train_loop import Output, TrainControl, TrainOrder
from server.sessions.ids import is_session_id, new_session_id
from server.sessions.session import Session
from server.sessions.settings import TrainSettings
from server.sessions.strict_model import SampleRef
from server.sessions.traces import check_probe

T = TypeVar("T")
RETRY_SECONDS = 120.0  # how long a call keeps looking for its session's actor (node death)
START_SECONDS = 120.0  # a new actor not running by then, and no node with room: 503
HANDLES_KEPT = 4096  # actor handles a front end keeps at hand (a lookup brings back others)


class RayRuntime:
    """The session runtime of a front end whose sessions live in Ray actors."""

    def __init__(self, settings: Settings) -> None:
        if settings.ray_address is None or settings.store is None:
            raise ValueError("RayRuntime needs settings.ray_address and a settings.store URL")
        connect(settings.ray_address)
        self.settings = settings
        self.store_target = settings.store
        self.store = open_store(settings.store)  # existence, counts and expiry only
        self.idle_seconds, self.session_cpus = settings.session_idle_seconds, settings.session_cpus
        self.start_seconds = START_SECONDS
        self.actor_limits = dataclasses.replace(settings, token=None)  # limits, no secret
        self._actor_cls = actor_class()
        self._handles: OrderedDict[str, Any] = OrderedDict()  # actor handles, recent ones
        self._handles_lock = threading.Lock()

    # -- finding a session's actor -----------------------------------------------------
    def _start(self, session_id: str) -> Any:
        """The session's actor, started here if none runs (blocking)."""
        return self._actor_cls.options(
            name=actor_name(session_id), namespace=NAMESPACE, lifetime="detached",
            get_if_exists=True, max_restarts=-1, max_concurrency=CONCURRENCY,
            num_cpus=self.session_cpus, scheduling_strategy="SPREAD",
        ).remote(session_id, self.store_target, self.actor_limits, self.idle_seconds)

    def handle(self, session_id: str, new: bool = False) -> Any:
        """The actor of ``session_id`` (blocking): a running one, else one started when
        the store holds the session (or ``new``); 404 otherwise."""
        return self._handle(session_id, new)[0]

    def _handle(self, session_id: str, new: bool) -> tuple[Any, bool]:
        """(the actor, whether this call started it)."""
        if not is_session_id(session_id):
            raise not_found("session", "id")
        with self._handles_lock:
            cached = self._handles.get(session_id)
            if cached is not None:
                self._handles.move_to_end(session_id)
                return cached, False
        started = False
        try:
            actor = ray.get_actor(actor_name(session_id), namespace=NAMESPACE)
        except ValueError:  # none runs
            if not new and not self.store.exists(session_id):
                raise not_found("session", "id") from None
            actor, started = self._start(session_id), True
        with self._handles_lock:
            self._handles[session_id] = actor
            while len(self._handles) > HANDLES_KEPT:
                self._handles.popitem(last=False)
        return actor, started

    async def _placed(self, session_id: str, actor: Any) -> None:
        """Wait for a just-started actor to run. Each ``start_seconds`` it has not, look for a
        node with room for it: none, and it is given up (503); one, and it is slow: wait on."""
        ready = asyncio.wrap_future(actor.ready.remote().future())
        while not (await asyncio.wait({ready}, timeout=self.start_seconds))[0]:
            if not await anyio.to_thread.run_sync(node_with_room, self.session_cpus):
                ready.cancel()
                self.forget(session_id)
                await anyio.to_thread.run_sync(ray.kill, actor)
                raise no_room()
        ready.result()

    def forget(self, session_id: str) -> None:
        with self._handles_lock:
            self._handles.pop(session_id, None)

    async def on_actor(self, session_id: str, method: Callable[[Any], Awaitable[T]],
                       new: bool = False, retry: bool = True) -> T:
        """``await method(actor)``; when the actor has left or died, look it up again and
        retry (until RETRY_SECONDS). A refusal (ApiError) raised in the actor is re-raised
        here as itself."""
        deadline = time.monotonic() + RETRY_SECONDS
        pause = 0.1
        while True:
            actor, started = await anyio.to_thread.run_sync(self._handle, session_id, new)
            try:
                if started:
                    await self._placed(session_id, actor)
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
        waiting forward, like a training step); a ``save``d one at most once, retries
        included (its call id)."""
        call_id = new_call_id() if save else None
        return await self.on_actor(
            session_id, lambda a: a.call.remote(job, save=save, step=heavy, call_id=call_id))

    async def create(self, spec: dict[str, Any] | None,
                     settings: TrainSettings | None) -> dict[str, Any]:
        session_id, call_id = new_session_id(), new_call_id()
        return await self.on_actor(
            session_id, lambda a: a.create.remote(spec, settings, call_id), new=True)

    async def import_file(self, data: bytes) -> dict[str, Any]:
        session_id, call_id = new_session_id(), new_call_id()
        return await self.on_actor(
            session_id, lambda a: a.import_file.remote(data, call_id), new=True)

    async def delete(self, session_id: str) -> None:
        """Delete the session; a retry that finds it gone after a try that broke off (the
        actor died once the delete was made) is that delete done."""
        broke = []

        async def once(actor: Any) -> None:
            try:
                await actor.delete.remote()
            except RayActorError:
                broke.append(True)
                raise

        try:
            await self.on_actor(session_id, once)
        except ApiError as exc:
            if not (broke and exc.status == 404):
                raise

    async def node_of(self, session_id: str) -> str:
        """The Ray node id its actor runs on (starting it if needed)."""
        return await self.on_actor(session_id, lambda a: a.ready.remote())

    async def expire(self) -> list[str]:
        """Delete sessions idle for longer than the ttl that no actor hosts now."""
        cutoff = time.time() - self.settings.session_ttl_seconds
        return await anyio.to_thread.run_sync(sweep_unhosted, self.store, cutoff)

    async def stream(self, session_id: str, start: Callable[[Session], Iterator[T]], *,
                     heavy: bool = False) -> AsyncIterator[T]:
        """The items of ``start(session)``'s iterator, computed in the session's actor."""
        actor = await anyio.to_thread.run_sync(self.handle, session_id, False)
        try:
            async for ref in actor.items.remote(start, heavy):
                yield await ref
        except RayTaskError as exc:
            raise unwrap(exc) from None
        except RayActorError:
            self.forget(session_id)
            raise ApiError(503, "session: the server moved this session while it worked; "
                           "ask again", "session") from None

    # -- sockets --------------------------------------------------------------------------
    async def attach(self, session_id: str, on_deleted: Callable[[], None]) -> RaySocket:
        """A socket on the session: a watcher task tells ``on_deleted`` when it is deleted
        (through any front end). Waits for a train of a page that has gone to stop."""
        await self.on_actor(session_id, lambda a: a.settle.remote(60.0))
        socket = RaySocket(session_id, secrets.token_hex(8))
        socket.watcher = asyncio.create_task(watch_deleted(socket, self.store, on_deleted))
        return socket

    async def detach(self, socket: SocketHandle) -> None:
        assert isinstance(socket, RaySocket)
        if socket.watcher is not None:
            socket.watcher.cancel()

    async def stop(self, socket: SocketHandle) -> None:
        await self.on_actor(socket.session_id, lambda a: a.stop.remote())

    async def set_probe(self, socket: SocketHandle, control: TrainControl, per_second: float,
                        sample: SampleRef | None, layers: list[str] | None,
                        kinds: list[str] | None,
                        dtype: Literal["float32", "uint8"] | None) -> None:
        assert isinstance(socket, RaySocket)
        await self.call(socket.session_id, lambda s: check_probe(s, sample, layers))
        control.set_probe(per_second, sample, layers, kinds, dtype)  # for its next trains
        await self.on_actor(socket.session_id, lambda a: a.set_probe.remote(
            socket.token, per_second, sample, layers, kinds, dtype))

    async def leave(self, socket: SocketHandle, control: TrainControl) -> None:
        assert isinstance(socket, RaySocket)
        control.leave()
        if socket.training:
            await self.on_actor(socket.session_id, lambda a: a.page_gone.remote(socket.token),
                                retry=False)

    # -- training -------------------------------------------------------------------------
    async def train(self, socket: SocketHandle, order: TrainOrder,
                    control: TrainControl) -> AsyncIterator[Output]:
        """The train's outputs, relayed from the actor's stream. When the actor dies (its
        node did), wait for Ray to restart it from the store, tell the page with a
        ``notice`` how much training is redone, and train what is left of the command."""
        assert isinstance(socket, RaySocket)
        relay = Relay(order)
        socket.training = True
        try:
            while True:
                try:
                    async for output in self._train_once(socket, relay.left(), control, relay):
                        yield output
                    return
                except ActorMoved:
                    failed = time.monotonic()
                if control.gone:
                    return
                # the restarted actor's session, as the store had it: the page goes back to it
                state = await self.call(socket.session_id, lambda s: s.state())
                yield ("json", relay.moved({"epoch": state["epoch"], "step": state["step"]},
                                           failed))
                yield ("json", {"seq": None, "type": "state",
                                "state": {**state, "training": True}})
        finally:
            socket.training = False

    async def _train_once(self, socket: RaySocket, order: TrainOrder, control: TrainControl,
                          relay: Relay) -> AsyncIterator[Output]:
        actor = await anyio.to_thread.run_sync(self.handle, socket.session_id, False)
        if order.count == 0:  # all of it was done before the move: end it as done
            state = await self.call(socket.session_id, lambda s: s.state(), save=True)
            yield ("json", {"seq": order.seq, "type": "done", "cmd": "train",
                            "reason": "completed", "state": state})
            return
        try:
            async for output in relay.stream(actor, socket.token, order, control):
                yield output
        except ActorMoved:
            self.forget(socket.session_id)
            raise

    def close(self) -> None:
        self.store.close()
