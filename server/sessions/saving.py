"""Saving a session and loading it back: what is written to the store, and when.

A save compares the session with what was last written of it (:class:`Saved`) and writes only
the blobs that differ, drops the ones it no longer has, and writes its row (settings, spec,
use time) in one transaction. Each blob is compared by what it is made from:

- own samples (``sample/<id>``): an id is never reused and a sample never changes, so one
  is written once;
- epoch snapshots (``snapshot/<epoch>``) and within-epoch checkpoints: by the very objects
  (weak references: a written snapshot need not stay in memory); a snapshot held partial
  (weights only) is the one on disk and is never written;
- each epoch's confusion matrix, the weights and the trainer's state: by value (the matrix's
  JSON, a digest of the packed bytes);
- the last input: by the array object and its label (each forward keeps a new array).

A save that gives back the latest snapshot (a rewind, a reset) also truncates the WAL.
"""

from __future__ import annotations

import hashlib
import json
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from engine.snapshots import Snapshot
from server.config import Settings
from server.errors import ApiError
from server.persist import blob_codec
from server.persist.session_store import AppliedCall, SessionStore, StoredSession
from server.sessions.own_samples import OwnSamples
from server.sessions.session import Session
from server.sessions.settings import TrainSettings
from server.sessions.training import CONFUSION_BLOB, Training

FORMAT_VERSION = 1
TOUCH_EVERY_SECONDS = 60.0
ON_DISK = "on disk"  # the key of a blob whose content is the one stored (a partial snapshot)


class Same:
    """Equal to another ``Same`` of the very same live object (compared by identity
    through a weak reference, so it keeps nothing alive)."""

    __slots__ = ("ref",)

    def __init__(self, obj: object) -> None:
        self.ref = weakref.ref(obj)

    def __eq__(self, other: object) -> bool:
        mine = self.ref()
        return isinstance(other, Same) and mine is not None and mine is other.ref()

    __hash__ = None  # type: ignore[assignment]


def digest(data: bytes) -> str:
    """A short digest of ``data`` (what a blob compared by value is compared by)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass
class Blob:
    """One blob the session has now: how to pack it, and its key (see the module
    docstring); None for a blob compared by the digest of its packed bytes."""

    pack: Callable[[], bytes]
    key: Any = None


@dataclass
class Saved:
    """What was last written of one session: each blob's key, and when its use was."""

    keys: dict[str, Any] = field(default_factory=dict)
    touched: float = 0.0


def _on_disk() -> bytes:
    raise AssertionError("a partial snapshot is the one on disk: it is never written")


def blobs_of(session: Session) -> dict[str, Blob]:
    """Every blob the session has now, by name (nothing is packed yet)."""
    model = session.model
    blobs = {"model": Blob(lambda: blob_codec.pack({"weights": model.get_weights()}))}
    for sample in session.own.items:
        blobs[f"sample/{sample.id}"] = Blob(partial(blob_codec.pack, {"x": sample.image}),
                                            "written once")
    last = last_input_blob(session)
    if last is not None:
        blobs["last_input"] = last
    if session.training is not None:
        blobs.update(_training_blobs(session.training))
    return blobs


def last_input_blob(session: Session) -> Blob | None:
    x, label = session.last_input, session.last_label
    if x is None:
        return None
    return Blob(lambda: blob_codec.pack({"x": x, "label": label}), (Same(x), label))


def _pack_plain(snap: Snapshot) -> bytes:
    return blob_codec.pack(snap.to_plain())


def _training_blobs(training: Training) -> dict[str, Blob]:
    t = training.trainer
    checkpoints = list(t.checkpoints)
    blobs = {"trainer": Blob(lambda: blob_codec.pack(training.state_blob())),
             "checkpoints": Blob(lambda: blob_codec.pack([c.to_plain() for c in checkpoints]),
                                 tuple(Same(c) for c in checkpoints))}
    for snap in t.snapshots:
        blobs[f"snapshot/{snap.epoch}"] = Blob(_on_disk, ON_DISK) if snap.partial else Blob(
            partial(_pack_plain, snap), Same(snap))
    for epoch, confusion in training.kept_confusions().items():
        blobs[f"{CONFUSION_BLOB}{epoch}"] = Blob(
            partial(blob_codec.pack, {"confusion": confusion}),
            json.dumps(confusion, sort_keys=True))
    return blobs


