"""Built-in datasets shared by every session actor of a Ray cluster, through its object store.

In one process, sessions asking for the same built-in split share one read-only copy
(``server/sessions/data.py``). On Ray each session is a process of its own, so the splits are
kept in Ray's object store instead: a named, detached holder actor (``nnplay-datasets`` in
namespace ``nnplay``, ``get_if_exists``, no CPU) builds a split the first time any actor asks
for it (:func:`server.sessions.data.make_builtin`), ``ray.put`` s its arrays once and hands out
the ObjectRef; each session actor ``ray.get`` s it. NumPy arrays from the object store are
zero-copy, read-only views into the node's shared memory: one copy per node, whatever the
number of actors on it (and pinned there while any actor holds them).

The holder keeps the refs of the last ``HELD`` splits asked for. When its node dies, Ray
restarts it elsewhere (``max_restarts=-1``) with nothing held: the next actor to ask builds
the split again. Whatever goes wrong on the way (the holder restarting, an object whose owner
died), an actor retries once and then builds the split itself, as before.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from functools import lru_cache
from typing import Any

import ray

from engine.datasets.dataset import Dataset
from server.sessions import data
from server.sessions.data import SPLITS, SplitData

HOLDER = "nnplay-datasets"
HELD = 16  # splits whose refs the holder keeps (distinct sizes, split fractions, sides)
GET_SECONDS = 60.0  # a split's arrays reach an actor within this (built, pulled to its node)
ATTEMPTS = 2
log = logging.getLogger(__name__)

Key = tuple[str, int | None, tuple[float, float, float], int]


def to_object(split: SplitData) -> dict[str, Any]:
    """A split as plain arrays (what ``ray.put`` stores out of band, zero-copy)."""
    parts = {s: (split.part(s).images, split.part(s).labels) for s in SPLITS}
    return {"name": split.name, "class_names": list(split.class_names), "parts": parts}


def from_object(value: dict[str, Any]) -> SplitData:
    """The SplitData around the arrays of :func:`to_object` (no copy: same buffers)."""
    names = value["class_names"]
    sets = {}
    for s in SPLITS:
        images, labels = value["parts"][s]
        sets[s] = Dataset(images, labels, names)
    for part in sets.values():
        part.images.flags.writeable = False  # already so from the object store
        part.labels.flags.writeable = False
    return SplitData(value["name"], list(names), sets["train"], sets["val"], sets["test"])


class DatasetHolder:
    """Wrapped by ``ray.remote`` in :func:`holder`: the refs of the built-in splits."""

    def __init__(self) -> None:
        self._refs: OrderedDict[Key, Any] = OrderedDict()
        self._locks: dict[Key, threading.Lock] = {}
        self._lock = threading.Lock()

    def ref(self, key: Key) -> list[Any]:
        """``[ObjectRef]`` of split ``key``'s arrays (in a list, so Ray hands over the ref,
        not the value), built and put on the first ask."""
        key = (key[0], key[1], tuple(key[2]), key[3])  # type: ignore[assignment]
        with self._lock:
            one = self._locks.setdefault(key, threading.Lock())
        with one:
            with self._lock:
                found = self._refs.get(key)
            if found is None:
                found = ray.put(to_object(data.make_builtin(*key)))
            with self._lock:
                self._refs[key] = found
                self._refs.move_to_end(key)
                while len(self._refs) > HELD:
                    old, _ = self._refs.popitem(last=False)
                    self._locks.pop(old, None)
            return [found]

    def held(self) -> list[Key]:
        with self._lock:
            return list(self._refs)


@lru_cache(maxsize=1)
def _holder_class() -> Any:
    return ray.remote(DatasetHolder)


def holder() -> Any:
    """The cluster's holder actor (started by whoever asks first)."""
    from server.runtime.ray_actor import NAMESPACE

    return _holder_class().options(
        name=HOLDER, namespace=NAMESPACE, lifetime="detached", get_if_exists=True,
        max_restarts=-1, num_cpus=0, max_concurrency=4).remote()


def split_ref(key: Key) -> Any:
    """The ObjectRef of split ``key`` (asking the holder)."""
    return ray.get(holder().ref.remote(key), timeout=GET_SECONDS)[0]


def from_cluster(name: str, size: int | None, fractions: tuple[float, float, float],
                 side: int) -> SplitData:
    """The built-in split from the object store (the source ``install`` sets); built here
    when the cluster cannot give it."""
    key: Key = (name, size, tuple(fractions), side)  # type: ignore[assignment]
    for attempt in range(ATTEMPTS):
        try:
            return from_object(ray.get(split_ref(key), timeout=GET_SECONDS))
        except Exception as exc:  # holder restarting, owner died, object lost, timeout
            log.warning("dataset %s from the object store failed (attempt %d): %s",
                        key, attempt + 1, exc)
    return data.make_builtin(*key)


def install() -> None:
    """Take built-in splits from the object store in this process (a session actor)."""
    data.set_builtin_source(from_cluster)
