"""The pieces of :class:`server.runtime.ray_runtime.RayRuntime` around its actors: joining
the cluster, the refusals it adds, a socket's handle and its delete watcher, and the record of
a relayed train that lets it go on after its actor moved (:class:`Relay`)."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, cast

import anyio.to_thread
import ray
from ray.exceptions import RayActorError, RayTaskError

from server.config import PROJECT_ROOT
from server.errors import ApiError
from server.runtime.ray_actor import NAMESPACE, actor_name
from server.runtime.session_host import SessionLeft
from server.runtime.train_loop import Output, TrainOrder

WATCH_SECONDS = 5.0  # a socket looks this often for the actor of a session that has none
KEEP_SECONDS = 5.0  # a relaying front end tells the actor it is alive this often


def connect(address: str) -> None:
    """Join the Ray cluster at ``address`` ("auto": the one on this machine) as a driver.
    Run from a source checkout, the workers import its code first (PYTHONPATH), as the front
    end does; an installed nnplay is imported as installed on every node."""
    if ray.is_initialized():
        return
    checkout = (PROJECT_ROOT / "pyproject.toml").exists()  # not an installed package
    env = {"env_vars": {"PYTHONPATH": str(PROJECT_ROOT)}} if checkout else None
    try:
        ray.init(address=address, namespace=NAMESPACE, logging_level=logging.WARNING,
                 log_to_driver=False, runtime_env=env)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise ConnectionError(f"--ray {address}: cannot join the Ray cluster ({exc})") from exc


class ActorGone(ApiError):
    """The actor is gone (left, or its node died) and could not be had again in time."""

    def __init__(self, session_id: str) -> None:
        super().__init__(503, "session: the machine running this session does not answer and "
                         "no other has taken it over yet; try again in a minute", "session")


def node_with_room(cpus: float) -> bool:
    """Whether some node has ``cpus`` CPUs free now (Ray's own per-node view)."""
    from ray._private.state import available_resources_per_node

    try:
        free = available_resources_per_node()
    except Exception:  # cannot tell: as good as none
        return False
    return any(node.get("CPU", 0.0) >= cpus for node in free.values())


def no_room() -> ApiError:
    return ApiError(503, "session: the cluster has no room for this session now (the CPUs "
                    "of every node are asked for by other sessions: see --session-cpus); "
                    "try again in a minute", "session")


async def watch_deleted(socket: RaySocket, store: Any, on_deleted: Callable[[], None]) -> None:
    """Wait in the actor for a delete; while no actor hosts the session (it left), look
    every few seconds whether one does again, or whether the store lost the session."""
    session_id = socket.session_id
    name = actor_name(session_id)
    while True:
        try:
            actor = await anyio.to_thread.run_sync(
                lambda: ray.get_actor(name, namespace=NAMESPACE))
        except ValueError:
            if not await anyio.to_thread.run_sync(store.exists, session_id):
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


def sweep_unhosted(store: Any, cutoff: float) -> list[str]:
    """Delete the sessions untouched since ``cutoff`` that no actor hosts now (blocking);
    their ids."""
    gone = []
    for session_id in store.idle_since(cutoff):
        try:
            ray.get_actor(actor_name(session_id), namespace=NAMESPACE)
            continue  # hosted, so in use lately; its actor keeps it up to date
        except ValueError:
            pass
        if store.delete(session_id):
            gone.append(session_id)
    return gone


async def keep_alive(actor: Any, token: str) -> None:
    """Tell the actor, while the train is relayed, that its front end is alive."""
    while True:
        await asyncio.sleep(KEEP_SECONDS)
        try:
            await actor.keep.remote(token)
        except (RayActorError, RayTaskError):
            return


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

    async def stream(self, actor: Any, token: str, order: TrainOrder, control: Any
                     ) -> AsyncIterator[Output]:
        """The outputs of ``actor``'s train of ``order`` (its lease kept while relayed);
        ActorMoved when the actor died or left."""
        outputs = actor.train.remote(order, control.probe_rate, control.probe, token)
        keeper = asyncio.create_task(keep_alive(actor, token))
        try:
            async for ref in outputs:
                kind, payload = await ref
                if kind == "start":
                    self.started(payload)
                    continue
                self.seen(kind, payload)
                yield cast(Output, (kind, payload))
        except RayTaskError as exc:
            if isinstance(exc.cause, SessionLeft):
                raise ActorMoved() from None
            raise unwrap(exc) from None
        except RayActorError:
            raise ActorMoved() from None
        finally:
            keeper.cancel()

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
