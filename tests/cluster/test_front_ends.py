"""Two real front ends (``nnplay --ray ADDRESS --store postgresql://...`` processes) on one real
local Ray cluster and one real PostgreSQL: any front end serves any session, a session never
trains twice, a delete through one closes the other's socket, and a train whose node is
killed goes on elsewhere after telling the page."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import ray
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from server.runtime.ray_actor import NAMESPACE, actor_name
from tests.cluster.local_ray import LocalCluster
from tests.live_server import LiveServer, start_server

pytestmark = pytest.mark.cluster
SETTINGS = {"dataset_size": 600, "batch_size": 50, "probe_rate": 0}


@pytest.fixture(scope="module")
def front_ends(cluster: LocalCluster, pg_url: str, tmp_path_factory: pytest.TempPathFactory
               ) -> Iterator[tuple[LiveServer, LiveServer]]:
    from tests import pg

    store = pg.fresh_database("fe")
    args = ("--ray", cluster.address, "--store", store,
            "--limit", "max_sessions_per_minute=100000")
    first = start_server(tmp_path_factory.mktemp("a"), extra_args=args, timeout=180)
    try:
        second = start_server(tmp_path_factory.mktemp("b"), extra_args=args, timeout=180)
        try:
            yield first, second
        finally:
            second.stop()
    finally:
        first.stop()


@contextlib.contextmanager
def socket(server: LiveServer, session_id: str) -> Iterator[ClientConnection]:
    """A page's WebSocket on the session through ``server``, its first ``state`` read."""
    with connect(f"ws://127.0.0.1:{server.port}/api/sessions/{session_id}/ws",
                 open_timeout=120, max_size=None) as ws:
        first = receive(ws)
        assert first["type"] == "state", first
        yield ws


def receive(ws: ClientConnection, timeout: float = 180) -> dict[str, Any]:
    """The next JSON message (binary frames skipped)."""
    while True:
        frame = ws.recv(timeout=timeout)
        if isinstance(frame, str):
            return dict(json.loads(frame))


def until(ws: ClientConnection, done: Any) -> list[dict[str, Any]]:
    """Messages up to and including the first for which ``done(message)`` holds."""
    seen = []
    while True:
        message = receive(ws)
        seen.append(message)
        if done(message):
            return seen


def create(server: LiveServer) -> str:
    made = httpx.post(f"{server.url}/api/sessions", json={"settings": SETTINGS}, timeout=180)
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def node_of(session_id: str) -> str:
    actor = ray.get_actor(actor_name(session_id), namespace=NAMESPACE)
    return str(ray.get(actor.ready.remote(), timeout=120))


def test_a_session_made_through_one_front_end_trains_through_the_other(front_ends) -> None:
    one, two = front_ends
    sid = create(one)
    with socket(two, sid) as ws:
        ws.send(json.dumps({"seq": 1, "cmd": "train", "unit": "batches", "count": 3}))
        seen = until(ws, lambda m: m["type"] == "done")
    progress = [m for m in seen if m["type"] == "progress"]
    assert [m["step"] for m in progress] == [1, 2, 3]
    assert all(m["seq"] == 1 for m in seen)
    assert seen[-1]["reason"] == "completed" and seen[-1]["state"]["step"] == 3
    state = httpx.get(f"{one.url}/api/sessions/{sid}", timeout=120).json()
    assert state["step"] == 3 and state["training"] is False


def test_two_front_ends_never_train_one_session_twice(front_ends) -> None:
    one, two = front_ends
    sid = create(one)
    with socket(one, sid) as a, socket(two, sid) as b:
        train = {"cmd": "train", "unit": "epochs", "count": 10_000}
        a.send(json.dumps({"seq": 1, **train}))
        b.send(json.dumps({"seq": 1, **train}))
        outcomes = {}
        for name, ws in (("a", a), ("b", b)):
            first = until(ws, lambda m: m["type"] in ("progress", "error"))[-1]
            outcomes[name] = first
        refused = [n for n, m in outcomes.items() if m["type"] == "error"]
        assert len(refused) == 1, outcomes  # one trains, the other is told it cannot
        assert outcomes[refused[0]]["field"] == "session"
        runner = a if refused[0] == "b" else b
        other = b if runner is a else a
        # a stroke through the other front end is answered while the train runs
        drawn = httpx.post(f"{(two if runner is a else one).url}/api/sessions/{sid}/forward",
                           json={"sample": {"split": "val", "index": 0}}, timeout=120)
        assert drawn.status_code == 200, drawn.text
        assert len(drawn.json()["probabilities"]) == 10
        other.send(json.dumps({"seq": 2, "cmd": "stop"}))  # a stop from any page stops it
        end = until(runner, lambda m: m["type"] == "done" and m["seq"] == 1)[-1]
        assert end["reason"] == "stopped"
    state = httpx.get(f"{two.url}/api/sessions/{sid}", timeout=120).json()
    assert state["training"] is False and state["step"] == end["state"]["step"]


