"""One simulated student of ``bench/classroom.py``, speaking the real protocol (docs/protocol.md).

A student creates a session (REST), opens its WebSocket, and then, until the deadline, does
one thing after another at random (seeded): draws (strokes: a forward of the drawing each,
``stroke_hz`` a second), trains with Play (``train`` of 100 epochs, ``stop`` after
``play_s`` seconds, drawing meanwhile half the time), opens the film (``trace``), asks for a
loss surface (``landscape``, a 9x9 grid on 64 images), reloads the page (closes the socket,
GETs the state, forwards the reference drawing, opens a new socket) or thinks (sleeps). Every
request goes to the next front end of ``urls`` in turn (no stickiness). A request that fails
is logged and the student carries on with its next action after ``retry_s``; a socket silent
for ``ws_idle_s`` counts as failed. Every state it is shown is checked against what it was told
had been saved (``student_ledger``); a 404 or a failed check is a lost session, after which the
student starts a new one.

Every request is an ``Event`` (wall-clock start and end, ok or not); ``classroom_report``
turns them into the figures.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException

from bench.client import drawing_body, ws_url
from bench.student_ledger import SessionLedger

ACTIONS = {"draw": 0.35, "play": 0.25, "film": 0.1, "landscape": 0.1, "reload": 0.1,
           "think": 0.1}
FINGERPRINT = 0  # the drawing variant whose probabilities fingerprint the weights
JSON = {"Content-Type": "application/json"}


@dataclass
class StudentConfig:
    urls: list[str]
    deadline: float  # wall clock (time.time()) at which students wind down
    seed: int = 0
    settings: dict[str, Any] = field(default_factory=lambda: {"probe_rate": 0})
    play_s: tuple[float, float] = (10.0, 30.0)
    strokes: tuple[int, int] = (3, 10)
    stroke_hz: float = 4.0
    think_s: tuple[float, float] = (2.0, 8.0)
    request_timeout_s: float = 60.0
    ws_idle_s: float = 30.0
    retry_s: float = 0.5
    arrive_s: float = 0.0  # students arrive spread evenly over this many seconds
    students: int = 1  # how many in all (to spread their arrival)
    actions: dict[str, float] = field(default_factory=lambda: dict(ACTIONS))  # name -> weight


@dataclass
class Event:
    kind: str  # create, get, forward, ws_open, ws, train, resume, trace, landscape
    t0: float
    t1: float
    ok: bool
    detail: str = ""


@dataclass
class StudentRecord:
    index: int
    events: list[Event] = field(default_factory=list)
    epochs: int = 0  # epoch_end messages seen
    steps: int = 0  # progress messages seen
    play_s: float = 0.0  # seconds spent with Play on
    unsaved_epochs: int = 0  # epochs that ended just before a failure, their save unproven
    notices: list[tuple[float, float]] = field(default_factory=list)  # (t, redone_seconds)
    lost: list[tuple[float, str, str]] = field(default_factory=list)  # (t, session, why)
    sessions: list[str] = field(default_factory=list)
    actions: Counter[str] = field(default_factory=Counter)


class Unavailable(Exception):
    """A request failed (connection, 5xx, timeout, socket closed); the student carries on."""


class SessionLost(Exception):
    """The session is gone or lost saved work (recorded); the student starts a new one."""


def body_bytes(variant: int) -> bytes:
    return json.dumps(drawing_body(variant)).encode()


class Student:
    def __init__(self, index: int, config: StudentConfig, http: httpx.AsyncClient) -> None:
        self.config = config
        self.http = http
        self.record = StudentRecord(index)
        self.rng = random.Random(config.seed * 100_003 + index)
        self.turn = index  # round robin over the front ends, each student from its own
        self.ledger: SessionLedger | None = None
        self.ws: ClientConnection | None = None
        self.seq = 0
        self.bodies = [body_bytes(v) for v in range(5)]

    # -- plumbing ---------------------------------------------------------------------------

    def next_url(self) -> str:
        url = self.config.urls[self.turn % len(self.config.urls)]
        self.turn += 1
        return url

    def over(self) -> bool:
        return time.time() >= self.config.deadline

    def log(self, kind: str, t0: float, ok: bool, detail: str = "") -> None:
        self.record.events.append(Event(kind, t0, time.time(), ok, detail))

    def lose(self, why: str) -> SessionLost:
        sid = self.ledger.session_id if self.ledger else "?"
        self.record.lost.append((time.time(), sid, why))
        self.ledger = None
        return SessionLost(why)

    def session(self) -> SessionLedger:
        if self.ledger is None:
            raise Unavailable("no session")
        return self.ledger

    async def rest(self, kind: str, method: str, path: str, **kw: Any) -> Any:
        """One REST request to the next front end; its JSON reply, or raise."""
        t0 = time.time()
        try:
            reply = await self.http.request(method, self.next_url() + path, **kw)
        except httpx.HTTPError as exc:
            self.log(kind, t0, False, type(exc).__name__)
            raise Unavailable(kind) from exc
        ok = reply.status_code < 400
        self.log(kind, t0, ok, str(reply.status_code))
        if reply.status_code == 404 and self.ledger is not None:
            raise self.lose(f"{kind}: 404 {reply.text[:120]}")
        if not ok:
            raise Unavailable(f"{kind}: {reply.status_code} {reply.text[:120]}")
        return reply.json() if reply.content else None

    def check(self, state: dict[str, Any], where: str) -> None:
        problem = self.session().check_state(state)
        if problem is not None:
            raise self.lose(f"{where}: {problem}")

    async def close_ws(self) -> None:
        if self.ws is not None:
            ws, self.ws = self.ws, None
            try:
                await asyncio.wait_for(ws.close(), 5)
            except (WebSocketException, OSError, TimeoutError):
                pass

    async def recv(self, timeout: float) -> dict[str, Any] | None:
        """The next JSON message (binary frames skipped); None after ``timeout`` s of silence."""
        assert self.ws is not None
        while True:
            try:
                message = await asyncio.wait_for(self.ws.recv(), timeout)
            except TimeoutError:
                return None
            except (WebSocketException, OSError) as exc:
                self.log("ws", time.time(), False, "closed")
                await self.close_ws()
                raise Unavailable("socket closed") from exc
            if isinstance(message, str):
                return dict(json.loads(message))

    async def command(self, body: dict[str, Any]) -> int:
        assert self.ws is not None
        self.seq += 1
        try:
            await self.ws.send(json.dumps({"seq": self.seq, **body}))
        except (WebSocketException, OSError) as exc:
            await self.close_ws()
            raise Unavailable("socket closed") from exc
        return self.seq

    # -- what a page does -------------------------------------------------------------------

    async def create(self) -> None:
        state = await self.rest("create", "POST", "/api/sessions",
                                content=json.dumps({"settings": self.config.settings}),
                                headers=JSON)
        self.ledger = SessionLedger(state["id"])
        self.record.sessions.append(state["id"])

    async def open_ws(self) -> None:
        sid = self.session().session_id
        t0 = time.time()
        try:
            self.ws = await connect(ws_url(self.next_url(), sid), max_size=None,
                                    open_timeout=self.config.request_timeout_s,
                                    ping_interval=None)
        except (WebSocketException, OSError, TimeoutError) as exc:
            self.log("ws_open", t0, False, type(exc).__name__)
            raise Unavailable("ws_open") from exc
        first = await self.recv(self.config.request_timeout_s)
        if first is None or first["type"] not in ("state", "error"):
            self.log("ws_open", t0, False, "no state")
            await self.close_ws()
            raise Unavailable("ws_open: no state")
        if first["type"] == "error":
            self.log("ws_open", t0, False, str(first.get("field")))
            await self.close_ws()
            if first.get("field") == "id":
                raise self.lose(f"ws: {first.get('message')}")
            raise Unavailable(f"ws_open: {first.get('message')}")
        self.log("ws_open", t0, True)
        self.check(first["state"], "ws state")

    async def forward(self, variant: int) -> dict[str, Any]:
        sid = self.session().session_id
        return dict(await self.rest("forward", "POST", f"/api/sessions/{sid}/forward",
                                    content=self.bodies[variant], headers=JSON))

    async def draw(self) -> None:
        """A burst of strokes at ``stroke_hz``: each a forward of the drawing so far."""
        for i in range(self.rng.randint(*self.config.strokes)):
            if self.over():
                return
            started = time.monotonic()
            await self.forward(1 + i % 4)
            await asyncio.sleep(max(0.0, 1 / self.config.stroke_hz
                                    - (time.monotonic() - started)))

    async def play(self) -> None:
        """Play for a while (drawing meanwhile half the time), then stop; the train's ``done``
        state is as saved: checked, noted, and its weights fingerprinted by a forward."""
        assert self.ws is not None
        ledger = self.session()
        t0 = time.time()
        seq = await self.command({"cmd": "train", "unit": "epochs", "count": 100})
        until = min(time.time() + self.rng.uniform(*self.config.play_s), self.config.deadline)
        drawing = asyncio.create_task(self.draw()) if self.rng.random() < 0.5 else None
        stopped = started = False
        moved: float | None = None  # when a notice said the session moved, until a step
        state: dict[str, Any] | None = None
        try:
            while state is None:
                wait = self.config.ws_idle_s
                if not stopped:
                    wait = max(0.01, min(wait, until - time.time()))
                message = await self.recv(wait)
                if message is None:
                    if not stopped and time.time() >= until:
                        stopped = True
                        await self.command({"cmd": "stop"})
                        continue
                    self.log("train", t0, False, "silent")
                    await self.close_ws()
                    raise Unavailable("train: silent socket")
                kind = message["type"]
                if kind == "progress":
                    self.record.steps += 1
                    ledger.note_progress()
                    if moved is not None:
                        self.log("resume", moved, True)
                        moved = None
                    if not started:
                        started = True
                        self.log("train", t0, True)
                elif kind == "epoch_end":
                    self.record.epochs += 1
                    ledger.note_epoch_end(message)
                elif kind == "notice":  # on Ray: the session moved; the train goes on
                    moved = time.time()
                    self.record.notices.append((moved, float(message.get("redone_seconds", 0))))
                    self.record.unsaved_epochs += ledger.drop_pending()
                elif kind == "state" and message.get("seq") is None:
                    self.check(message["state"], "state after a move")
                elif message.get("seq") == seq and kind in ("done", "error"):
                    if kind == "error":
                        self.log("train", t0, False, str(message.get("message"))[:120])
                        raise Unavailable("train refused")
                    state = message["state"]
        except Unavailable:
            self.record.unsaved_epochs += ledger.drop_pending()
            raise
        finally:
            self.record.play_s += time.time() - t0
            if drawing is not None:
                if not drawing.done():
                    drawing.cancel()
                await asyncio.gather(drawing, return_exceptions=True)
        self.check(state, "train done")
        ledger.note_saved_state(state)
        reply = await self.forward(FINGERPRINT)
        ledger.note_forward(int(state["step"]), reply["probabilities"])

    async def await_done(self, kind: str, body: dict[str, Any]) -> None:
        """A command whose reply ends with its ``done`` (trace, landscape)."""
        t0 = time.time()
        seq = await self.command(body)
        while True:
            message = await self.recv(self.config.ws_idle_s)
            if message is None:
                self.log(kind, t0, False, "silent")
                await self.close_ws()
                raise Unavailable(f"{kind}: silent socket")
            if message.get("seq") == seq and message["type"] in ("done", "error"):
                self.log(kind, t0, message["type"] == "done", str(message.get("message", "")))
                return

    async def film(self) -> None:
        await self.await_done("trace", {"cmd": "trace", "sample": {"split": "val", "index": 0},
                                        "dtype": "float32"})

    async def landscape(self) -> None:
        await self.await_done("landscape", {"cmd": "landscape", "directions": "random",
                                            "grid": 9, "eval_size": 64})

    async def reload(self) -> None:
        """Close the socket, GET the state and forward the reference drawing (the weights
        must be those saved at that step), open a new socket."""
        await self.close_ws()
        ledger = self.session()
        state = await self.rest("get", "GET", f"/api/sessions/{ledger.session_id}")
        self.check(state, "GET state")
        reply = await self.forward(FINGERPRINT)
        problem = ledger.check_forward(int(state["step"]), reply["probabilities"])
        if problem is not None:
            raise self.lose(f"reload forward: {problem}")
        await self.open_ws()

    async def think(self) -> None:
        await asyncio.sleep(min(self.rng.uniform(*self.config.think_s),
                                max(0.0, self.config.deadline - time.time())))

    # -- the loop ---------------------------------------------------------------------------

    async def run(self) -> StudentRecord:
        names, weights = list(self.config.actions), list(self.config.actions.values())
        await asyncio.sleep(self.config.arrive_s * self.record.index / self.config.students)
        while not self.over():
            try:
                if self.ledger is None:
                    await self.close_ws()
                    await self.create()
                if self.ws is None:
                    await self.open_ws()
                action = self.rng.choices(names, weights)[0]
                self.record.actions[action] += 1
                await getattr(self, action)()
            except SessionLost:
                await self.close_ws()
            except Unavailable:
                await asyncio.sleep(self.config.retry_s)
        await self.close_ws()
        return self.record


async def run_students(indices: list[int], config: StudentConfig) -> list[StudentRecord]:
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=200)
    async with httpx.AsyncClient(timeout=config.request_timeout_s, limits=limits) as http:
        students = [Student(i, config, http) for i in indices]
        return list(await asyncio.gather(*(s.run() for s in students)))


def client_process(indices: list[int], config: StudentConfig, out: Any) -> None:
    """Entry of one client process: its students' records onto the queue ``out``."""
    out.put(asyncio.run(run_students(indices, config)))
