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
import dataclasses
import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, Literal, TypeVar

import anyio.to_thread
import ray
from ray.exceptions import RayActorError, RayTaskError

from server.config import PROJECT_ROOT, Settings
from server.errors import ApiError, not_found
from server.persist.session_store import open_store
from server.runtime.ray_actor import CONCURRENCY, NAMESPACE, actor_class, actor_name
from server.runtime.session_host import SessionLeft
from server.runtime.session_runtime import SocketHandle
from server.runtime.train_loop import Output, TrainControl, TrainOrder
from server.sessions.ids import is_session_id, new_session_id
from server.sessions.session import Session
from server.sessions.settings import TrainSettings
from server.sessions.strict_model import SampleRef
from server.sessions.traces import check_probe

T = TypeVar("T")
log = logging.getLogger(__name__)
RETRY_SECONDS = 60.0  # how long a call keeps looking for its session's actor (node death)
WATCH_SECONDS = 5.0  # a socket looks this often for the actor of a session that has none
KEEP_SECONDS = 5.0  # a relaying front end tells the actor it is alive this often


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

    def __init__(self, settings: Settings) -> None:
        if settings.ray_address is None or settings.store is None:
            raise ValueError("RayRuntime needs settings.ray_address and a settings.store URL")
        connect(settings.ray_address)
        self.settings = settings
        self.store_target = settings.store
        self.store = open_store(settings.store)  # existence, counts and expiry only
        self.idle_seconds = settings.session_idle_seconds
        self.session_cpus = settings.session_cpus
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
        socket.watcher = asyncio.create_task(self._watch(socket, on_deleted))
        return socket

    async def _watch(self, socket: RaySocket, on_deleted: Callable[[], None]) -> None:
        """Wait in the actor for a delete; while no actor hosts the session (it left), look
        every few seconds whether one does again, or whether the store lost the session."""
        session_id = socket.session_id
        name = actor_name(session_id)
        while True:
            try:
                actor = await anyio.to_thread.run_sync(
                    lambda: ray.get_actor(name, namespace=NAMESPACE))
            except ValueError:
                if not await anyio.to_thread.run_sync(self.store.exists, session_id):
                    on_deleted()
                    return
                await asyncio.sleep(WATCH_SECONDS)
                continue
            try:
                gone = await actor.wait_gone.remote(WATCH_SECONDS * 6)
            except (RayActorError, RayTaskError):
                await asyncio.sleep(0.5)
                continue
            if gone == "deleted":
                on_deleted()
                return
            if gone == "left":
                await asyncio.sleep(WATCH_SECONDS)

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
        outputs = actor.train.remote(order, control.probe_rate, control.probe, socket.token)
        keeper = asyncio.create_task(self._keep(actor, socket.token))
        try:
            async for ref in outputs:
                kind, payload = await ref
                if kind == "start":
                    relay.started(payload)
                    continue
                relay.seen(kind, payload)
                yield (kind, payload)
        except RayTaskError as exc:
            if isinstance(exc.cause, SessionLeft):
                raise ActorMoved() from None
            raise unwrap(exc) from None
        except RayActorError:
            self.forget(socket.session_id)
            raise ActorMoved() from None
        finally:
            keeper.cancel()

    @staticmethod
    async def _keep(actor: Any, token: str) -> None:
        """Tell the actor, while the train is relayed, that its front end is alive."""
        while True:
            await asyncio.sleep(KEEP_SECONDS)
            try:
                await actor.keep.remote(token)
            except (RayActorError, RayTaskError):
                return

    def close(self) -> None:
        self.store.close()


class ActorMoved(Exception):
    """The actor running a train died (its node did) or left."""


class RaySocket:
    """A socket's handle: the session id, a token naming its page to the actor, and the
    task watching for the session's deletion."""

    def __init__(self, session_id: str, token: str) -> None:
        self.session_id = session_id
        self.token = token
        self.watcher: asyncio.Task[None] | None = None
        self.training = False


class Relay:
    """What a relayed train has done, to go on after its actor moved: where it started,
    when each step's progress was relayed."""

    def __init__(self, order: TrainOrder) -> None:
        self.order = order
        self.start: dict[str, int] | None = None
        self.began = time.monotonic()
        self.step_times: dict[int, float] = {}

    def started(self, at: dict[str, int]) -> None:
        if self.start is None:  # the first start only: later ones go on from a move
            self.start = at
            self.began = time.monotonic()

    def seen(self, kind: str, payload: Any) -> None:
        if kind == "json" and payload.get("type") == "progress" and "step" in payload:
            self.step_times[int(payload["step"])] = time.monotonic()
            if len(self.step_times) > 4096:  # keep the recent ones
                for step in sorted(self.step_times)[:2048]:
                    del self.step_times[step]

    def left(self) -> TrainOrder:
        """The order for what is left of the command (all of it before any move)."""
        return self.order

    def moved(self, at: dict[str, int], failed: float) -> dict[str, Any]:
        """The actor that broke off at ``failed`` (monotonic seconds) came back at ``at``
        (where the store had it): shrink the order to what is left; the ``notice`` for the
        page. Redone: the training relayed between the step it came back at and the last
        step relayed, in seconds."""
        start = self.start or at
        done = (at["epoch"] - start["epoch"] if self.order.unit == "epochs"
                else at["step"] - start["step"])
        last = max(self.step_times.values(), default=failed)
        since = self.began if at["step"] <= start["step"] else \
            self.step_times.get(at["step"], self.began)
        redone = max(0.0, last - since)
        self.order = dataclasses.replace(self.order, count=max(0, self.order.count - done))
        self.start = None  # the next stream's start is where the command goes on from
        self.began = time.monotonic()
        self.step_times.clear()
        seconds = max(0, round(redone))
        return {"seq": self.order.seq, "type": "notice", "kind": "moved",
                "redone_seconds": seconds,
                "message": f"the server moved your session; {seconds} s of training was "
                           "redone"}


def unwrap(exc: BaseException) -> BaseException:
    """The ApiError inside a Ray task error, else the error itself."""
    if isinstance(exc, RayTaskError) and isinstance(exc.cause, ApiError):
        return exc.cause
    return exc
