"""One session in memory and everything concurrent about it.

A :class:`LiveSession` owns the lock every job takes, the count of requests holding it in
memory (holds) and of sockets attached, the sockets' deletion watchers, the train's owner
with its stop and idle events, and the record of what was last saved
(:class:`server.sessions.saving.Saved`). Its :class:`Session` (the state) may be let go to
disk when memory is short (:meth:`LiveSession.unload`) while the object, its sockets and lock
stay; the next job brings the state back (:meth:`LiveSession.reload`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial

from server.config import Settings
from server.errors import not_found
from server.persist.session_store import AppliedCall, SessionStore
from server.sessions import saving
from server.sessions.saving import Saved
from server.sessions.session import Session


class LiveSession:
    """One session of the manager's cache; see the module docstring."""

    def __init__(self, session: Session, saved: Saved, store: SessionStore) -> None:
        self.id = session.id
        self.limits: Settings = session.limits
        self.store = store
        self.session: Session | None = session
        self.saved = saved
        self._touched = session.touched  # its last use, kept while unloaded
        self.lock = threading.RLock()
        self.stop_event = threading.Event()
        self.training_owner: object | None = None  # the control of the train running, if any
        self.idle = threading.Event()  # set whenever no train runs
        self.idle.set()
        self.closed = False
        self.sockets = 0
        self.holds = 0  # requests using it right now (the manager does not evict it then)
        self.watchers: list[Callable[[], None]] = []  # told when the session is deleted
        self.bytes = 0  # its state's bytes when last counted (server.runtime.memory)
        self._attach(session)

    def _attach(self, session: Session) -> None:
        session.stored_blob = partial(self.store.load_blob, self.id)

    @property
    def resident(self) -> bool:
        """False while its state is on disk only (see :meth:`unload`)."""
        return self.session is not None

    @property
    def touched(self) -> float:
        return self.session.touched if self.session is not None else self._touched

    def resident_session(self) -> Session:
        """The session's state (the caller holds the lock and has made it resident)."""
        if self.session is None:
            raise not_found("session", "id")
        self.session.training_runs = self.training_owner is not None
        return self.session

    # -- use ----------------------------------------------------------------------------
    def in_use(self) -> bool:
        return (self.sockets > 0 or self.holds > 0 or self.training_owner is not None
                or self.lock_held())

    def lock_held(self) -> bool:
        acquired = self.lock.acquire(blocking=False)
        if acquired:
            self.lock.release()
        return not acquired

    def close(self) -> None:
        """The session is being deleted: stop any training, refuse further use."""
        self.closed = True
        self.stop_event.set()
        for watcher in list(self.watchers):
            watcher()

    def start_training(self, owner: object) -> bool:
        """Claim the session for a train run; False when another one runs."""
        with self.lock:
            if self.training_owner is not None:
                return False
            self.training_owner = owner
            self.idle.clear()
            self.stop_event.clear()
            return True

    def end_training(self) -> None:
        self.training_owner = None
        self.idle.set()

    # -- the store ----------------------------------------------------------------------
    def save(self, call: AppliedCall | None = None) -> None:
        """Write what changed since the last save (one transaction, ``call`` recorded in
        it: ``SessionStore.save``)."""
        saving.save(self.resident_session(), self.saved, self.store, call=call)

    def save_touch(self) -> None:
        """After a read or a forward: the last input if it changed, use at most once a
        minute."""
        saving.save_touch(self.resident_session(), self.saved, self.store)

    def unload(self) -> None:
        """Save, then let go of the state (the caller holds the lock; no train runs)."""
        self.save()
        assert self.session is not None
        self._touched = self.session.touched
        self.session = None
        self.bytes = 0

    def reload(self) -> None:
        """Undo :meth:`unload`: read the state back as it was saved (404 when it is gone)."""
        stored = self.store.load(self.id)
        if stored is None:
            raise not_found("session", "id")
        session, self.saved = saving.load(stored, self.limits)
        self._attach(session)
        self.session = session
