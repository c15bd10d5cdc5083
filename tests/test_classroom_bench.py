"""The classroom bench's bookkeeping (bench/student_ledger.py, classroom_report.py, student.py
REST handling) on fakes of the HTTP layer: nothing here starts a server or times anything."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import math
import time

import httpx
import numpy as np
import pytest

from bench.classroom_report import moved_or_failed, student_recovery, summarize
from bench.client import percentile
from bench.student import Event, SessionLost, Student, StudentConfig, StudentRecord, Unavailable
from bench.student_ledger import SessionLedger


def run_apart(scenario):  # type: ignore[no-untyped-def]
    """``asyncio.run(scenario())`` in a thread of its own: after the browser tests, Playwright's
    sync API leaves an event loop running in the main thread."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, scenario()).result()


def state(epoch: int, step: int, losses: dict[int, float]) -> dict:
    return {"id": "s1", "epoch": epoch, "step": step,
            "history": [{"epoch": e, "train_loss": v} for e, v in sorted(losses.items())]}


def epoch_end(epoch: int, step: int, loss: float) -> dict:
    return {"type": "epoch_end", "epoch": epoch, "step": step, "train_loss": loss}


def test_percentile_is_numpys_linear_one() -> None:
    values = list(range(1, 101))
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 99) == pytest.approx(99.01)
    rng = np.random.default_rng(0)
    sample = rng.exponential(size=357).tolist()
    assert percentile(sample, 99) == pytest.approx(float(np.percentile(sample, 99)))
    assert math.isnan(percentile([], 50))


def test_an_epoch_is_saved_only_once_a_later_step_shows_up() -> None:
    ledger = SessionLedger("s1")
    ledger.note_epoch_end(epoch_end(1, 50, 0.9))
    assert ledger.check_state(state(0, 20, {})) is None  # the crash came before its save
    ledger.note_progress()
    assert ledger.check_state(state(1, 50, {1: 0.9})) is None
    assert "epoch 0 < saved epoch 1" in ledger.check_state(state(0, 20, {}))
    ledger.note_epoch_end(epoch_end(2, 100, 0.5))
    assert ledger.drop_pending() == 1
    assert ledger.check_state(state(1, 60, {1: 0.9})) is None


def test_history_that_lost_or_changed_an_epoch_is_a_lost_session() -> None:
    ledger = SessionLedger("s1")
    ledger.note_saved_state(state(2, 100, {1: 0.9, 2: 0.5}))
    assert ledger.check_state(state(3, 150, {1: 0.9, 2: 0.5, 3: 0.4})) is None
    assert "epoch 1 missing" in ledger.check_state(state(3, 150, {2: 0.5, 3: 0.4}))
    assert "train_loss" in ledger.check_state(state(2, 100, {1: 0.9, 2: 0.6}))
    assert "step 90 < saved step 100" in ledger.check_state(state(2, 90, {1: 0.9, 2: 0.5}))


def test_weights_are_checked_at_the_step_they_were_saved_at() -> None:
    ledger = SessionLedger("s1")
    assert ledger.check_forward(100, [0.5, 0.5]) is None  # nothing known yet
    ledger.note_forward(100, [0.25, 0.75])
    assert ledger.check_forward(100, [0.25, 0.75]) is None
    assert ledger.check_forward(140, [0.9, 0.1]) is None  # trained on since: other weights
    assert "changed" in ledger.check_forward(100, [0.3, 0.7])


def fake_http(handler) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


def config(urls: list[str]) -> StudentConfig:
    return StudentConfig(urls=urls, deadline=time.time() + 60)


