"""One live session hosted by itself (in a Ray actor): loaded from the store, saved to it.

A :class:`SessionHost` owns exactly one session and knows nothing of Ray, so that what a Ray
actor does (``server.runtime.ray_actor``) can be tested without a cluster. It

- loads the session from the store when it starts (a restarted actor starts here again, from
  what was last saved), or builds a new one (``create``, ``import_file``);
- runs jobs on it under its lock, saving when asked (``run``); a training step
  (``run_step``) first lets every waiting job through, so a forward waits at most one batch
  and never loses the lock to the next step;
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
from server.runtime.train_loop import Output, TrainControl, TrainOrder, train_command
from server.sessions.session import Session
from server.sessions.settings import TrainSettings

T = TypeVar("T")
log = logging.getLogger(__name__)
EMPTY_GRACE_SECONDS = 5.0  # a host with no session (an unknown id) leaves this soon
LEASE_SECONDS = 30.0  # a train whose front end has not said it is alive for this long stops
STEP_YIELD_SECONDS = 1.0  # a training step waits at most this long for waiting jobs to pass


_END = object()


def position(session: Session) -> dict[str, int]:
    """Where its training stands: completed epochs and steps taken."""
    training = session.training
    if training is None:
        return {"epoch": 0, "step": 0}
    return {"epoch": training.trainer.epoch, "step": training.trainer.global_step}


class SessionLeft(Exception):
    """The host has left (idle) or is leaving: run the job on the next host instead."""


class SessionHost:
    """One session, its lock, a priority gate for training steps, and its idle clock."""

    def __init__(self, session_id: str, store: Any, limits: Settings, idle_seconds: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.id = session_id
        self.store = store
        self.limits = limits
        self.idle_limit = idle_seconds
        self.clock = clock
        self.session: Session | None = None
        self.problem: ApiError | None = None  # why the stored session cannot be loaded
        self.left = False
        self.deleted = False
        self._gate = threading.Condition()
        self._waiting = 0  # jobs (not training steps) waiting for the session's lock
        self._busy = 0  # calls running now (jobs, trains, creates)
        self._last_use = clock()
        self._trains: dict[str, TrainControl] = {}  # running trains, by the asking page
        self._leases: dict[str, float] = {}  # when each train's front end last said so
        self.step_yield_seconds = STEP_YIELD_SECONDS
        self._load()

    # -- loading and creating -------------------------------------------------------------
    def _load(self) -> None:
        try:
            stored = self.store.load(self.id)
            if stored is not None:
                session = Session.from_stored(stored, self.limits)
                session.store = self.store
                self.session = session
        except Exception as exc:  # a damaged row: the session can only be deleted
            log.exception("stored session %s cannot be loaded", self.id)
            reason = exc.message if isinstance(exc, ApiError) else f"{type(exc).__name__}: {exc}"
            self.problem = SessionUnloadable(self.id, reason)

    def _adopt(self, build: Callable[[], Session]) -> dict[str, Any]:
        """Build a new session here, save it, host it; its state."""
        with self.using():
            if self.session is not None or self.problem is not None:
                raise ApiError(409, "id: a session with this id exists already", "id")
            if self.store.count() >= self.limits.max_sessions_on_disk:
                raise ApiError(503, "session: this server already holds the most sessions it "
                               "keeps; try again later", "session")
            session = build()
            session.store = self.store
            session.save(self.store)
            self.session = session
            return session.state()

    def create(self, spec: dict[str, Any] | None, settings: TrainSettings | None
               ) -> dict[str, Any]:
        """A new session with this host's id (the default network when ``spec`` is None)."""
        return self._adopt(lambda: Session.create(self.id, self.limits, spec, settings))

    def import_file(self, data: bytes) -> dict[str, Any]:
        """A new session with this host's id from an exported model file."""
        limit = self.limits.max_params * 4 + 1024 * 1024

        def build() -> Session:
            return Session.from_model_file(self.id, self.limits, model_file.read(data, limit))

        return self._adopt(build)

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

    def present(self) -> Session:
        """The session; 404 when there is none (or it was deleted), 409 when unloadable."""
        if self.problem is not None:
            raise self.problem
        if self.session is None or self.session.closed:
            raise not_found("session", "id")
        return self.session

    @contextlib.contextmanager
    def locked(self, step: bool = False) -> Iterator[Session]:
        """The session under its lock. A training ``step`` first waits (a second at most)
        until no other job is waiting for the lock, so those go first."""
        session = self.present()
        if step:
            with self._gate:
                self._gate.wait_for(lambda: self._waiting == 0,
                                    timeout=self.step_yield_seconds)
            session.lock.acquire()
        else:
            with self._gate:
                self._waiting += 1
            try:
                session.lock.acquire()
            finally:
                with self._gate:
                    self._waiting -= 1
                    self._gate.notify_all()
        try:
            if self.left:
                raise SessionLeft(self.id)
            yield self.present()
        finally:
            session.lock.release()

    def run(self, job: Callable[[Session], T], save: bool = False, step: bool = False) -> T:
        """``job(session)`` under the lock; saved when ``save`` (else only the last input
        and, once a minute, the time of use). A job that raises saves nothing."""
        with self.using(), self.locked(step) as session:
            session.touch()
            result = job(session)
            if save:
                session.save(self.store)
            else:
                session.save_touch(self.store)
            return result

    def stop(self) -> None:
        """Ask a running train to stop at its next batch boundary."""
        if self.session is not None:
            self.session.stop_event.set()

    # -- training (the loop of server.runtime.train_loop, run here) -----------------------
    def train(self, order: TrainOrder, control: TrainControl, token: str
              ) -> Generator[Output | tuple[str, dict[str, Any]], None, None]:
        """The outputs of one ``train`` command, after a ``("start", position)`` item (where
        the session stood: see :func:`position`). ``token`` names the page that asked: its
        front end renews the lease (``keep``) while it relays; a train whose lease runs
        out (its front end died) stops at the next step, like one whose page has gone."""
        with self.using():
            session = self.present()
            yield ("start", self.run(position))
            with self._gate:
                self._trains[token] = control
                self._leases[token] = self.clock()

            def run(job: Callable[[Session], Any], save: bool) -> Any:
                return self.run(job, save=save, step=True)

            def stopping() -> bool:
                return (session.stop_event.is_set() or session.closed or self.left
                        or self.clock() - self._leases.get(token, 0.0) > LEASE_SECONDS)

            try:
                yield from train_command(run, order, control, stopping=stopping,
                                         claim=lambda: session.start_training(control),
                                         release=session.end_training)
            finally:
                with self._gate:
                    self._trains.pop(token, None)
                    self._leases.pop(token, None)

    def keep(self, token: str) -> None:
        """The front end relaying ``token``'s train is alive."""
        with self._gate:
            if token in self._leases:
                self._leases[token] = self.clock()

    def control(self, token: str) -> TrainControl | None:
        """The control of ``token``'s train while it runs."""
        with self._gate:
            return self._trains.get(token)

    def settle(self, timeout: float) -> None:
        """A page attaches: when the train that runs belongs to a page that has gone (it
        stops at its next step and saves), wait for that, up to ``timeout`` seconds."""
        session = self.session
        if session is None:
            return
        owner = session.training_owner
        if isinstance(owner, TrainControl) and owner.gone:
            session.idle.wait(timeout)

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
            session = self.present()
            with session.lock:
                if session.closed:
                    raise not_found("session", "id")
                session.close()
                self.store.delete(self.id)
            self.deleted = True
            with self._gate:
                self._gate.notify_all()

    # -- leaving --------------------------------------------------------------------------
    def idle_seconds(self) -> float:
        """Seconds since the last call ended (0 while one runs or a train is on)."""
        with self._gate:
            if self._busy or (self.session is not None
                              and self.session.training_owner is not None):
                return 0.0
            return self.clock() - self._last_use

    def should_leave(self) -> bool:
        """Unused for ``idle_seconds`` (a few seconds when it hosts nothing, at once when
        its session was deleted)."""
        if self.left:
            return False
        idle = self.idle_seconds()
        if self.deleted:
            return idle > 0  # as soon as no call runs
        empty = self.session is None or self.session.closed
        return idle >= (min(self.idle_limit, EMPTY_GRACE_SECONDS) if empty else self.idle_limit)

    def leave(self) -> bool:
        """Save a last time and refuse all further jobs, if still idle; True when left."""
        with self._gate:
            if not self.should_leave():
                return False
            self.left = True  # from here no new call starts
        session = self.session
        if session is not None and not session.closed:
            with session.lock:
                try:
                    session.save(self.store)
                except Exception:  # what the last job saved stays; the rest is lost
                    log.exception("session %s could not be saved on leaving", self.id)
        with self._gate:
            self._gate.notify_all()
        return True

    def wait_gone(self, timeout: float) -> str | None:
        """Block until the session is deleted ("deleted") or the host leaves ("left");
        None after ``timeout`` seconds."""
        with self._gate:
            self._gate.wait_for(lambda: self.deleted or self.left, timeout=timeout)
            if self.deleted:
                return "deleted"
            return "left" if self.left else None
