"""One WebSocket attached to one session (docs/protocol.md, "WebSocket"): the connection only.

Two tasks per socket: the receiver parses commands (``stop`` and ``set_probe_rate`` act at
once, everything else is queued) and the runner executes queued commands one at a time,
each through the runtime (``app.state.runtime``, :mod:`server.runtime.session_runtime`),
sending what it yields. Training runs in the runtime (:mod:`server.runtime.train_loop`): a
stop or a disconnect takes effect at the next batch boundary.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Iterator
from functools import partial
from typing import Any

from pydantic import ValidationError
from starlette.websockets import WebSocket, WebSocketDisconnect

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
from server.runtime.session_runtime import (
    SessionRuntime,
    SocketHandle,
    TrainControl,
    TrainOrder,
)
from server.sessions.landscape import next_surface, surfaces
from server.sessions.landscape_request import LandscapeBody
from server.sessions.planar import grid_frames
from server.sessions.session import Session
from server.sessions.traces import TraceRequest, run_trace

CLOSE_UNKNOWN = 4404
CLOSE_DELETED = 4410
MAX_QUEUED = 64  # commands waiting their turn on one socket
log = logging.getLogger(__name__)


class Connection:
    def __init__(self, websocket: WebSocket, runtime: SessionRuntime, session_id: str) -> None:
        self.ws = websocket
        self.runtime = runtime
        self.session_id = session_id
        self.socket: SocketHandle | None = None
        self.queue: asyncio.Queue[Any] = asyncio.Queue()
        self.send_lock = asyncio.Lock()
        self.control = TrainControl()  # the probe and whether this page has gone
        self.deleted = asyncio.Event()
        # the dispatch table: one handler per command of schemas/commands.py, by its name
        self.handlers: dict[str, Callable[[Any], Awaitable[None]]] = {
            name: getattr(self, f"on_{name}") for name in COMMAND_NAMES}

    @property
    def open(self) -> bool:
        return not self.control.gone

    async def closed(self) -> None:
        """The page has gone (or cannot be sent to): its train stops at the next step."""
        if self.socket is not None:
            await self.runtime.leave(self.socket, self.control)
        else:
            self.control.leave()

    # -- sending ------------------------------------------------------------------------
    async def send_json(self, message: dict[str, Any]) -> None:
        if not self.open:
            return
        text = json.dumps(message, allow_nan=False, separators=(",", ":"))
        async with self.send_lock:
            try:
                await self.ws.send_text(text)
            except (WebSocketDisconnect, RuntimeError, OSError):
                await self.closed()

    async def send_bytes(self, frames: list[bytes]) -> None:
        if not self.open:
            return
        async with self.send_lock:
            try:
                for frame in frames:
                    await self.ws.send_bytes(frame)
            except (WebSocketDisconnect, RuntimeError, OSError):
                await self.closed()

    async def error(self, seq: int | None, field: str | None, message: str) -> None:
        await self.send_json(ws_error(seq, field, message))

    # -- life cycle ---------------------------------------------------------------------
    async def serve(self) -> None:
        await self.ws.accept()
        loop = asyncio.get_running_loop()

        def on_deleted() -> None:
            loop.call_soon_threadsafe(self.deleted.set)

        try:
            self.socket = await self.runtime.attach(self.session_id, on_deleted)
        except ApiError as exc:  # none (404), or one that cannot be loaded (409)
            await self.error(None, "id", "no such session" if exc.status == 404
                             else exc.message)
            await self.ws.close(CLOSE_UNKNOWN)
            return
        socket = self.socket
        runner = asyncio.create_task(self.run_commands())
        receiver = asyncio.create_task(self.receive_commands())
        deleted = asyncio.create_task(self.deleted.wait())
        try:
            await self.send_json({"seq": None, "type": "state",
                                  "state": await self.call(lambda s: s.state())})
            await asyncio.wait({receiver, deleted}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            closing_for_delete = self.deleted.is_set()
            if not closing_for_delete:
                await self.closed()
            receiver.cancel()
            deleted.cancel()
            await self.queue.put(None)
            try:
                await runner  # ends at the next batch boundary, saving the session
            finally:
                was_open = self.open
                await self.closed()
                await self.runtime.detach(socket)
                if closing_for_delete and was_open:
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
        await self.closed()

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
        assert self.socket is not None
        await self.runtime.stop(self.socket)
        await self.send_json({"seq": command.seq, "type": "ack", "cmd": "stop"})
        await self.send_json({"seq": command.seq, "type": "done", "cmd": "stop",
                              "reason": "completed"})

    async def on_set_probe_rate(self, command: SetProbeRate) -> None:
        assert self.socket is not None
        try:
            await self.runtime.set_probe(self.socket, self.control, command.per_second,
                                         command.sample, command.layers,
                                         list(command.kinds) if command.kinds else None,
                                         command.dtype)
        except ApiError as exc:
            await self.send_json(ws_refusal(command.seq, exc))
            return
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

    async def on_trace(self, command: Trace) -> None:
        req = TraceRequest(sample=command.sample, label=command.label, layers=command.layers,
                           kinds=tuple(command.kinds) if command.kinds else TraceRequest().kinds,
                           dtype=command.dtype, with_update=True, probe=False)
        seq = command.seq
        frames, message = await self.call(lambda s: run_trace(s, req, seq))
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
        items = self.runtime.stream(self.session_id, partial(_surfaces_json, body=body),
                                    heavy=True)
        try:
            async for item in items:
                if not self.open:
                    break
                await self.send_json({"seq": command.seq, "type": "landscape", **item})
        finally:
            await items.aclose()  # type: ignore[attr-defined]
        await self.done(command.seq, "landscape", "completed", None)

    async def on_train(self, command: Train) -> None:
        assert self.socket is not None
        order = TrainOrder(seq=command.seq, unit=command.unit, count=command.count,
                           grid=command.grid)
        async for kind, payload in self.runtime.train(self.socket, order, self.control):
            if kind == "bytes":
                await self.send_bytes(payload)  # type: ignore[arg-type]
            else:
                await self.send_json(payload)  # type: ignore[arg-type]

    # -- running ------------------------------------------------------------------------
    async def call(self, job: Callable[[Session], Any], save: bool = False) -> Any:
        """``job`` where the session lives, under its lock (picklable: see the runtime)."""
        return await self.runtime.call(self.session_id, job, save=save)

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


def _surfaces_json(session: Session, body: LandscapeBody) -> Iterator[dict[str, Any]]:
    """The loss surface's refinements as landscape messages (without ``seq``)."""
    it = surfaces(session, body)
    while (item := next_surface(session, it, body)) is not None:
        yield item