def test_a_delete_through_one_front_end_closes_the_others_socket(front_ends) -> None:
    one, two = front_ends
    sid = create(one)
    with socket(two, sid) as ws:
        gone = httpx.delete(f"{one.url}/api/sessions/{sid}", timeout=120)
        assert gone.status_code in (200, 204), gone.text
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                ws.recv(timeout=120)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4410
    assert httpx.get(f"{two.url}/api/sessions/{sid}", timeout=120).status_code == 404


def test_a_train_whose_node_is_killed_goes_on_elsewhere(front_ends, cluster) -> None:
    one, _two = front_ends
    sid = create(one)
    with socket(one, sid) as ws:
        ws.send(json.dumps({"seq": 7, "cmd": "train", "unit": "epochs", "count": 10_000}))
        before = until(ws, lambda m: m["type"] == "epoch_end")
        # a step after the epoch's end: the save at that end has been made (train_loop saves
        # before it steps on)
        until(ws, lambda m: m["type"] == "progress")
        node = node_of(sid)
        cluster.kill(cluster.worker_of(node))
        cluster.add_worker(2)
        after = until(ws, lambda m: m["type"] == "notice")
        notice = after[-1]
        back = receive(ws)  # then the session as it came back, for the page to show
        assert back["type"] == "state" and back["state"]["training"] is True
        assert back["state"]["epoch"] >= before[-1]["epoch"]
        assert notice["seq"] == 7 and notice["kind"] == "moved"
        assert notice["message"].startswith("the server moved your session; ")
        assert notice["message"].endswith(" s of training was redone")
        assert notice["redone_seconds"] >= 0
        more = until(ws, lambda m: m["type"] == "epoch_end")  # it goes on
        ws.send(json.dumps({"seq": 8, "cmd": "stop"}))
        end = until(ws, lambda m: m["type"] == "done" and m["seq"] == 7)[-1]
    assert node_of(sid) != node
    assert end["reason"] == "stopped"
    epochs = [r["epoch"] for r in end["state"]["history"]]
    assert epochs == list(range(1, len(epochs) + 1))  # each epoch once, none lost
    assert before[-1]["epoch"] in epochs and more[-1]["epoch"] in epochs
    assert all(m.get("seq") in (7, None) for m in before + after + more)


def test_an_unknown_session_is_404_and_starts_no_actor(front_ends) -> None:
    one, _two = front_ends
    unknown = "A" * 32  # the shape of an id, but no session has it
    assert httpx.get(f"{one.url}/api/sessions/{unknown}", timeout=120).status_code == 404
    with pytest.raises(ValueError):
        ray.get_actor(actor_name(unknown), namespace=NAMESPACE)
    with connect(f"ws://127.0.0.1:{one.port}/api/sessions/{unknown}/ws",
                 open_timeout=120) as ws:
        refusal = receive(ws)
        assert refusal["type"] == "error" and refusal["field"] == "id"
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=120)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4404


def test_a_loss_surface_streams_from_the_actor(front_ends) -> None:
    one, two = front_ends
    sid = create(one)
    with socket(two, sid) as ws:
        ws.send(json.dumps({"seq": 3, "cmd": "landscape", "directions": "random", "grid": 13,
                            "eval_size": 64}))
        seen = until(ws, lambda m: m["type"] == "done" and m["seq"] == 3)
    surfaces = [m for m in seen if m["type"] == "landscape"]
    assert [m["refined"] for m in surfaces] == [False, True]
    assert seen[-1]["reason"] == "completed"
