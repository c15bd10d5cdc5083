"""The Ray actor that hosts one live session (a :class:`SessionHost` inside a Ray worker).

Each live session is one named, detached actor in the ``nnplay`` namespace, named after the
session id, so every front end finds the same one (``get_if_exists``) and none of them holds
session state. The actor is threaded (``max_concurrency``): a stop, a probe change or a
forward reaches it while its training stream runs. Ray restarts it (``max_restarts=-1``) when
its node dies; it then loads the session again from the store, as it was last saved.

It leaves by itself after ``idle_seconds`` unused: a timer thread notices, asks the actor
(through its own handle) to ``leave``, which saves a last time and exits the actor on purpose
(``ray.actor.exit_actor``, so Ray does not restart it). The next use anywhere starts a new one.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, Literal

import ray
from threadpoolctl import threadpool_limits

from server.config import Settings
from server.persist.session_store import is_postgres_url, open_store
from server.runtime import ray_datasets
from server.runtime.node_slots import NodeSlots, node_directory
from server.runtime.session_host import SessionHost
from server.runtime.train_loop import TrainControl, TrainOrder
from server.sessions.session import Session
from server.sessions.settings import TrainSettings
from server.sessions.strict_model import SampleRef
from server.sessions.traces import TraceRequest

NAMESPACE = "nnplay"
CONCURRENCY = 16  # calls one actor runs at once (threads): a train, stops, forwards, watches
log = logging.getLogger(__name__)


STORE_CONNECTIONS = 2  # PostgreSQL connections one actor holds at most (a train's save and
#                       a forward's touch at once)


def actor_store(target: str) -> Any:
    """The store an actor saves its session to: a small pool for PostgreSQL, since every
    live session holds its own."""
    if is_postgres_url(target):
        from server.persist.postgres_store import PostgresStore

        return PostgresStore(target, pool_size=STORE_CONNECTIONS)
    return open_store(target)


def node_slots(count: int) -> NodeSlots:
    """This node's training slots (``--training-threads`` of them), shared by the session
    actors of the node: training steps and heavy jobs take one, forwards never do."""
    return NodeSlots(node_directory(ray.get_runtime_context().get_node_id()), count)


def actor_name(session_id: str) -> str:
    """The actor's name: a digest of the id, so that listing the cluster's actors does not
    list the ids (an id is what gives access to its session)."""
    return "session-" + hashlib.sha256(session_id.encode()).hexdigest()[:40]


class SessionActor:
    """Wrapped by ``ray.remote`` in :func:`actor_class`; every method is one remote call."""

    def __init__(self, session_id: str, store_target: str, limits: Settings,
                 idle_seconds: float) -> None:
        threadpool_limits(limits=1, user_api="blas")  # many sessions share a node's cores
        ray_datasets.install()  # built-in datasets from the object store, one copy a node
        self.host = SessionHost(session_id, actor_store(store_target), limits, idle_seconds,
                                slot=node_slots(limits.training_threads).slot)
        self._me = ray.get_runtime_context().current_actor
        self._asked = threading.Event()  # a leave call is on its way
        threading.Thread(target=self._watch_idle, name="idle", daemon=True).start()

    def _watch_idle(self) -> None:
        period = max(0.2, min(1.0, self.host.idle_limit / 4))
        while True:
            time.sleep(period)
            if self.host.should_leave():
                self._ask_to_leave()

    def _ask_to_leave(self) -> None:
        """Call ``leave`` on this actor (a method: ``exit_actor`` must run in one)."""
        if not self._asked.is_set():
            self._asked.set()
            self._me.leave.remote()

    # -- calls ----------------------------------------------------------------------------
    def ready(self) -> str:
        """The node this actor runs on (also: the actor has started)."""
        return ray.get_runtime_context().get_node_id()

    def create(self, spec: dict[str, Any] | None, settings: TrainSettings | None,
               call_id: str | None = None) -> dict[str, Any]:
        return self.host.create(spec, settings, call_id)

    def import_file(self, data: bytes, call_id: str | None = None) -> dict[str, Any]:
        return self.host.import_file(data, call_id)

    def call(self, job: Callable[[Session], Any], save: bool = False, step: bool = False,
             call_id: str | None = None) -> Any:
        """``job`` under the session's lock; a saved one with ``call_id`` at most once."""
        return self.host.run(job, save=save, step=step, call_id=call_id)

    def stop(self) -> None:
        self.host.stop()

    def wait_gone(self, timeout: float) -> str | None:
        return self.host.wait_gone(timeout)

    def delete(self) -> None:
        self.host.delete()
        self._ask_to_leave()

    @ray.method(num_returns="streaming")
    def items(self, start: Callable[[Session], Iterator[Any]], step: bool) -> Iterator[Any]:
        """The items of ``start(session)``'s iterator, one Ray object each."""
        yield from self.host.items(start, step)

    @ray.method(num_returns="streaming")
    def train(self, order: TrainOrder, probe_rate: float | None, probe: TraceRequest,
              token: str) -> Iterator[Any]:
        """One ``train`` command's outputs (``SessionHost.train``), one Ray object each;
        the page's probe as its front end last had it."""
        control = TrainControl()
        control.probe_rate, control.probe = probe_rate, probe
        yield from self.host.train(order, control, token)

    def keep(self, token: str) -> None:
        self.host.leases.keep(token)

    def set_probe(self, token: str, per_second: float, sample: SampleRef | None,
                  layers: list[str] | None, kinds: list[str] | None,
                  dtype: Literal["float32", "uint8"] | None) -> None:
        """Change the probe of ``token``'s train, if it runs (checked by the caller)."""
        control = self.host.leases.control(token)
        if control is not None:
            control.set_probe(per_second, sample, layers, kinds, dtype)

    def page_gone(self, token: str) -> None:
        """``token``'s page has gone: its train stops at the next step."""
        control = self.host.leases.control(token)
        if control is not None:
            control.leave()

    def settle(self, timeout: float) -> None:
        self.host.settle(timeout)

    def leave(self) -> None:
        """Save and exit on purpose if still idle (else keep going)."""
        if self.host.leave():
            ray.actor.exit_actor()
        self._asked.clear()  # used again meanwhile: the timer asks again when idle


def actor_class() -> Any:
    """``SessionActor`` as a Ray actor class (streaming methods marked)."""
    return ray.remote(SessionActor)
