"""Saving a session and loading it back: what is written to the store, and when.

A save writes the blobs that changed (own samples added, snapshots, the trainer's state) and
drops the ones gone, in one transaction; the last input is written when it is not the one
last written (compared with it, not flagged). ``Session.save``, ``save_touch`` and
``from_stored`` call these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from server.config import Settings
from server.errors import ApiError
from server.persist import blob_codec
from server.persist.session_store import SessionStore, StoredSession
from server.sessions.own_samples import OwnSamples
from server.sessions.settings import TrainSettings
from server.sessions.training import Training

if TYPE_CHECKING:
    from server.sessions.session import Session

FORMAT_VERSION = 1
TOUCH_EVERY_SECONDS = 60.0


def save(session: Session, store: SessionStore) -> None:
    """Write what changed since the last save (one transaction)."""
    meta = {
        "version": FORMAT_VERSION,
        "spec": session.spec,
        "settings": session.settings.model_dump(),
        "own": session.own.meta(),
        "file_class_names": session.file_class_names,
        "training": session.training.meta() if session.training else None,
    }
    put = dict(session._put)
    last = unsaved_last_input(session)
    if last is not None:
        put["last_input"] = last
    put["model"] = blob_codec.pack({"weights": session.model.get_weights()})
    drop = set(session._drop)
    if session.training is not None:
        more, stale = session.training.blobs(session._save_all_snapshots)
        put.update(more)
        drop |= stale
    else:
        drop |= {"trainer", "checkpoints"}
    store.save(session.id, session.created, session.touched, meta, put=put, drop=drop - set(put),
               drop_prefixes=session._drop_prefixes,
               checkpoint=session.checkpoint_wal or bool(session._drop_prefixes))
    if session.training is not None:
        session.training.offload()  # what is on disk now need not stay in memory
    session.checkpoint_wal = False
    session._put.clear()
    session._saved_last = (session.last_input, session.last_label)
    session._drop.clear()
    session._drop_prefixes.clear()
    session._save_all_snapshots = False
    session._saved_touch = session.touched

def save_touch(session: Session, store: SessionStore) -> None:
    """After a read or a forward: write the last input if it changed (one small blob,
    nothing else), and record use for idle expiry at most once a minute."""
    last = unsaved_last_input(session)
    if last is not None:
        store.put_blob(session.id, "last_input", last, session.touched)
        session._saved_last = (session.last_input, session.last_label)
        session._saved_touch = session.touched
    elif session.touched - session._saved_touch >= TOUCH_EVERY_SECONDS:
        store.touch(session.id, session.touched)
        session._saved_touch = session.touched

def unsaved_last_input(session: Session) -> bytes | None:
    """The last input's blob when it is not the one last written, else None."""
    saved_x, saved_label = session._saved_last
    if session.last_input is None or (session.last_input is saved_x
                                   and session.last_label == saved_label):
        return None
    return blob_codec.pack({"x": session.last_input, "label": session.last_label})


def load(cls: type[Session], stored: StoredSession, limits: Settings) -> Session:
    """The session as ``stored`` (built with ``cls``, i.e. Session)."""
    meta = stored.meta
    settings = TrainSettings.model_validate(meta["settings"])
    session = cls(stored.id, limits, meta["spec"], settings, created=stored.created)
    session.touched = stored.touched
    session.file_class_names = list(meta.get("file_class_names", []))
    session._saved_touch = stored.touched
    images = {name[len("sample/"):]: blob_codec.unpack(blob)["x"]
              for name, blob in stored.blobs.items() if name.startswith("sample/")}
    session.own = OwnSamples.restore(meta.get("own", {}), images)
    if "model" in stored.blobs:
        session.model.set_weights(blob_codec.unpack(stored.blobs["model"])["weights"])
    if "last_input" in stored.blobs:
        last = blob_codec.unpack(stored.blobs["last_input"])
        session.last_input = last["x"]
        label = last.get("label")
        session.last_label = int(label) if isinstance(label, int) else None
        session._saved_last = (session.last_input, session.last_label)
    session.data, _fresh, session.training_problem = session._data_for(
        session.model, settings, strict=False)
    if session.data is not None:
        try:
            session.training = Training.restore(session.model, session.data, settings,
                                                meta.get("training") or {}, stored.blobs)
        except (ApiError, ValueError) as exc:  # saved by another version, data changed
            session.training = _fresh
            session.training_problem = f"the saved training state could not be restored " \
                                        f"({exc}); training starts over from these weights"
    session._save_all_snapshots = False
    return session
