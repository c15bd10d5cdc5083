"""The training loop of one ``train`` command, as a plain generator of outputs.

:func:`train_loop` steps until done, stopped or diverged, and yields, in the order the page
gets them, ``("json", message)`` and ``("bytes", frames)`` outputs (docs/protocol.md,
"WebSocket"); it returns the reason (``completed``, ``stopped`` or ``diverged``). It runs
where the session lives (a worker thread in-process, an actor elsewhere): ``run(job, save)``
runs ``job(session)`` under the session lock, so each step takes the lock once and a forward
waits at most one batch. What the page may change while it runs is a :class:`TrainControl`,
read before each step. The session is saved after every epoch and at least every
``SAVE_EVERY_SECONDS``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal, TypeVar

from engine.train_events import Cancelled, Diverged, EpochEnd, StepProgress
from server.errors import ApiError
from server.sessions.planar import grid_frames, planar_of
from server.sessions.session import Session
from server.sessions.strict_model import SampleRef
from server.sessions.traces import PROBE_KINDS, TraceRequest, run_trace
from server.sessions.training import Emitted

SAVE_EVERY_SECONDS = 5.0  # a long train is also saved at a batch boundary this often
GRID_EVERY_SECONDS = 1 / 30  # a train with "grid" sends heat maps at most this often
log = logging.getLogger(__name__)

T = TypeVar("T")
Output = tuple[Literal["json"], dict[str, Any]] | tuple[Literal["bytes"], list[bytes]]
Run = Callable[[Callable[[Session], Any], bool], Any]  # run(job, save) under the lock
Frames = tuple[list[bytes], dict[str, Any]]


def position(session: Session) -> dict[str, int]:
    """Where its training stands: completed epochs and steps taken."""
    training = session.training
    if training is None:
        return {"epoch": 0, "step": 0}
    return {"epoch": training.trainer.epoch, "step": training.trainer.global_step}


@dataclass(frozen=True)
class TrainOrder:
    """What a ``train`` command asks: ``count`` of ``unit``; ``grid``: the lab's heat maps
    of this size as it goes."""

    seq: int
    unit: Literal["samples", "batches", "epochs"]
    count: int
    grid: int | None = None


class TrainControl:
    """What one page can change while its train runs: the probe (its rate per second, None
    for the session's ``settings.probe_rate``, and what it traces) and whether the page has
    gone. Read by the loop before each step; changed from the page's side at any time."""

    def __init__(self) -> None:
        self._gone = threading.Event()
        self.probe_rate: float | None = None
        self.probe = TraceRequest(sample=SampleRef(split="val", index=0), kinds=PROBE_KINDS,
                                  with_update=False, probe=True)

    def leave(self) -> None:
        """The page has gone: its train stops at the next step."""
        self._gone.set()

    @property
    def gone(self) -> bool:
        return self._gone.is_set()

    def set_probe(self, per_second: float, sample: SampleRef | None = None,
                  layers: list[str] | None = None, kinds: list[str] | None = None,
                  dtype: Literal["float32", "uint8"] | None = None) -> None:
        """``set_probe_rate``: the new rate; the sample, layers, kinds and dtype it names
        (None keeps the current one). Checked by the caller first."""
        self.probe_rate = per_second
        probe = TraceRequest(sample=self.probe.sample, label=self.probe.label,
                             layers=self.probe.layers, kinds=self.probe.kinds,
                             dtype=self.probe.dtype, with_update=False, probe=True)
        if sample is not None:
            probe.sample = sample
        if layers is not None:
            probe.layers = layers
        if kinds is not None:
            probe.kinds = tuple(kinds)
        if dtype is not None:
            probe.dtype = dtype
        self.probe = probe  # replaced whole: the loop never sees half of a change


def train_command(run: Run, order: TrainOrder, control: TrainControl,
                  stopping: Callable[[], bool], claim: Callable[[], bool],
                  release: Callable[[], None]) -> Generator[Output, None, None]:
    """A whole ``train`` command: refused before anything is trained when the lab's grid
    cannot be drawn, or (409 naming ``session``) when ``claim()`` says another page trains
    the session; then :func:`train_loop`; then, trained or not, the session saved and
    ``release()``d, and the ``done`` message with its state."""
    if order.grid is not None:
        run(lambda s: planar_of(s, "grid"), False)
    if not claim():
        raise ApiError(409, "session: another page of this session is training it; stop "
                       "that first", "session")
    reason = "completed"
    try:
        reason = yield from train_loop(run, order, control, stopping)
    finally:
        try:
            state = run(lambda s: s.state(), True)
        finally:
            release()
        state["training"] = False
    yield ("json", {"seq": order.seq, "type": "done", "cmd": "train", "reason": reason,
                    "state": state})


def train_loop(run: Run, order: TrainOrder, control: TrainControl,
               stopping: Callable[[], bool]) -> Generator[Output, None, str]:
    """Steps until done, stopped (``stopping()`` before a step) or diverged; with ``grid``,
    heat maps as it goes (at most every GRID_EVERY_SECONDS, each after a step) and once
    after the last step. Yields the outputs, returns the reason."""
    if order.grid is None:
        return (yield from _steps(run, order, control, stopping, None))
    pending = [False]  # a step has happened since the last grid was sent
    reason = yield from _steps(run, order, control, stopping, pending)
    size = order.grid
    if pending[0] and not control.gone:
        frames, message = run(lambda s: grid_frames(s, size, order.seq), False)
        yield ("bytes", frames)
        yield ("json", message)
    return reason


def _steps(run: Run, order: TrainOrder, control: TrainControl, stopping: Callable[[], bool],
           pending: list[bool] | None) -> Generator[Output, None, str]:
    seq = order.seq
    default_rate = run(lambda s: s.settings.probe_rate, False)  # fixed while it trains
    last_grid = float("-inf")  # the first step always brings a grid
    last_probe = 0.0
    probing = True  # until a probe fails: that is reported once, then no more probes
    last_save = time.monotonic()
    steps = 0
    epochs_left = order.count if order.unit == "epochs" else 0
    epoch_iter: Iterator[Any] | None = None
    while True:
        if stopping() or control.gone:
            if epoch_iter is not None:
                epoch_iter.close()  # type: ignore[attr-defined]
            return "stopped"
        if order.unit == "epochs":
            if epoch_iter is None:
                if epochs_left == 0:
                    return "completed"
                epoch_iter = run(lambda s: s.training_or_raise().trainer.run_epoch(
                    lambda: stopping() or control.gone), False)
                epochs_left -= 1
            step: Callable[[Session], list[Emitted]] = partial(Session.next_epoch_events,
                                                               epoch=epoch_iter)
        else:
            if steps >= order.count:
                return "completed"
            step = partial(Session.step_events, unit=order.unit)
            steps += 1
        rate = control.probe_rate if control.probe_rate is not None else default_rate
        now = time.monotonic()
        probe = None
        if probing and rate > 0 and now - last_probe >= 1.0 / rate and not control.gone:
            probe, last_probe = control.probe, now
        grid_due = pending is not None and order.grid is not None and \
            now - last_grid >= GRID_EVERY_SECONDS
        events, traced, grid = run(partial(step_and_probe, step=step, probe=probe, seq=seq,
                                           grid=order.grid if grid_due else None), False)
        if not events:
            epoch_iter = None
            continue
        outcome = None
        for item in events:
            if isinstance(item.event, Cancelled):
                outcome = "stopped"
                continue
            yield ("json", {"seq": seq, **item.message_json})
            if isinstance(item.event, Diverged):
                outcome = "diverged"
        if pending is not None and any(isinstance(e.event, StepProgress) for e in events):
            pending[0] = grid is None
            if grid is not None:
                last_grid = now
                yield ("bytes", grid[0])
                yield ("json", grid[1])
        if isinstance(traced, Exception):
            probing = False
            yield ("json", probe_failed(seq, traced))
        elif traced is not None:
            yield ("bytes", traced[0])
            yield ("json", traced[1])
        if outcome is not None:
            if epoch_iter is not None:
                epoch_iter.close()  # type: ignore[attr-defined]
            return outcome
        epoch_ended = any(isinstance(e.event, EpochEnd) for e in events)
        if epoch_ended or time.monotonic() - last_save >= SAVE_EVERY_SECONDS:
            run(lambda s: None, True)
            last_save = time.monotonic()
        if epoch_ended and order.unit == "epochs":
            epoch_iter = None


def probe_failed(seq: int, exc: Exception) -> dict[str, Any]:
    """A probe that could not be traced: one ``error`` (the train goes on, unprobed)."""
    if isinstance(exc, ApiError):
        field, reason = exc.field, exc.message
    else:
        log.error("a probe failed", exc_info=exc)
        field, reason = None, f"internal error ({type(exc).__name__})"
    return {"seq": seq, "type": "error", "field": field,
            "message": f"probe: {reason}; training goes on without probes (send "
                       "set_probe_rate to set another probe)"}


def step_and_probe(session: Session, step: Callable[[Session], list[Emitted]],
                   probe: TraceRequest | None, seq: int, grid: int | None = None
                   ) -> tuple[list[Emitted], Frames | Exception | None, Frames | None]:
    """One training step and, when due, a probe trace and a lab grid at the new weights:
    one call, so they take the session lock once. A probe that fails (no such sample,
    e.g. an empty validation split) is returned as its exception: the step's events still
    count. The grid comes only after a step that happened (a StepProgress)."""
    events = step(session)
    frames = None
    if grid is not None and any(isinstance(e.event, StepProgress) for e in events):
        frames = grid_frames(session, grid, seq)
    if probe is None or not events or any(
            isinstance(e.event, Diverged | Cancelled) for e in events):
        return events, None, frames
    try:
        return events, run_trace(session, probe, seq), frames
    except Exception as exc:  # reported by the loop; the step above has happened
        return events, exc, frames
