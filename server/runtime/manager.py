"""Sessions in memory (a bounded LRU cache) backed by the session store (SQLite or PostgreSQL).

``get`` loads a session from disk when it is not cached; the least recently used idle
sessions beyond ``max_sessions_in_memory`` are dropped from memory (they are already saved).

Bytes: the sessions' own arrays (``server.runtime.memory.session_bytes``, recounted after every job)
plus each shared dataset once are held under ``max_memory_bytes``. Beyond it the least
recently used sessions that no job, request or train is using are unloaded to disk
(``Session.unload``), also those with a socket open: the object stays, with its socket, and
its next job reloads it (``ensure_resident``). A new session is refused (503 naming memory)
only when unloading everything that can be unloaded still leaves no room for it.
``expire`` deletes sessions idle for longer than ``session_ttl_seconds`` from both, then
checkpoints the WAL.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator

from server.config import Settings
from server.errors import ApiError, SessionUnloadable, not_found
from server.persist import model_file
from server.persist.session_store import SessionStore, open_store
from server.runtime.memory import MIB, data_bytes, session_bytes
from server.sessions.data import alive_splits
from server.sessions.ids import is_session_id, new_session_id
from server.sessions.session import Session
from server.sessions.settings import TrainSettings

log = logging.getLogger(__name__)


class SessionManager:
    def __init__(self, settings: Settings, clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self.store: SessionStore = open_store(settings.store_target)
        self.clock = clock
        self._cache: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()  # guards the cache dict, never held during NumPy work
        self._loading: dict[str, threading.Lock] = {}

    # -- lookup -------------------------------------------------------------------------
    @contextlib.contextmanager
    def using(self, session_id: str) -> Iterator[Session]:
        """The session, kept in memory (never evicted) until the block ends."""
        session = self.get(session_id, hold=True)
        try:
            yield session
        finally:
            self.release(session)

    def release(self, session: Session) -> None:
        """Undo one ``get(..., hold=True)``."""
        with self._lock:
            session.holds -= 1

    def get(self, session_id: str, hold: bool = False) -> Session:
        """The session (from memory or disk); 404 naming ``id`` when there is none.
        ``hold``: count a holder (see :meth:`using`) so it cannot be evicted meanwhile."""
        if not is_session_id(session_id):
            raise not_found("session", "id")
        with self._lock:
            session = self._cache.get(session_id)
            if session is not None:
                self._cache.move_to_end(session_id)
                session.holds += hold
                return session
            loader = self._loading.setdefault(session_id, threading.Lock())
        with loader:  # one thread loads a given session; the others wait and reuse it
            with self._lock:
                session = self._cache.get(session_id)
            if session is None:
                try:
                    session = self._load(session_id)
                except ApiError:
                    with self._lock:
                        self._loading.pop(session_id, None)
                    raise
                with self._lock:
                    self._cache[session_id] = session
                    session.holds += hold
                    self._evict_locked()
                self.evict_bytes(keep=session)
            else:
                with self._lock:
                    session.holds += hold
        with self._lock:
            self._loading.pop(session_id, None)
        return session

    def ensure_resident(self, session: Session) -> None:
        """Reload an unloaded session (caller holds its lock); SessionUnloadable when what is
        stored cannot be read. Then recount its bytes and keep the total under the cap."""
        if session.resident:
            return
        try:
            session.reload(self.store)
        except ApiError:
            raise
        except Exception as exc:
            log.exception("stored session %s cannot be reloaded", session.id)
            raise SessionUnloadable(session.id, f"{type(exc).__name__}: {exc}") from exc
        session.store = self.store
        self.recount(session)

    def recount(self, session: Session) -> None:
        """Count the session's bytes again (after a job changed it) and, when over the cap,
        unload others."""
        session.bytes = session_bytes(session)
        if self.memory_bytes() > self.settings.max_memory_bytes:
            self.evict_bytes(keep=session)

    # -- bytes --------------------------------------------------------------------------
    def memory_bytes(self) -> int:
        """The sessions' own bytes as last counted plus every shared dataset alive, once."""
        with self._lock:
            own = sum(s.bytes for s in self._cache.values())
        return own + sum(data_bytes(d) for d in alive_splits())

    @staticmethod
    def _busy(session: Session) -> bool:
        """A job, request or train is using it (a socket alone does not count)."""
        return session.holds > session.sockets or session.training_owner is not None

    def evict_bytes(self, keep: Session | None = None) -> bool:
        """Unload least recently used sessions (not ``keep``, none in use) until the total
        is under ``max_memory_bytes``; True when it is."""
        limit = self.settings.max_memory_bytes
        with self._lock:
            candidates = [s for s in self._cache.values() if s is not keep and s.resident]
        for candidate in candidates:
            if self.memory_bytes() <= limit:
                return True
            if not candidate.lock.acquire(blocking=False):
                continue  # a job runs on it right now
            try:
                if candidate.closed or self._busy(candidate) or not candidate.resident:
                    continue
                candidate.unload(self.store)
                with self._lock:
                    if candidate.sockets == 0 and candidate.holds == 0:
                        self._cache.pop(candidate.id, None)
            except Exception:  # a save that fails: keep it in memory, try the next one
                log.exception("session %s could not be unloaded to disk", candidate.id)
            finally:
                candidate.lock.release()
        return self.memory_bytes() <= limit

    def _refuse_for_memory(self) -> ApiError:
        """503 naming memory; call while the refused session is still counted."""
        used, limit = self.memory_bytes(), self.settings.max_memory_bytes
        return ApiError(503, f"memory: with a new session the sessions in memory would hold "
                        f"{used / MIB:.1f} MB, more than the {limit / MIB:.1f} MB this server "
                        "may use (--max-memory), and none of the others can wait on disk now "
                        "(each is training or answering a request); try again later",
                        "memory")

    def _load(self, session_id: str) -> Session:
        """The stored session built afresh; 404 when there is none, SessionUnloadable (409,
        logged with its cause) when what is stored cannot be read or built."""
        try:
            stored = self.store.load(session_id)
            if stored is not None:
                session = Session.from_stored(stored, self.settings)
                session.store = self.store
                session.bytes = session_bytes(session)
                return session
        except Exception as exc:  # whatever a damaged row (or a lowered limit) makes it raise
            log.exception("stored session %s cannot be loaded", session_id)
            reason = exc.message if isinstance(exc, ApiError) else f"{type(exc).__name__}: {exc}"
            raise SessionUnloadable(session_id, reason) from exc
        raise not_found("session", "id")

    def _evict_locked(self) -> None:
        limit = self.settings.max_sessions_in_memory
        if len(self._cache) <= limit:
            return
        for sid in list(self._cache):
            if len(self._cache) <= limit:
                break
            candidate = self._cache[sid]
            if not candidate.in_use():
                del self._cache[sid]

    # -- life cycle ---------------------------------------------------------------------
    def new_id(self) -> str:
        """A fresh id, once there is room on disk (503 when the server is full)."""
        if self.store.count() >= self.settings.max_sessions_on_disk:
            self.expire()
            if self.store.count() >= self.settings.max_sessions_on_disk:
                raise ApiError(503, "session: this server already holds the most sessions it "
                               "keeps; try again later", "session")
        return new_session_id()

    def add(self, session: Session) -> Session:
        """Cache a new session and save it; 503 naming memory (nothing saved) when it does
        not fit under ``max_memory_bytes`` even after unloading every idle session."""
        session.store = self.store
        session.bytes = session_bytes(session)
        with self._lock:
            self._cache[session.id] = session
            session.holds += 1  # not unloaded while it is being added
        try:
            if not self.evict_bytes(keep=session):
                raise self._refuse_for_memory()
            session.save(self.store)
        except BaseException:
            with self._lock:
                self._cache.pop(session.id, None)
            raise
        finally:
            with self._lock:
                session.holds -= 1
        with self._lock:
            self._evict_locked()
        return session

    def delete(self, session_id: str) -> None:
        """Stop and forget the session, and delete its storage. Taking the session's lock
        first means no save of it is half-way (a save after this would bring it back)."""
        try:
            session = self.get(session_id)
        except SessionUnloadable:
            self.store.delete(session_id)  # nothing of it is in memory
            return
        with session.lock:
            if session.closed:
                raise not_found("session", "id")
            session.close()
            with self._lock:
                self._cache.pop(session_id, None)
            self.store.delete(session_id)

    def expire(self) -> list[str]:
        """Delete every session idle since longer than the ttl; returns their ids."""
        cutoff = self.clock() - self.settings.session_ttl_seconds
        gone = []
        for sid in self.store.idle_since(cutoff):
            with self._lock:
                cached = self._cache.get(sid)
                if cached is not None and (cached.in_use() or cached.touched >= cutoff):
                    continue
                self._cache.pop(sid, None)
            if cached is not None:
                with cached.lock:
                    cached.close()
                    self.store.delete(sid)
            else:
                self.store.delete(sid)
            gone.append(sid)
        self.store.checkpoint()
        return gone

    def cached_ids(self) -> list[str]:
        with self._lock:
            return list(self._cache)

    def close(self) -> None:
        self.store.close()


def create_session(manager: SessionManager, spec: dict | None,
                   settings: TrainSettings | None) -> Session:
    """Build, save and cache a new session (blocking: call from a worker thread)."""
    session = Session.create(manager.new_id(), manager.settings, spec, settings)
    return manager.add(session)


def import_session(manager: SessionManager, data: bytes) -> Session:
    """A new session from an exported model file (blocking: call from a worker thread)."""
    limit = manager.settings.max_params * 4 + 1024 * 1024
    loaded = model_file.read(data, limit)
    session = Session.from_model_file(manager.new_id(), manager.settings, loaded)
    return manager.add(session)
