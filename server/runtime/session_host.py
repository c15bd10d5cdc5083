"""One live session hosted by itself (in a Ray actor): loaded from the store, saved to it.

A :class:`SessionHost` owns one :class:`LiveSession` (its lock, events and training owner)
and knows nothing of Ray, so what an actor does can be tested without a cluster. It

- loads the session from the store when it starts (a restarted actor starts here again, from
  what was last saved), or builds a new one (``create``, ``import_file``);
- runs jobs on it under its lock, saving when asked (``run``), each call that changes it
  at most once (a ``call_id`` recorded in the save: ``applied_calls``); a training step
  (``run(step=True)``) first lets every waiting job through, so a forward waits at most one
  batch and never loses the lock to the next step; runs trains (``train``, leased);
- holds one of its node's training slots (``slot``, ``node_slots``) for each training step
  and heavy job, never for a forward: a machine's sessions train ``--training-threads`` at once;
- tells, through ``idle_seconds``, when it has been unused long enough to leave; ``leave``
  then saves it a last time and refuses every later job (the actor exits; the next use anywhere
  starts a fresh host from the store).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Generator, Iterator
from typing import Any, TypeVar, cast

from server.config import Settings
from server.errors import ApiError, SessionUnloadable, not_found
from server.persist import model_file
from server.persist.session_store import AppliedCall
from server.runtime.applied_calls import Applied, record, replay
from server.runtime.host_leaving import Leaving
from server.runtime.live_session import LiveSession
from server.runtime.train_leases import TrainLeases
from server.runtime.train_loop import Output, TrainControl, TrainOrder, position, train_command
from server.sessions import saving
from server.sessions.model_files import from_model_file
from server.sessions.session import Session
from server.sessions.settings import TrainSettings

T = TypeVar("T")
log = logging.getLogger(__name__)
STEP_YIELD_SECONDS = 1.0  # a training step waits at most this long for waiting jobs to pass


_END = object()


class SessionLeft(Exception):
    """The host has left (idle) or is leaving: run the job on the next host instead."""


class SessionHost(Leaving):
    """One session, its lock, a priority gate for training steps, and its idle clock."""

    def __init__(self, session_id: str, store: Any, limits: Settings, idle_seconds: float,
                 clock: Callable[[], float] = time.monotonic,
                 slot: Callable[[], contextlib.AbstractContextManager[Any]] = contextlib.nullcontext
                 ) -> None:
        self.id = session_id
        self.slot = slot  # held by each training step and heavy job (the node's slots)
        self.store = store
        self.limits = limits
        self.idle_limit = idle_seconds
        self.clock = clock
        self.live: LiveSession | None = None
        self.problem: ApiError | None = None  # why the stored session cannot be loaded
        self.left = False
        self.deleted = False
        self._gate = threading.Condition()
        self._waiting = 0  # jobs (not training steps) waiting for the session's lock
        self._busy = 0  # calls running now (jobs, trains, creates)
        self._last_use = clock()
        self._served = False  # no call has ended here yet (host_leaving.should_leave)
        self.leases = TrainLeases(clock)  # the running trains, by the asking page
        self.step_yield_seconds = STEP_YIELD_SECONDS
        self.applied = Applied()  # the calls applied to the session (their ids, replies)
        self._load()

    # -- loading and creating -------------------------------------------------------------
    def _load(self) -> None:
        try:
            stored = self.store.load(self.id)
            if stored is not None:
                self.live = LiveSession(*saving.load(stored, self.limits), self.store)
                self.applied = Applied(self.store.applied_calls(self.id))
        except Exception as exc:  # a damaged row: the session can only be deleted
            log.exception("stored session %s cannot be loaded", self.id)
            reason = exc.message if isinstance(exc, ApiError) else f"{type(exc).__name__}: {exc}"
            self.problem = SessionUnloadable(self.id, reason)

    def _adopt(self, build: Callable[[], Session], call_id: str | None) -> dict[str, Any]:
        """Build a new session here, save it, host it; its state (the one recorded when
        ``call_id`` made it already)."""
        with self.using():
            if call_id is not None and call_id in self.applied and self.live is not None:
                with self.locked() as made:
                    return cast(dict[str, Any], replay(self.applied.reply(call_id), made))
            if self.live is not None or self.problem is not None:
                raise ApiError(409, "id: a session with this id exists already", "id")
            if self.store.count() >= self.limits.max_sessions_on_disk:
                raise ApiError(503, "session: this server already holds the most sessions it "
                               "keeps; try again later", "session")
            live = LiveSession(build(), saving.Saved(), self.store)
            session = live.resident_session()
            state = session.state()
            self._save(live, session, call_id, state)
            self.live = live
            return state

    def create(self, spec: dict[str, Any] | None, settings: TrainSettings | None,
               call_id: str | None = None) -> dict[str, Any]:
        """A new session with this host's id (the default network when ``spec`` is None)."""
        return self._adopt(lambda: Session.create(self.id, self.limits, spec, settings),
                           call_id)

    def import_file(self, data: bytes, call_id: str | None = None) -> dict[str, Any]:
        """A new session with this host's id from an exported model file."""
        limit = self.limits.max_params * 4 + 1024 * 1024

        def build() -> Session:
            return from_model_file(self.id, self.limits, model_file.read(data, limit))

        return self._adopt(build, call_id)

    # -- running jobs ---------------------------------------------------------------------
    @contextlib.contextmanager
    def using(self) -> Iterator[None]:
        """Count a call in progress (the host does not leave meanwhile)."""
        with self._gate:
            if self.left:
                raise SessionLeft(self.id)
            self._busy += 1
        try:
            yield
        finally:
            with self._gate:
                self._busy -= 1
                self._last_use = self.clock()
                self._served = True

    def present(self) -> LiveSession:
        """The live session; 404 when there is none (or it was deleted), 409 when it cannot
        be loaded."""
        if self.problem is not None:
            raise self.problem
        if self.live is None or self.live.closed:
            raise not_found("session", "id")
        return self.live

    @contextlib.contextmanager
    def locked(self, step: bool = False) -> Iterator[Session]:
        """The session under its lock. A training ``step`` first waits (a second at most)
        until no other job is waiting for the lock, so those go first, then takes one of
        the node's training slots (before the lock: a forward never waits for a slot)."""
        live = self.present()
        with contextlib.ExitStack() as slot:
            if step:
                with self._gate:
                    self._gate.wait_for(lambda: self._waiting == 0,
                                        timeout=self.step_yield_seconds)
                slot.enter_context(self.slot())
                live.lock.acquire()
            else:
                with self._gate:
                    self._waiting += 1
                try:
                    live.lock.acquire()
                finally:
                    with self._gate:
                        self._waiting -= 1
                        self._gate.notify_all()
            try:
                if self.left:
                    raise SessionLeft(self.id)
                yield self.present().resident_session()
            finally:
                live.lock.release()

    def run(self, job: Callable[[Session], T], save: bool = False, step: bool = False,
            call_id: str | None = None) -> T:
        """``job(session)`` under the lock; saved when ``save`` (else only the last input
        and, once a minute, the time of use). A job that raises saves nothing. A saved
        job's ``call_id`` is recorded in its save; once it is, the job is not run again
        (its recorded reply is)."""
        with self.using(), self.locked(step) as session:
            if save and call_id is not None and call_id in self.applied:
                return cast(T, replay(self.applied.reply(call_id), session))
            session.touch()
            result = job(session)
            live = self.present()
            if save:
                self._save(live, session, call_id, result)
            else:
                live.save_touch()
            return result

    def _save(self, live: LiveSession, session: Session, call_id: str | None,
              reply: Any) -> None:
        """Save (under the lock); with ``call_id``, record the call and ``reply`` in it."""
        call = None if call_id is None else AppliedCall(call_id, record(reply, session))
        live.save(call)
        if call is not None:
            self.applied.add(call)

    def stop(self) -> None:
        """Ask a running train to stop at its next batch boundary."""
        if self.live is not None:
            self.live.stop_event.set()

    # -- training (the loop of server.runtime.train_loop, run here) -----------------------
    def train(self, order: TrainOrder, control: TrainControl, token: str
              ) -> Generator[Output | tuple[str, dict[str, Any]], None, None]:
        """The outputs of one ``train`` command, after a ``("start", position)`` item (where
        the session stood: see :func:`position`). ``token`` names the page that asked: its
        front end renews the lease (``keep``) while it relays; a train whose lease runs
        out (its front end died) stops at the next step, like one whose page has gone."""
        with self.using():
            live = self.present()
            yield ("start", self.run(position))
            self.leases.begin(token, control)

            def run(job: Callable[[Session], Any], save: bool) -> Any:
                # a save (an epoch's end, every few seconds, the last) holds no node slot
                return self.run(job, save=save, step=not save)

            def stopping() -> bool:
                return (live.stop_event.is_set() or live.closed or self.left
                        or self.leases.expired(token))

            try:
                yield from train_command(run, order, control, stopping=stopping,
                                         claim=lambda: live.start_training(control),
                                         release=live.end_training)
            finally:
                self.leases.end(token)

    def settle(self, timeout: float) -> None:
        """A page attaches: when the train that runs belongs to a page that has gone (it
        stops at its next step and saves), wait for that, up to ``timeout`` seconds."""
        live = self.live
        if live is None:
            return
        owner = live.training_owner
        if isinstance(owner, TrainControl) and owner.gone:
            live.idle.wait(timeout)

    def items(self, start: Callable[[Session], Iterator[T]], step: bool
              ) -> Generator[T, None, None]:
        """The items of ``start(session)``'s iterator, each ``next`` one job under the
        lock."""
        with self.using():
            iterator = self.run(start, step=step)
            try:
                while True:
                    item = self.run(lambda s: next(iterator, _END), step=step)
                    if item is _END:
                        return
                    yield cast(T, item)
            finally:
                close = getattr(iterator, "close", None)
                if close is not None:
                    close()

    def delete(self) -> None:
        """Stop, delete from the store, refuse all further use (404)."""
        with self.using():
            if self.problem is not None:
                self.store.delete(self.id)
                self.problem = None
                self.deleted = True
                return
            live = self.present()
            with live.lock:
                if live.closed:
                    raise not_found("session", "id")
                live.close()
                self.store.delete(self.id)
            self.deleted = True
            with self._gate:
                self._gate.notify_all()
