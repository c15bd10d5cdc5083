"""A training step's outputs cross from its thread to the event loop together: one thread hop
(and one turn of the training limiter) a step, however many outputs it has (progress, a
probe's frames and message, an epoch's end), in the order the page always got them."""

from __future__ import annotations

from typing import Any

from server.runtime import session_runtime
from server.runtime import train_loop as train_loop_module
from server.runtime.train_loop import TrainControl, TrainOrder, train_command, train_steps
from tests.server.helpers import of_type, receive_until
from tests.server.test_train_loop import _drain, _place


def test_train_steps_yields_each_steps_outputs_as_one_list(tmp_path, monkeypatch):
    monkeypatch.setattr(train_loop_module, "SAVE_EVERY_SECONDS", float("inf"))  # not by time
    place = _place(tmp_path)
    control = TrainControl()
    control.set_probe(1000.0, layers=["dense1"], kinds=["output"])
    steps, reason = _drain(train_steps(place.run, TrainOrder(seq=3, unit="epochs", count=1),
                                       control, lambda: False))
    assert reason == "completed"
    count = place.session.training_or_raise().trainer.global_step
    assert len(steps) == count + 1  # one list a step, then the epoch's end (its evaluation)
    first = steps[0]  # the first step is always probed
    assert [kind for kind, _ in first] == ["json", "bytes", "json"]
    assert first[0][1]["type"] == "progress" and first[0][1]["step"] == 1
    assert first[2][1]["type"] == "trace" and first[2][1]["probe"] is True
    assert [step[0][1]["type"] for step in steps] == ["progress"] * count + ["epoch_end"]
    assert place.saves == 1  # after the epoch's end, not inside any list

def test_a_websocket_train_hops_once_a_step(client, session, monkeypatch):
    hops: list[int] = []
    real_next = session_runtime._next

    def counted(steps: Any) -> Any:
        outputs = real_next(steps)
        hops.append(0 if outputs is session_runtime._END else len(outputs))
        return outputs

    monkeypatch.setattr(session_runtime, "_next", counted)
    with client.websocket_connect(f"/api/sessions/{session['id']}/ws") as ws:
        ws.receive_json()
        ws.send_json({"seq": 0, "cmd": "set_probe_rate", "per_second": 30})
        receive_until(ws, 0)
        ws.send_json({"seq": 1, "cmd": "train", "unit": "batches", "count": 3})
        messages, frames = receive_until(ws, 1)
    progress = of_type(messages, "progress")
    assert [p["step"] for p in progress] == [1, 2, 3]
    assert frames  # the first step was probed: it had three outputs
    assert messages[-1]["type"] == "done"
    # three steps, the done message, the end: a hop each, and the first carried the probe
    assert len(hops) == 3 + 2 and hops[0] == 3 and hops[3] == 1 and hops[4] == 0
    traces = of_type(messages, "trace")  # each came as its frames, then its message
    assert sum(hops) == len(messages) - 1 + len(traces)  # every output but the ack


def test_closing_the_one_by_one_command_mid_step_still_saves_and_releases(tmp_path):
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
