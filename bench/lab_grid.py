"""The lab's heat maps: grid computation + encoding time, and grid frames per second during
Play, from a Python WebSocket client.

1. In process: ``server.sessions.planar.grid_frames`` (the engine's one batched forward
   over the S x S grid, every layer quantised to uint8 and framed) for a 2-8-8-1 net (tanh,
   relu, sigmoid) on a lab session, median of many calls, at grid sizes 32, 64 and 128; beside it
   the plain forward of the same S*S points (``model.forward``) as the reference in the same
   process.
2. Over the wire: a real ``nnplay`` on a free port, a lab session with ``LAB_SETTINGS``
   (spiral, ReLU 8-8), ``train`` epochs with ``"grid": 64``; counts the grid messages and
   optimizer steps per second of wall clock over the run, and the gaps between grids.

    .venv/bin/python bench/lab_grid.py [--seconds 5] [--size 64]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server_load import start_server  # noqa: E402
from server.config import Settings  # noqa: E402
from server.sessions.planar import grid_frames  # noqa: E402
from server.sessions.session import Session  # noqa: E402
from server.sessions.settings import LAB_SETTINGS, TrainSettings  # noqa: E402


def lab_spec(acts: tuple[str, ...] = ("tanh", "relu")) -> dict[str, Any]:
    layers: list[dict[str, Any]] = [{"type": "flatten"}]
    for act in acts:
        layers += [{"type": "dense", "units": 8}, {"type": act}]
    return {"input": {"channels": 2, "height": 1, "width": 1},
            "layers": layers + [{"type": "dense", "units": 1}, {"type": "sigmoid"}]}


def in_process(sizes: list[int], repeats: int) -> None:
    session = Session.create("bench", Settings(data_dir=Path(tempfile.mkdtemp())),
                             lab_spec(), TrainSettings.model_validate(LAB_SETTINGS))
    for size in sizes:
        grid_frames(session, size, 1)  # warm up
        times, plain = [], []
        x = np.random.default_rng(0).standard_normal((size * size, 2, 1, 1)).astype(np.float32)
        for _ in range(repeats):
            start = time.perf_counter()
            frames, _message = grid_frames(session, size, 1)
            times.append(time.perf_counter() - start)
            start = time.perf_counter()
            session.model.forward(x)
            plain.append(time.perf_counter() - start)
        total = sum(len(f) for f in frames)
        g, p = statistics.median(times) * 1000, statistics.median(plain) * 1000
        print(f"grid {size}x{size}: compute+encode median {g:.2f} ms "
              f"(plain forward of the {size * size} points {p:.2f} ms, ratio {g / p:.1f}), "
              f"{len(frames)} frames, {total} bytes", flush=True)


async def play(url: str, sid: str, seconds: float, size: int) -> None:
    from websockets.asyncio.client import connect

    ws_url = url.replace("http://", "ws://")
    grids: list[float] = []
    steps = 0
    async with connect(f"{ws_url}/api/sessions/{sid}/ws", max_size=None) as ws:
        await ws.recv()  # state
        await ws.send(json.dumps({"seq": 1, "cmd": "train", "unit": "epochs", "count": 100,
                                  "grid": size}))
        start = None
        end = 0.0
        stopping = False
        async for message in ws:
            if isinstance(message, bytes):
                continue
            reply = json.loads(message)
            now = time.perf_counter()
            if reply["type"] == "progress":
                if start is None:
                    start = now
                steps += 1
            elif reply["type"] == "grid" and start is not None and not stopping:
                grids.append(now)
            if reply["seq"] == 1 and reply["type"] in ("done", "error"):
                if reply["type"] == "error":
                    raise RuntimeError(reply["message"])
                end = end or now  # 100 epochs done before the time was up
                break
            if start is not None and now - start >= seconds and not stopping:
                stopping = True
                end = now
                await ws.send(json.dumps({"seq": 2, "cmd": "stop"}))
    assert start is not None
    span = end - start
    gaps = np.diff(grids) * 1000
    print(f"play spiral ReLU 8-8, grid {size}: {len(grids) / span:.1f} grids/s, "
          f"{steps / span:.0f} steps/s over {span:.1f} s; gap between grids "
          f"median {np.median(gaps):.1f} ms, p90 {np.percentile(gaps, 90):.1f} ms, "
          f"max {gaps.max():.1f} ms", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args(argv)
    in_process([32, 64, 128], args.repeats)
    server = start_server(Path(tempfile.mkdtemp(prefix="nnplay-bench-")), [])
    try:
        body = {"spec": lab_spec(("relu", "relu")), "settings": LAB_SETTINGS}
        sid = httpx.post(f"{server.url}/api/sessions", json=body).json()["id"]
        asyncio.run(play(server.url, sid, args.seconds, args.size))
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
