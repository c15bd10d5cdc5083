"""One WebSocket attached to one session (docs/protocol.md, "WebSocket").

Two tasks per socket: the receiver parses commands (``stop`` and ``set_probe_rate`` act at
once, everything else is queued) and the runner executes queued commands one at a time.
Engine work runs in worker threads under the session lock, one batch per call, so another
request on the same session (a forward, say) waits at most one batch, and a stop or a
disconnect takes effect at the next batch boundary. The session is saved after every epoch
and at the end of every command that changed it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import anyio.to_thread
from pydantic import ValidationError
from starlette.websockets import WebSocket, WebSocketDisconnect

from engine.train_events import Cancelled, Diverged, EpochEnd, StepProgress
from server.errors import ApiError
from server.http.error_handlers import validation_body, ws_error, ws_refusal
from server.http.schemas.commands import (
    COMMAND,
    COMMAND_NAMES,
    IMMEDIATE,
    TRAIN_LIMITS,
    Grid,
    Landscape,
    Rewind,
    SetProbeRate,
    State,
    Stop,
    Trace,
    Train,
)
from server.runtime.manager import SessionManager
from server.runtime.worker import run_locked, training_limiter
from server.sessions.landscape import next_surface, surfaces
from server.sessions.landscape_request import LandscapeBody
from server.sessions.planar import grid_frames, planar_of
from server.sessions.session import Session
from server.sessions.strict_model import SampleRef
from server.sessions.traces import PROBE_KINDS, TraceRequest, check_probe, run_trace

CLOSE_UNKNOWN = 4404
CLOSE_DELETED = 4410
MAX_QUEUED = 64  # commands waiting their turn on one socket
SAVE_EVERY_SECONDS = 5.0  # a long train is also saved at a batch boundary this often
GRID_EVERY_SECONDS = 1 / 30  # a train with "grid" sends heat maps at most this often
log = logging.getLogger(__name__)


class Connection:
    def __init__(self, websocket: WebSocket, manager: SessionManager, session_id: str) -> None:
        self.ws = websocket
        self.manager = manager
        self.session_id = session_id
        self.session: Session | None = None
        self.queue: asyncio.Queue[Any] = asyncio.Queue()
        self.send_lock = asyncio.Lock()
        self.open = True
        self.deleted = asyncio.Event()
        self.probe_rate: float | None = None  # None: the session's settings.probe_rate
        self.probe = TraceRequest(sample=SampleRef(split="val", index=0), kinds=PROBE_KINDS,
                                  with_update=False, probe=True)
        # the dispatch table: one handler per command of schemas/commands.py, by its name
        self.handlers: dict[str, Callable[[Any], Awaitable[None]]] = {
            name: getattr(self, f"on_{name}") for name in COMMAND_NAMES}

    # -- sending ------------------------------------------------------------------------
    async def send_json(self, message: dict[str, Any]) -> None:
        if not self.open:
            return
        text = json.dumps(message, allow_nan=False, separators=(",", ":"))
        async with self.send_lock:
            try:
                await self.ws.send_text(text)
            except (WebSocketDisconnect, RuntimeError, OSError):
                self.open = False

    async def send_bytes(self, frames: list[bytes]) -> None:
        if not self.open:
            return
        async with self.send_lock:
            try:
                for frame in frames:
                    await self.ws.send_bytes(frame)
            except (WebSocketDisconnect, RuntimeError, OSError):
                self.open = False

    async def error(self, seq: int | None, field: str | None, message: str) -> None:
        await self.send_json(ws_error(seq, field, message))

    # -- life cycle ---------------------------------------------------------------------
    async def serve(self) -> None:
        await self.ws.accept()
        try:
            self.session = await anyio.to_thread.run_sync(
                lambda: self.manager.get(self.session_id, hold=True))
        except ApiError as exc:  # none (404), or one that cannot be loaded (409)
            await self.error(None, "id", "no such session" if exc.status == 404
                             else exc.message)
            await self.ws.close(CLOSE_UNKNOWN)
            return
        session = self.session
        loop = asyncio.get_running_loop()

        def watcher() -> None:
            loop.call_soon_threadsafe(self.deleted.set)

        session.watchers.append(watcher)
        session.sockets += 1
        runner = asyncio.create_task(self.run_commands())
        receiver = asyncio.create_task(self.receive_commands())
        deleted = asyncio.create_task(self.deleted.wait())
        owner = session.training_owner
        if isinstance(owner, Connection) and not owner.open:
            # a page that went away mid-train: its run stops at the next batch boundary and
            # saves; wait for that, so this page starts from where it really is
            await anyio.to_thread.run_sync(session.idle.wait, 60.0)
        try:
            await self.send_json({"seq": None, "type": "state",
                                  "state": await self.call(lambda s: s.state())})
            await asyncio.wait({receiver, deleted}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            closing_for_delete = self.deleted.is_set()
            if session.training_owner is self:
                session.stop_event.set()
            receiver.cancel()
            deleted.cancel()
            await self.queue.put(None)
            try:
                await runner  # ends at the next batch boundary, saving the session
            finally:
                session.sockets -= 1
                self.manager.release(session)
                if watcher in session.watchers:
                    session.watchers.remove(watcher)
                if closing_for_delete and self.open:
                    self.open = False
                    try:
                        await self.ws.close(CLOSE_DELETED)
                    except (RuntimeError, OSError):
                        pass

    async def receive_commands(self) -> None:
        while True:
            try:
                message = await self.ws.receive()
            except (WebSocketDisconnect, RuntimeError):
                break
            if message["type"] == "websocket.disconnect":
                break
            text = message.get("text")
            if text is None:
                await self.error(None, "message", "commands are JSON text frames")
                continue
            try:
                await self.handle_text(text)
            except Exception as exc:  # a bug: answer, log, keep the socket for the next one
                log.error("session %s: a command frame of %d characters failed",
                          self.session_id, len(text), exc_info=exc)
                await self.error(None, "message", f"message: internal error "
                                 f"({type(exc).__name__}); the command was not run")
        self.open = False

    async def handle_text(self, text: str) -> None:
        try:
            raw = json.loads(text)
        except ValueError:
            await self.error(None, "message", "not valid JSON")
            return
        except RecursionError:
            log.warning("session %s: refused a command frame nested too deeply (%d "
                        "characters)", self.session_id, len(text))
            await self.error(None, "message", "message: nested too deeply to be a command")
            return
        seq = raw.get("seq") if isinstance(raw, dict) else None
        seq = seq if isinstance(seq, int) and not isinstance(seq, bool) else None
        try:
            command = COMMAND.validate_python(raw)
        except ValidationError as exc:
            errors = list(exc.errors())
            if errors and errors[0]["type"] in ("union_tag_invalid", "union_tag_not_found"):
                await self.error(seq, "cmd", f"cmd: must be one of {', '.join(COMMAND_NAMES)}")
                return
            detail = validation_body(errors)["detail"]
            field = detail["field"]
            if field and "." in field and field.split(".")[0] in COMMAND_NAMES:
                field = field.split(".", 1)[1]  # drop the union tag pydantic puts first
                detail["message"] = f"{field}: {detail['message'].split(': ', 1)[-1]}"
            await self.error(seq, field, detail["message"])
            return
        if command.cmd in IMMEDIATE:
            await self.handlers[command.cmd](command)
            return
        if isinstance(command, Train) and command.count > TRAIN_LIMITS[command.unit]:
            await self.error(command.seq, "count", f"count: at most "
                             f"{TRAIN_LIMITS[command.unit]} {command.unit} per command")
            return
        if self.queue.qsize() >= MAX_QUEUED:
            await self.error(command.seq, "cmd", f"cmd: {MAX_QUEUED} commands are already "
                             "waiting; wait for their replies")
            return
        await self.send_json({"seq": command.seq, "type": "ack", "cmd": command.cmd})
        await self.queue.put(command)

    # -- the commands, one handler each (``on_<cmd>``, the table in __init__) ------------
    async def on_stop(self, command: Stop) -> None:
        assert self.session is not None
        if self.session.training_owner is not None:
            self.session.stop_event.set()
        await self.send_json({"seq": command.seq, "type": "ack", "cmd": "stop"})
        await self.send_json({"seq": command.seq, "type": "done", "cmd": "stop",
                              "reason": "completed"})

    async def on_set_probe_rate(self, command: SetProbeRate) -> None:
        assert self.session is not None
        try:
            if not self.session.resident:  # unloaded to disk while idle: bring it back
                await self.call(lambda s: None)
            check_probe(self.session, command.sample, command.layers)
        except ApiError as exc:
            await self.send_json(ws_refusal(command.seq, exc))
            return
        self.set_probe(command)
        await self.send_json({"seq": command.seq, "type": "ack", "cmd": command.cmd})
        await self.send_json({"seq": command.seq, "type": "done", "cmd": command.cmd,
                              "reason": "completed"})

    async def on_rewind(self, command: Rewind) -> None:
        state = await self.call(partial(Session.rewind, epoch=command.epoch), save=True)
        await self.done(command.seq, "rewind", "completed", state)

    async def on_grid(self, command: Grid) -> None:
        await self.grid(command.seq, command.size)
        await self.done(command.seq, "grid", "completed", None)

    async def on_state(self, command: State) -> None:
        await self.send_json({"seq": command.seq, "type": "state",
                              "state": await self.call(lambda s: s.state())})
        await self.done(command.seq, "state", "completed", None)

    def set_probe(self, command: SetProbeRate) -> None:
        self.probe_rate = command.per_second
        if command.sample is not None:
            self.probe.sample = command.sample
        if command.layers is not None:
            self.probe.layers = command.layers
        if command.kinds is not None:
            self.probe.kinds = tuple(command.kinds)
        if command.dtype is not None:
            self.probe.dtype = command.dtype

    # -- running ------------------------------------------------------------------------
    async def call(self, job: Callable[[Session], Any], save: bool = False,
                   heavy: bool = False) -> Any:
        """``job`` in a worker thread under the session lock. ``heavy`` work (training steps,
        probes, loss surfaces) also waits for one of the few training threads, so that
        however many sessions train, a forward request competes with at most that many."""
        session = self.session
        assert session is not None
        limiter = training_limiter(self.manager.settings.training_threads) if heavy else None
        return await anyio.to_thread.run_sync(run_locked, self.manager, session, job, save,
                                              limiter=limiter)

    async def run_commands(self) -> None:
        while True:
            command = await self.queue.get()
            if command is None:
                return
            if not self.open:
                continue  # the page has gone: its queued commands are dropped, not run
            try:
                await self.handlers[command.cmd](command)
            except ApiError as exc:
                await self.send_json(ws_refusal(command.seq, exc))
            except Exception as exc:  # a bug: answer this command, keep running the others
                log.error("session %s: %s command %s failed", self.session_id, command.cmd,
                          command.seq, exc_info=exc)
                await self.error(command.seq, None, f"{command.cmd}: internal error "
                                 f"({type(exc).__name__}); the command did not complete")

    async def done(self, seq: int, cmd: str, reason: str, state: dict[str, Any] | None) -> None:
        message: dict[str, Any] = {"seq": seq, "type": "done", "cmd": cmd, "reason": reason}
        if state is not None:
            message["state"] = state
        await self.send_json(message)

    async def on_trace(self, command: Trace) -> None:
        req = TraceRequest(sample=command.sample, label=command.label, layers=command.layers,
                           kinds=tuple(command.kinds) if command.kinds else TraceRequest().kinds,
                           dtype=command.dtype, with_update=True, probe=False)
        frames, message = await self.call(lambda s: run_trace(s, req, command.seq))
        await self.send_bytes(frames)
        await self.send_json(message)
        await self.done(command.seq, "trace", "completed", None)

    async def grid(self, seq: int, size: int) -> None:
        """One grid: its frames, then its ``grid`` message."""
        frames, message = await self.call(lambda s: grid_frames(s, size, seq))
        await self.send_bytes(frames)
        await self.send_json(message)

    async def on_landscape(self, command: Landscape) -> None:
        body = LandscapeBody(directions=command.directions, grid=command.grid,
                             span=command.span, eval_size=command.eval_size)
        it = await self.call(lambda s: surfaces(s, body), heavy=True)
        while self.open:
            item = await self.call(partial(next_surface, it=it, body=body), heavy=True)
            if item is None:
                break
            await self.send_json({"seq": command.seq, "type": "landscape", **item})
        await self.done(command.seq, "landscape", "completed", None)

    # -- training -----------------------------------------------------------------------
    async def on_train(self, command: Train) -> None:
        session = self.session
        assert session is not None
        if command.grid is not None:  # refused before anything is trained
            await self.call(lambda s: planar_of(s, "grid"))
        if not await anyio.to_thread.run_sync(session.start_training, self):
            await self.error(command.seq, "session", "session: another page of this session "
                             "is training it; stop that first")
            return
        reason = "completed"
        try:
            reason = await self._train_loop(command)
        finally:
            try:
                state = await self.call(lambda s: s.state(), save=True)
            finally:
                session.end_training()
            state["training"] = False
        await self.done(command.seq, "train", reason, state)

    def _stopping(self) -> bool:
        session = self.session
        assert session is not None
        return session.stop_event.is_set() or not self.open or session.closed

    async def _train_loop(self, command: Train) -> str:
        """Steps until done, stopped or diverged; with ``grid``, heat maps as it goes (at
        most every GRID_EVERY_SECONDS, each after a step) and once after the last step."""
        if command.grid is None:
            return await self._train_steps(command, None)
        pending = [False]  # a step has happened since the last grid was sent
        reason = await self._train_steps(command, pending)
        if pending[0] and self.open:
            await self.grid(command.seq, command.grid)
        return reason

    async def _train_steps(self, command: Train, pending: list[bool] | None) -> str:
        seq = command.seq
        last_grid = float("-inf")  # the first step always brings a grid
        last_probe = 0.0
        probing = True  # until a probe fails: that is reported once, then no more probes
        last_save = time.monotonic()
        steps = 0
        epochs_left = command.count if command.unit == "epochs" else 0
        epoch_iter: Any = None
        while True:
            if self._stopping():
                if epoch_iter is not None:
                    epoch_iter.close()
                return "stopped"
            if command.unit == "epochs":
                if epoch_iter is None:
                    if epochs_left == 0:
                        return "completed"
                    epoch_iter = await self.call(lambda s: s.training_or_raise().trainer
                                                 .run_epoch(self._stopping))
                    epochs_left -= 1
                step: Callable[[Session], list[Any]] = partial(Session.next_epoch_events,
                                                               epoch=epoch_iter)
            else:
                if steps >= command.count:
                    return "completed"
                step = partial(Session.step_events, unit=command.unit)
                steps += 1
            rate = self.probe_rate if self.probe_rate is not None else \
                (self.session.settings.probe_rate if self.session else 0.0)
            now = time.monotonic()
            probe = None
            if probing and rate > 0 and now - last_probe >= 1.0 / rate and self.open:
                probe, last_probe = self.probe, now
            grid_due = (pending is not None and command.grid is not None
                        and now - last_grid >= GRID_EVERY_SECONDS)
            events, traced, grid = await self.call(
                partial(_step_and_probe, step=step, probe=probe, seq=seq,
                        grid=command.grid if grid_due else None), heavy=True)
            if not events:
                epoch_iter = None
                continue
            outcome = await self._emit(seq, events)
            if pending is not None and any(isinstance(e.event, StepProgress) for e in events):
                pending[0] = grid is None
                if grid is not None:
                    last_grid = now
                    await self.send_bytes(grid[0])
                    await self.send_json(grid[1])
            if isinstance(traced, Exception):
                probing = False
                await self._probe_failed(seq, traced)
            elif traced is not None:
                await self.send_bytes(traced[0])
                await self.send_json(traced[1])
            if outcome is not None:
                if epoch_iter is not None:
                    epoch_iter.close()
                return outcome
            epoch_ended = any(isinstance(e.event, EpochEnd) for e in events)
            if epoch_ended or time.monotonic() - last_save >= SAVE_EVERY_SECONDS:
                await self.call(lambda s: None, save=True)
                last_save = time.monotonic()
            if epoch_ended and command.unit == "epochs":
                epoch_iter = None

    async def _probe_failed(self, seq: int, exc: Exception) -> None:
        """A probe that could not be traced: one ``error`` (the train goes on, unprobed)."""
        if isinstance(exc, ApiError):
            field, reason = exc.field, exc.message
        else:
            log.error("probe of session %s failed", self.session_id, exc_info=exc)
            field, reason = None, f"internal error ({type(exc).__name__})"
        await self.error(seq, field, f"probe: {reason}; training goes on without probes "
                         "(send set_probe_rate to set another probe)")

    async def _emit(self, seq: int, events: list[Any]) -> str | None:
        """Send the events' messages; 'diverged' or 'stopped' when training must end."""
        session = self.session
        assert session is not None
        outcome = None
        for item in events:
            if isinstance(item.event, Cancelled):
                outcome = "stopped"
                continue
            await self.send_json({"seq": seq, **item.message_json})
            if isinstance(item.event, Diverged):
                outcome = "diverged"
        return outcome



Frames = tuple[list[bytes], dict[str, Any]]


def _step_and_probe(session: Session, step: Callable[[Session], list[Any]],
                    probe: TraceRequest | None, seq: int, grid: int | None = None
                    ) -> tuple[list[Any], Frames | Exception | None, Frames | None]:
    """One training step and, when due, a probe trace and a lab grid at the new weights:
    one call, so they take the training thread once. A probe that fails (no such sample,
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
    except Exception as exc:  # reported by the caller; the step above has happened
        return events, exc, frames