def test_requests_go_round_robin_and_a_404_is_a_lost_session() -> None:
    hosts: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        if request.method == "POST" and request.url.path == "/api/sessions":
            assert json.loads(request.content)["settings"]["probe_rate"] == 0
            return httpx.Response(201, json=state(0, 0, {}))
        return httpx.Response(404, json={"detail": {"message": "no such session"}})

    async def scenario() -> Student:
        async with fake_http(handler) as http:
            student = Student(0, config(["http://a", "http://b"]), http)
            await student.create()
            with pytest.raises(SessionLost):
                await student.forward(0)
            return student

    student = run_apart(scenario)
    assert hosts == ["a", "b"]
    assert student.ledger is None
    assert [(sid, why.split(":")[0]) for _, sid, why in student.record.lost] == [
        ("s1", "forward")]
    assert [(e.kind, e.ok) for e in student.record.events] == [("create", True),
                                                                 ("forward", False)]


def test_a_5xx_or_a_refused_connection_is_unavailable_not_lost() -> None:
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            return httpx.Response(201, json=state(0, 0, {}))
        if calls["n"] == 2:
            return httpx.Response(503, json={"detail": {"message": "busy"}})
        raise httpx.ConnectError("refused", request=request)

    async def scenario() -> Student:
        async with fake_http(handler) as http:
            student = Student(0, config(["http://a"]), http)
            await student.create()
            for _ in range(2):
                with pytest.raises(Unavailable):
                    await student.forward(0)
            return student

    student = run_apart(scenario)
    assert student.record.lost == [] and student.ledger is not None
    assert [(e.ok, e.detail) for e in student.record.events[1:]] == [
        (False, "503"), (False, "ConnectError")]


def test_a_reload_whose_state_lost_history_is_a_lost_session() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=state(1, 50, {}))

    async def scenario() -> Student:
        async with fake_http(handler) as http:
            student = Student(0, config(["http://a"]), http)
            student.ledger = SessionLedger("s1")
            student.ledger.note_saved_state(state(1, 50, {1: 0.9}))
            with pytest.raises(SessionLost):
                await student.reload()
            return student

    student = run_apart(scenario)
    assert "epoch 1 missing" in student.record.lost[0][2]


def record(events: list[tuple[str, float, float, bool]]) -> StudentRecord:
    return StudentRecord(0, events=[Event(k, t0, t1, ok) for k, t0, t1, ok in events])


def test_recovery_is_the_longest_a_student_waited_to_be_served_after_the_kill() -> None:
    calm = record([("forward", 5, 6, True), ("forward", 12, 12.1, True)])
    assert student_recovery(calm, 10) == pytest.approx(0.1)  # its next request's time
    assert not moved_or_failed(calm, 10)
    hit = record([("forward", 9, 10.5, False), ("ws_open", 11, 11.2, False),
                  ("forward", 11, 11.5, True),  # started before the last failure ended
                  ("ws_open", 12, 13.5, True)])
    assert student_recovery(hit, 10) == pytest.approx(3.5)
    assert moved_or_failed(hit, 10)
    assert student_recovery(record([("ws_open", 11, 12, False)]), 10) == math.inf
    in_flight = record([("landscape", 8, 12, True), ("forward", 13, 13.1, True)])
    assert student_recovery(in_flight, 10) == pytest.approx(2)
    moved = record([("forward", 10.2, 10.3, True), ("resume", 10.5, 14, True)])
    assert student_recovery(moved, 10) == pytest.approx(4)
    assert moved_or_failed(moved, 10)


def test_summary_counts_forwards_epochs_and_errors_around_the_kill() -> None:
    a = record([("forward", 0, 0.01, True), ("forward", 1, 1.03, True),
                ("forward", 2, 2.5, False), ("ws", 19, 21, False), ("ws_open", 22, 23, True)])
    a.epochs, a.steps = 4, 200
    b = StudentRecord(1, epochs=6, steps=300)
    s = summarize([a, b], start=0, end=50, kills=[(20.0, "node")])
    assert s.forwards == 2
    assert s.forward_p50_ms == pytest.approx(20.0)
    assert s.epochs_per_s == pytest.approx(0.2) and s.steps_per_s == pytest.approx(10)
    assert dict(s.errors_before) == {"forward": 1} and dict(s.errors_after) == {"ws": 1}
    assert s.recoveries[0].affected == 1 and s.recoveries[0].seconds == pytest.approx(3)
