"""The seam between the front end (server/http) and wherever sessions live.

:class:`SessionRuntime` is everything the routes and the WebSocket ask of sessions;
:class:`InProcessRuntime` implements it with this process's manager and worker threads (the
embedded default). Another runtime (sessions in Ray actors) implements the same methods.

Jobs: ``call(session_id, job)`` runs ``job(session)`` where the session lives, under its
lock, and returns its result. A job and its result must survive cloudpickle (a runtime may
ship them to another process): close over parsed bodies, numbers, arrays and dicts, never
over the manager, a store, a socket or a lock.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Generator, Iterator
from typing import Any, Literal, Protocol, TypeVar

import anyio.to_thread

from server.config import Settings
from server.runtime.live_session import LiveSession
from server.runtime.manager import SessionManager, create_session, import_session
from server.runtime.train_loop import Output, TrainControl, TrainOrder, train_command
from server.runtime.worker import in_thread, run_locked, training_limiter, with_session
from server.sessions.session import Session
from server.sessions.settings import TrainSettings
from server.sessions.strict_model import SampleRef
from server.sessions.traces import check_probe

__all__ = ["InProcessRuntime", "Output", "SessionRuntime", "SocketHandle",
           "TrainControl", "TrainOrder", "open_runtime"]

T = TypeVar("T")
_END = object()


class SocketHandle(Protocol):
    """One WebSocket attached to one session (what :meth:`SessionRuntime.attach` gives)."""

    session_id: str


class SessionRuntime(Protocol):
    """What the front end asks of sessions. Every method may raise ApiError (404 naming
    ``id`` for no such session, 409 for one that cannot be loaded, the job's own refusals)."""

    async def call(self, session_id: str, job: Callable[[Session], T], *, save: bool = False,
                   heavy: bool = False) -> T:
        """``job(session)`` under the session's lock; saved afterwards when ``save`` (a job
        that raises saves nothing). ``heavy`` work (loss surfaces, evaluations) queues with
        training for the few training threads."""
        ...

    def stream(self, session_id: str, start: Callable[[Session], Iterator[T]], *,
               heavy: bool = False) -> AsyncIterator[T]:
        """The items of ``start(session)``'s iterator, each ``next`` one job under the lock
        (the loss surface's progressive refinements). Closing the async iterator early
        closes the iterator."""
        ...

    async def create(self, spec: dict[str, Any] | None,
                     settings: TrainSettings | None) -> dict[str, Any]:
        """A new session, saved; its state."""
        ...

    async def import_file(self, data: bytes) -> dict[str, Any]:
        """A new session from an exported model file (docs/model-format.md); its state."""
        ...

    async def delete(self, session_id: str) -> None:
        """Stop it, tell its sockets (their ``on_deleted``), forget it and its storage."""
        ...

    async def expire(self) -> list[str]:
        """Delete the sessions idle longer than the ttl; their ids."""
        ...

    async def attach(self, session_id: str, on_deleted: Callable[[], None]) -> SocketHandle:
        """A socket opens on the session: it stays in memory while attached, and
        ``on_deleted()`` is called (from any thread) when it is deleted. When a page that
        has gone still owns a train, waits (up to a minute) for that train to stop and
        save, so that this page starts from where the session really is."""
        ...

    async def detach(self, socket: SocketHandle) -> None:
        """Undo :meth:`attach` (after the socket's train, if any, has ended)."""
        ...

    def train(self, socket: SocketHandle, order: TrainOrder,
              control: TrainControl) -> AsyncIterator[Output]:
        """Train as ``order`` says: the outputs of ``train_loop`` in order, then the
        ``done`` message (with the state, saved). ApiError (409 naming ``session``) when
        another page of the session is training it, or the order's own refusals."""
        ...

    async def stop(self, socket: SocketHandle) -> None:
        """The ``stop`` command: the session's train (whichever page runs it) stops at its
        next step."""
        ...

    async def set_probe(self, socket: SocketHandle, control: TrainControl, per_second: float,
                        sample: SampleRef | None, layers: list[str] | None,
                        kinds: list[str] | None,
                        dtype: Literal["float32", "uint8"] | None) -> None:
        """``set_probe_rate``: check what it names against the session (ApiError naming
        the field), then change ``control`` (its train, if any, probes so from its next
        step)."""
        ...

    async def leave(self, socket: SocketHandle, control: TrainControl) -> None:
        """The page has gone: a train of ``control``'s stops at its next step."""
        ...

    def close(self) -> None:
        """Let go of the store (the process is ending)."""
        ...


class _Attached:
    """:class:`InProcessRuntime`'s socket handle: the live session and its watcher."""

    def __init__(self, session_id: str, live: LiveSession,
                 watcher: Callable[[], None]) -> None:
        self.session_id = session_id
        self.live = live
        self.watcher = watcher


class InProcessRuntime:
    """Sessions in this process: the manager's cache over the store, jobs in worker
    threads (``heavy`` ones and training steps limited to ``training_threads``)."""

    def __init__(self, settings: Settings) -> None:
        self.manager = SessionManager(settings)

    async def call(self, session_id: str, job: Callable[[Session], T], *, save: bool = False,
                   heavy: bool = False) -> T:
        return await with_session(self.manager, session_id, job, save=save, heavy=heavy)

    async def stream(self, session_id: str, start: Callable[[Session], Iterator[T]], *,
                     heavy: bool = False) -> AsyncIterator[T]:
        # the iterator stays in this process: not through call(), whose jobs may travel
        items = await with_session(self.manager, session_id, start, heavy=heavy)

        def step(session: Session) -> Any:
            return next(items, _END)

        try:
            while (item := await with_session(self.manager, session_id, step,
                                              heavy=heavy)) is not _END:
                yield item
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    async def create(self, spec: dict[str, Any] | None,
                     settings: TrainSettings | None) -> dict[str, Any]:
        return await in_thread(lambda: _state_of(create_session(self.manager, spec, settings)))

    async def import_file(self, data: bytes) -> dict[str, Any]:
        return await in_thread(lambda: _state_of(import_session(self.manager, data)))

    async def delete(self, session_id: str) -> None:
        await in_thread(lambda: self.manager.delete(session_id))

    async def expire(self) -> list[str]:
        return await in_thread(self.manager.expire)

    async def attach(self, session_id: str, on_deleted: Callable[[], None]) -> _Attached:
        live = await in_thread(lambda: self.manager.get(session_id, hold=True))
        live.watchers.append(on_deleted)
        live.sockets += 1
        owner = live.training_owner
        if isinstance(owner, TrainControl) and owner.gone:
            # a page that went away mid-train: its run stops at the next batch boundary and
            # saves; wait for that, so this page starts from where it really is
            await anyio.to_thread.run_sync(live.idle.wait, 60.0)
        return _Attached(session_id, live, on_deleted)

    async def detach(self, socket: SocketHandle) -> None:
        assert isinstance(socket, _Attached)
        live = socket.live
        live.sockets -= 1
        self.manager.release(live)
        if socket.watcher in live.watchers:
            live.watchers.remove(socket.watcher)

    async def train(self, socket: SocketHandle, order: TrainOrder,
                    control: TrainControl) -> AsyncIterator[Output]:
        assert isinstance(socket, _Attached)
        live, manager = socket.live, self.manager

        def run(job: Callable[[Session], Any], save: bool) -> Any:
            return run_locked(manager, live, job, save)

        outputs = train_command(
            run, order, control,
            stopping=lambda: live.stop_event.is_set() or live.closed,
            claim=lambda: live.start_training(control), release=live.end_training)
        limiter = training_limiter(manager.settings.training_threads)
        try:
            while (item := await anyio.to_thread.run_sync(_next, outputs,
                                                          limiter=limiter)) is not _END:
                yield item
        finally:
            await anyio.to_thread.run_sync(outputs.close)

    async def stop(self, socket: SocketHandle) -> None:
        assert isinstance(socket, _Attached)
        if socket.live.training_owner is not None:
            socket.live.stop_event.set()

    async def set_probe(self, socket: SocketHandle, control: TrainControl, per_second: float,
                        sample: SampleRef | None, layers: list[str] | None,
                        kinds: list[str] | None,
                        dtype: Literal["float32", "uint8"] | None) -> None:
        assert isinstance(socket, _Attached)
        session = socket.live.session
        if session is None:  # unloaded to disk while idle: checked as a job, which reloads it
            await self.call(socket.session_id, lambda s: check_probe(s, sample, layers))
        else:  # names and sizes only: no lock needed, so it answers at once while it trains
            check_probe(session, sample, layers)
        control.set_probe(per_second, sample, layers, kinds, dtype)

    async def leave(self, socket: SocketHandle, control: TrainControl) -> None:
        control.leave()

    def close(self) -> None:
        self.manager.close()


def open_runtime(settings: Settings) -> SessionRuntime:
    """The runtime ``settings`` ask for: sessions in Ray actors with ``ray_address``
    (``nnplay --ray``; Ray is imported only then), else in this process."""
    if settings.ray_address is not None:
        from server.runtime.ray_runtime import RayRuntime

        return RayRuntime(settings)
    return InProcessRuntime(settings)


def _state_of(live: LiveSession) -> dict[str, Any]:
    """A new session's state (it is not shared yet: no lock needed)."""
    return live.resident_session().state()


def _next(outputs: Generator[Output, None, None]) -> Any:
    """The generator's next output, or _END (StopIteration cannot cross a thread hop)."""
    return next(outputs, _END)
