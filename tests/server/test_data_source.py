"""The hook through which a runtime sets where built-in splits come from (on Ray: the object
store), without Ray: a source is used once per split and shared by every session asking for
it, and a session trains, traces and draws a loss surface on arrays that can never be written
(as NumPy arrays read from Ray's object store: views of read-only shared memory)."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from server.sessions import data
from server.sessions.data import SPLITS, SplitData
from tests.server.conftest import new_session
from tests.server.helpers import of_type, receive_until, tensor


def like_the_object_store(split: SplitData) -> SplitData:
    """``split`` through pickle protocol 5 with out-of-band buffers handed back as read-only
    memory, as ``ray.put`` / ``ray.get`` do (arrays that cannot be made writeable)."""
    buffers: list[pickle.PickleBuffer] = []
    raw = pickle.dumps(split, protocol=5, buffer_callback=buffers.append)
    frozen = [memoryview(bytes(b.raw())) for b in buffers]  # bytes: read-only
    out: SplitData = pickle.loads(raw, buffers=frozen)
    return out


class Source:
    """A split source that counts its calls and returns object-store-like arrays."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def __call__(self, name: str, size: int | None, fractions: tuple[float, float, float],
                 side: int) -> SplitData:
        self.calls.append((name, size, fractions, side))
        return like_the_object_store(data.make_builtin(name, size, fractions, side))


@pytest.fixture
def source() -> Iterator[Source]:
    made = Source()
    data.set_builtin_source(made)
    try:
        yield made
    finally:
        data.set_builtin_source(None)


def frozen(split: SplitData) -> bool:
    """Every array of the split is read-only and cannot be made writeable."""
    for name in SPLITS:
        for array in (split.part(name).images, split.part(name).labels):
            if array.flags.writeable:
                return False
            try:
                array.flags.writeable = True
            except ValueError:
                continue
            return False
    return True


def test_the_source_is_asked_once_per_split_and_its_arrays_are_shared(source: Source
                                                                      ) -> None:
    fractions = (0.8, 0.1, 0.1)
    a = data._builtin("mnist", 300, fractions, 28)
    b = data._builtin("mnist", 300, fractions, 28)
    c = data._builtin("mnist", 400, fractions, 28)
    assert a is b and c is not a
    assert source.calls == [("mnist", 300, fractions, 28), ("mnist", 400, fractions, 28)]
    assert frozen(a) and frozen(c)
    here = data.make_builtin("mnist", 300, fractions, 28)
    for name in SPLITS:  # the same data as built in this process
        np.testing.assert_array_equal(a.part(name).images, here.part(name).images)
        np.testing.assert_array_equal(a.part(name).labels, here.part(name).labels)


def test_unset_the_splits_are_built_here_again(source: Source) -> None:
    fractions = (0.8, 0.1, 0.1)
    data._builtin("shapes", 200, fractions, 16)
    data.set_builtin_source(None)
    split = data._builtin("shapes", 200, fractions, 16)
    assert len(source.calls) == 1
    assert not split.train.images.flags.writeable  # read-only here too, yet built here


def test_a_session_trains_traces_and_draws_a_surface_on_frozen_arrays(client: Any,
                                                                       source: Source
                                                                       ) -> None:
    sid = new_session(client)["id"]
    assert source.calls, "the session's split should have come from the source"
    with client.websocket_connect(f"/api/sessions/{sid}/ws") as ws:
        ws.receive_json()
        ws.send_json({"seq": 1, "cmd": "train", "unit": "epochs", "count": 1})
        messages, _ = receive_until(ws, 1)
        assert messages[-1]["type"] == "done", messages[-1]
        assert of_type(messages, "epoch_end"), "an epoch should have been trained"
        ws.send_json({"seq": 2, "cmd": "trace", "sample": {"split": "train", "index": 0}})
        messages, frames = receive_until(ws, 2)
        assert messages[-1]["type"] == "done", messages[-1]
        trace = of_type(messages, "trace")[0]
        assert np.isfinite(trace["loss"]) and len(frames) == trace["tensors"]
        ws.send_json({"seq": 3, "cmd": "landscape", "directions": "pca", "grid": 11,
                      "eval_size": 16})
        messages, _ = receive_until(ws, 3)
        assert messages[-1]["type"] == "done", messages[-1]
    surface = tensor(of_type(messages, "landscape")[-1]["surface"])
    assert np.isfinite(surface).all()
    reply = client.post(f"/api/sessions/{sid}/forward",
                        json={"sample": {"split": "val", "index": 0}})
    assert reply.status_code == 200, reply.text
    assert all(frozen(split) for split in data.alive_splits())
