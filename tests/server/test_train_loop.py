"""The training loop as a plain generator (server.runtime.train_loop), driven without a
socket or a thread: outputs in order, the reason returned, one lock per step, the page's
control read before each step."""

from __future__ import annotations

from typing import Any

from server.runtime import train_loop as train_loop_module
from server.runtime.train_loop import TrainControl, TrainOrder, train_command, train_loop
from server.sessions.ids import new_session_id
from server.sessions.session import Session
from server.sessions.settings import TrainSettings
from tests.server.conftest import app_settings

SMALL = {"dataset_size": 300, "batch_size": 50, "probe_rate": 0}  # 4 or 5 steps an epoch


class Place:
    """Where the session lives: runs each job on it, counting the jobs and the saves."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.jobs = 0
        self.saves = 0

    def run(self, job: Any, save: bool) -> Any:
        self.jobs += 1
        self.saves += save
        return job(self.session)


def _place(tmp_path: Any) -> Place:
    return Place(Session.create(new_session_id(), app_settings(data_dir=tmp_path), None,
                                TrainSettings(**SMALL)))


def _drain(outputs: Any) -> tuple[list[Any], Any]:
    got = []
    try:
        while True:
            got.append(next(outputs))
    except StopIteration as end:
        return got, end.value


def test_batches_stream_one_progress_each_and_take_the_lock_once_a_step(tmp_path):
    place = _place(tmp_path)
    order = TrainOrder(seq=4, unit="batches", count=3)
    outputs, reason = _drain(train_loop(place.run, order, TrainControl(), lambda: False))
    assert reason == "completed"
    assert [(kind, m["type"], m["seq"], m["step"]) for kind, m in outputs] == [
        ("json", "progress", 4, 1), ("json", "progress", 4, 2), ("json", "progress", 4, 3)]
    assert place.jobs == 1 + 3  # the probe rate once, then one job per step
    assert place.session.training_or_raise().trainer.global_step == 3


def test_an_epoch_ends_with_its_record_and_a_save(tmp_path, monkeypatch):
    monkeypatch.setattr(train_loop_module, "SAVE_EVERY_SECONDS", float("inf"))  # not by time
    place = _place(tmp_path)
    order = TrainOrder(seq=1, unit="epochs", count=1)
    outputs, reason = _drain(train_loop(place.run, order, TrainControl(), lambda: False))
    assert reason == "completed"
    steps = place.session.training_or_raise().trainer.global_step
    assert steps >= 4
    assert [m["type"] for _, m in outputs] == ["progress"] * steps + ["epoch_end"]
    assert outputs[-1][1]["epoch"] == 1 and place.saves == 1


def test_a_page_that_leaves_stops_the_loop_before_the_next_step(tmp_path):
    place = _place(tmp_path)
    control = TrainControl()
    loop = train_loop(place.run, TrainOrder(seq=2, unit="batches", count=10), control,
                      lambda: False)
    first = next(loop)
    assert first[1]["step"] == 1
    control.leave()
    rest, reason = _drain(loop)
    assert rest == [] and reason == "stopped"
    assert place.session.training_or_raise().trainer.global_step == 1


def test_a_probe_set_while_it_runs_is_read_before_the_next_step(tmp_path):
    place = _place(tmp_path)
    control = TrainControl()
    loop = train_loop(place.run, TrainOrder(seq=3, unit="batches", count=2), control,
                      lambda: False)
    assert next(loop)[1]["type"] == "progress"  # no probe: the settings' rate is 0
    control.set_probe(30.0, layers=["dense1"], kinds=["output"])
    kinds = [kind for kind, _ in _drain(loop)[0]]
    assert kinds == ["json", "bytes", "json"]  # progress, the probe's frames, its message


def test_the_command_is_refused_when_another_page_trains_and_saves_at_its_end(
        tmp_path, monkeypatch):
    monkeypatch.setattr(train_loop_module, "SAVE_EVERY_SECONDS", float("inf"))  # not by time
    place = _place(tmp_path)
    order = TrainOrder(seq=5, unit="batches", count=1)
    refused = train_command(place.run, order, TrainControl(), lambda: False,
                            claim=lambda: False, release=lambda: None)
    try:
        next(refused)
    except Exception as exc:  # an ApiError naming session, before anything is trained
        assert getattr(exc, "field", None) == "session" and getattr(exc, "status", 0) == 409
    else:
        raise AssertionError("not refused")
    assert place.jobs == 0
    released = []
    outputs, _ = _drain(train_command(place.run, order, TrainControl(), lambda: False,
                                      claim=lambda: True, release=lambda: released.append(1)))
    done = outputs[-1][1]
    assert done["type"] == "done" and done["reason"] == "completed" and done["seq"] == 5
    assert done["state"]["step"] == 1 and done["state"]["training"] is False
    assert released == [1] and place.saves == 1


def test_closing_the_command_mid_step_still_saves_and_releases(tmp_path):
    place = _place(tmp_path)
    control = TrainControl()
    control.set_probe(1000.0, layers=["dense1"], kinds=["output"])
    released: list[int] = []
    outputs = train_command(place.run, TrainOrder(seq=6, unit="batches", count=5), control,
                            lambda: False, claim=lambda: True,
                            release=lambda: released.append(1))
    kind, first = next(outputs)
    assert isinstance(first, dict)
    assert kind == "json" and first["type"] == "progress"  # the first of three outputs
    outputs.close()
    assert released == [1] and place.saves == 1  # the command's last save
    assert place.session.training_or_raise().trainer.global_step == 1
