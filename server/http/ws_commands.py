"""The WebSocket's commands, one handler each (``on_<cmd>``: the dispatch table
:class:`server.http.websocket.Connection` builds from ``schemas/commands.py``'s names). Each
makes its calls through the runtime and sends what comes back (docs/protocol.md)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from server.errors import ApiError
from server.http.error_handlers import ws_refusal
from server.http.schemas.commands import (
    Grid,
    Landscape,
    Rewind,
    SetProbeRate,
    State,
    Stop,
    Trace,
    Train,
)
from server.runtime.session_runtime import SessionRuntime, SocketHandle, TrainControl, TrainOrder
from server.sessions.landscape import surface_messages
from server.sessions.landscape_request import LandscapeBody
from server.sessions.planar import grid_frames
from server.sessions.session import Session
from server.sessions.traces import TraceRequest, run_trace


class Commands:
    """The handlers; the connection provides the socket, the runtime and the sending."""

    runtime: SessionRuntime
    session_id: str
    socket: SocketHandle | None
    control: TrainControl

    @property
    def open(self) -> bool:
        raise NotImplementedError

    async def send_json(self, message: dict[str, Any]) -> None:
        raise NotImplementedError

    async def send_bytes(self, frames: list[bytes]) -> None:
        raise NotImplementedError

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
        items = self.runtime.stream(self.session_id, partial(surface_messages, body=body),
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

    async def call(self, job: Callable[[Session], Any], save: bool = False) -> Any:
        """``job`` where the session lives, under its lock (picklable: see the runtime)."""
        return await self.runtime.call(self.session_id, job, save=save)


    async def done(self, seq: int, cmd: str, reason: str, state: dict[str, Any] | None) -> None:
        message: dict[str, Any] = {"seq": seq, "type": "done", "cmd": cmd, "reason": reason}
        if state is not None:
            message["state"] = state
        await self.send_json(message)

