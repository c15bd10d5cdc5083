"""Resident memory (RSS) of a real nnplay while sessions train: one long session, then many.

    .venv/bin/python bench/memory.py [--epochs 100] [--sessions 20] [--minutes 4]
                                     [--max-memory 256M] [--root PATH]

Starts ``nnplay`` (the CLI of ``--root``, default this checkout, in a subprocess on a free
port and a temporary data dir; ``--max-memory`` passed on when given) and reads the server
process's VmRSS from /proc.

* one: a session on 2,000 MNIST images (batch 32, probes off) trains ``--epochs`` epochs in
  one ``train`` command; RSS after every epoch, and every 10 epochs the length of a ``state``
  message (asked on a second socket).
* many: ``--sessions`` sessions, half on all of MNIST and half on 20,000 shapes, each with its
  own seed, train epochs in a loop for ``--minutes``; RSS every 10 s, and where the total
  stood in each minute.

Prints the figures (nothing is asserted). ``--root /work/main`` measures another checkout the
same way (the reference before a change).
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.client import (  # noqa: E402
    NO_CREATION_LIMIT,
    TINY,
    Nnplay,
    json_replies,
    rss_mb,
    start_nnplay,
)


def start(root: Path, data_dir: Path, extra: list[str]) -> Nnplay:
    return start_nnplay([*NO_CREATION_LIMIT, *extra], data_dir=data_dir, root=root)


def create(url: str, spec: dict[str, Any], settings: dict[str, Any]) -> str:
    reply = httpx.post(url + "/api/sessions", json={"spec": spec, "settings": settings},
                       timeout=300)
    reply.raise_for_status()
    return str(reply.json()["id"])


async def one_session(url: str, pid: int, epochs: int) -> None:
    from websockets.asyncio.client import connect

    sid = create(url, TINY, {"dataset_size": 2000, "batch_size": 32})
    ws_url = url.replace("http", "ws") + f"/api/sessions/{sid}/ws"
    print(f"one: session created, rss {rss_mb(pid):.0f} MB", flush=True)
    async with connect(ws_url, max_size=None) as ws, connect(ws_url, max_size=None) as side:
        await side.recv()
        await ws.recv()
        await ws.send(json.dumps({"seq": 0, "cmd": "set_probe_rate", "per_second": 0}))
        await ws.send(json.dumps({"seq": 1, "cmd": "train", "unit": "epochs", "count": epochs}))
        rss: dict[int, float] = {}
        async for reply in json_replies(ws):
            if reply["type"] == "epoch_end":
                epoch = reply["epoch"]
                rss[epoch] = rss_mb(pid)
                if epoch % 10 == 0:
                    await side.send(json.dumps({"seq": epoch, "cmd": "state"}))
                    while True:
                        text = await side.recv()
                        if isinstance(text, str) and json.loads(text)["type"] == "state":
                            break
                    print(f"one: epoch {epoch:3d} rss {rss[epoch]:6.1f} MB, state message "
                          f"{len(text) / 1024:6.1f} KB", flush=True)
            if reply.get("seq") == 1 and reply["type"] in ("done", "error"):
                break
    marks = [e for e in (1, 10, 25, 50, 75, 100, epochs) if e in rss]
    print("one: rss by epoch " + ", ".join(f"{e}: {rss[e]:.0f}" for e in sorted(set(marks))))


async def many_sessions(url: str, pid: int, count: int, minutes: float) -> None:
    from websockets.asyncio.client import connect

    shapes_spec = copy.deepcopy(TINY)
    shapes_spec["layers"][-2]["units"] = 7
    ids = []
    for i in range(count):
        if i % 2 == 0:
            ids.append(create(url, TINY, {"seed": i, "batch_size": 32}))
        else:
            ids.append(create(url, shapes_spec, {"dataset": "shapes", "dataset_size": 20000,
                                                 "seed": i, "batch_size": 32}))
    print(f"many: {count} sessions created, rss {rss_mb(pid):.0f} MB", flush=True)
    stop = asyncio.Event()
    epochs = [0] * count
    refused: list[str] = []

    async def train(i: int, sid: str) -> None:
        ws_url = url.replace("http", "ws") + f"/api/sessions/{sid}/ws"
        async with connect(ws_url, max_size=None) as ws:
            await ws.recv()
            await ws.send(json.dumps({"seq": 0, "cmd": "set_probe_rate", "per_second": 0}))
            seq = 1
            while not stop.is_set():
                await ws.send(json.dumps({"seq": seq, "cmd": "train", "unit": "epochs",
                                          "count": 1}))
                async for reply in json_replies(ws):
                    if reply["type"] == "epoch_end":
                        epochs[i] += 1
                    if reply["type"] == "error":
                        refused.append(reply["message"])
                    if reply.get("seq") == seq and reply["type"] in ("done", "error"):
                        break
                seq += 1

    async def sample() -> None:
        start_time = time.monotonic()
        while time.monotonic() - start_time < minutes * 60:
            await asyncio.sleep(10)  # a sampling interval, not a pace for anything measured
            elapsed = time.monotonic() - start_time
            print(f"many: {elapsed:5.0f} s rss {rss_mb(pid):6.1f} MB, epochs done "
                  f"{sum(epochs)}", flush=True)
        stop.set()

    tasks = [asyncio.create_task(train(i, sid)) for i, sid in enumerate(ids)]
    await sample()
    await asyncio.wait(tasks, timeout=120)
    print(f"many: end rss {rss_mb(pid):.0f} MB, {sum(epochs)} epochs, errors {len(refused)}"
          + (f" (first: {refused[0]})" if refused else ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=4.0)
    parser.add_argument("--max-memory", default=None)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--phase", choices=("one", "many", "both"), default="both")
    args = parser.parse_args(argv)
    extra = ["--max-memory", args.max_memory] if args.max_memory else []
    with tempfile.TemporaryDirectory() as tmp:
        server = start(args.root, Path(tmp) / "data", extra)
        process, url = server.process, server.url
        try:
            print(f"server {args.root} {' '.join(extra)}: idle rss {rss_mb(process.pid):.0f} MB",
                  flush=True)
            if args.phase in ("one", "both"):
                asyncio.run(one_session(url, process.pid, args.epochs))
            if args.phase in ("many", "both"):
                asyncio.run(many_sessions(url, process.pid, args.sessions, args.minutes))
            wal = Path(tmp) / "data" / "sessions.sqlite3-wal"
            print(f"wal file {wal.stat().st_size / 1024:.0f} KB" if wal.exists() else "no wal")
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