def changes(blobs: dict[str, Blob], saved: Saved
            ) -> tuple[dict[str, bytes], set[str], dict[str, Any]]:
    """(blobs to write, names to drop, the keys once written): the blobs whose key differs
    from the one last written, and those written that the session no longer has."""
    put, keys = {}, {}
    for name, blob in blobs.items():
        before = saved.keys.get(name)
        if isinstance(blob.key, str) and blob.key == ON_DISK:
            if before is not None:
                keys[name] = before
            continue
        if blob.key is None:
            data = blob.pack()
            keys[name] = digest(data)
            if before != keys[name]:
                put[name] = data
        else:
            keys[name] = blob.key
            if before != blob.key:
                put[name] = blob.pack()
    return put, set(saved.keys) - set(blobs), keys


def _latest_snapshot(names: set[str] | dict[str, Any]) -> str | None:
    epochs = [int(n[9:]) for n in names if n.startswith("snapshot/") and n[9:].isdigit()]
    return f"snapshot/{max(epochs)}" if epochs else None


def save(session: Session, saved: Saved, store: SessionStore,
         call: AppliedCall | None = None) -> None:
    """Write what differs from ``saved`` (one transaction, ``call`` recorded in it: see
    ``SessionStore.save``), then record it there."""
    meta = {
        "version": FORMAT_VERSION,
        "spec": session.spec,
        "settings": session.settings.model_dump(),
        "own": session.own.meta(),
        "file_class_names": session.file_class_names,
        "training": session.training.meta() if session.training else None,
    }
    put, drop, keys = changes(blobs_of(session), saved)
    latest = _latest_snapshot(saved.keys)
    store.save(session.id, session.created, session.touched, meta, put=put, drop=drop,
               checkpoint=latest is not None and latest in drop, call=call)
    saved.keys = keys
    saved.touched = session.touched
    if session.training is not None:  # what is on disk now need not stay in memory
        session.training.offload({int(n[9:]) for n in saved.keys
                                  if n.startswith("snapshot/") and n[9:].isdigit()})


def save_touch(session: Session, saved: Saved, store: SessionStore) -> None:
    """After a read or a forward: write the last input if it changed (one small blob,
    nothing else), and record use for idle expiry at most once a minute."""
    blob = last_input_blob(session)
    if blob is not None and saved.keys.get("last_input") != blob.key:
        store.put_blob(session.id, "last_input", blob.pack(), session.touched)
        saved.keys["last_input"] = blob.key
        saved.touched = session.touched
    elif session.touched - saved.touched >= TOUCH_EVERY_SECONDS:
        store.touch(session.id, session.touched)
        saved.touched = session.touched


def load(stored: StoredSession, limits: Settings) -> tuple[Session, Saved]:
    """The session as ``stored``, and the record of what is stored of it."""
    meta = stored.meta
    settings = TrainSettings.model_validate(meta["settings"])
    session = Session(stored.id, limits, meta["spec"], settings, created=stored.created)
    session.touched = stored.touched
    session.file_class_names = list(meta.get("file_class_names", []))
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
    session.data, _fresh, session.training_problem = session.data_for(
        session.model, settings, strict=False)
    if session.data is not None:
        try:
            session.training = Training.restore(session.model, session.data, settings,
                                                meta.get("training") or {}, stored.blobs)
        except (ApiError, ValueError) as exc:  # saved by another version, data changed
            session.training = _fresh
            session.training_problem = f"the saved training state could not be restored " \
                                        f"({exc}); training starts over from these weights"
    return session, _as_stored(session, stored)


def _as_stored(session: Session, stored: StoredSession) -> Saved:
    """The record of what ``stored`` holds of ``session``, just loaded from it: each blob
    with the key of what it was loaded into (by the stored bytes' digest for those compared
    by digest). A stored blob the session no longer has (a snapshot thinned since, say) is
    dropped at its next save."""
    keys: dict[str, Any] = {name: "stored" for name in stored.blobs}
    for name, blob in blobs_of(session).items():
        if name in stored.blobs:
            keys[name] = digest(stored.blobs[name]) if blob.key is None else blob.key
    return Saved(keys, stored.touched)
