"""Forward latency of one session while 20 others train, against a real nnplay on 127.0.0.1.

    .venv/bin/python bench/server_load.py [--trainers 20] [--forwards 200] [--url URL]
                                          [--store postgresql | --store postgresql://...]

Starts ``nnplay`` (the CLI, in a subprocess, on a free port and a temporary data dir) unless
``--url`` is given; creates ``trainers + 1`` sessions on the tiny MNIST CNN; a separate process
opens one WebSocket per trainer and trains them all at once (epochs on the shipped MNIST,
probe traces at each session's ``probe_rate``); once every trainer has streamed progress, this
process times ``--forwards`` sequential forward requests of a 280x280 drawing (JSON pixels,
base64) on the last session. Prints forward latency percentiles idle and under load and the
trainers' combined batches per second during the measurement. Nothing is asserted.
``--store`` is passed to the nnplay it starts; ``--store postgresql`` alone starts a
throwaway PostgreSQL server for it (tests/pg.py) and stops it at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.client import drawing_body, json_replies, percentiles, start_nnplay  # noqa: E402
from tests import pg  # noqa: E402


def time_forwards(client: httpx.Client, url: str, count: int) -> list[float]:
    body = drawing_body()
    times = []
    for _ in range(count):
        start = time.perf_counter()
        reply = client.post(url, json=body)
        times.append(time.perf_counter() - start)
        reply.raise_for_status()
    return times


async def _train_all(ws_url: str, ids: list[str], started: mp.Event, stop: mp.Event,
                     counts: mp.Array) -> None:  # type: ignore[type-arg]
    from websockets.asyncio.client import connect

    async def one(i: int, sid: str) -> None:
        async with connect(f"{ws_url}/api/sessions/{sid}/ws", max_size=None) as ws:
            await ws.send(json.dumps({"seq": 1, "cmd": "train", "unit": "epochs",
                                      "count": 100}))
            stopping = False
            async for reply in json_replies(ws):
                if reply["type"] == "progress":
                    counts[i] += 1
                if reply["seq"] == 1 and reply["type"] in ("done", "error"):
                    return
                if stop.is_set() and not stopping:
                    stopping = True
                    await ws.send(json.dumps({"seq": 2, "cmd": "stop"}))
                if all(counts[j] > 0 for j in range(len(ids))):
                    started.set()

    await asyncio.gather(*(one(i, sid) for i, sid in enumerate(ids)))


def trainer_process(ws_url: str, ids: list[str], started: mp.Event, stop: mp.Event,
                    counts: mp.Array) -> None:  # type: ignore[type-arg]
    asyncio.run(_train_all(ws_url, ids, started, stop, counts))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trainers", type=int, default=20)
    parser.add_argument("--forwards", type=int, default=200)
    parser.add_argument("--url", default=None, help="a running nnplay (default: start one)")
    parser.add_argument("--probe-rate", type=float, default=10.0,
                        help="probe traces per second per training session")
    parser.add_argument("--training-threads", type=int, default=None,
                        help="passed to the nnplay it starts (default: nnplay's default)")
    parser.add_argument("--store", default=None,
                        help="passed to the nnplay it starts; 'postgresql': a throwaway server")
    args = parser.parse_args(argv)

    server = None
    stop_postgres = None
    if args.url is None:
        extra = ([] if args.training_threads is None
                 else ["--training-threads", str(args.training_threads)])
        if args.store == "postgresql":
            store, stop_postgres = pg.start_postgres()
            extra += ["--store", store]
        elif args.store:
            extra += ["--store", args.store]
        server = start_nnplay(extra, data_dir=Path(tempfile.mkdtemp(prefix="nnplay-bench-")))
        url = server.url
    else:
        url = args.url.rstrip("/")
    try:
        with httpx.Client(timeout=120) as client:
            settings = {"probe_rate": args.probe_rate}
            ids = [client.post(f"{url}/api/sessions", json={"settings": settings}).json()["id"]
                   for _ in range(args.trainers + 1)]
            probe = ids.pop()
            forward_url = f"{url}/api/sessions/{probe}/forward"
            time_forwards(client, forward_url, 10)  # warm up
            idle = time_forwards(client, forward_url, args.forwards)
            print(f"forward idle            {percentiles(idle)}", flush=True)

            started, stop = mp.Event(), mp.Event()
            counts = mp.Array("l", len(ids))
            trainers = mp.Process(target=trainer_process,
                                  args=(url.replace("http", "ws"), ids, started, stop, counts))
            trainers.start()
            if not started.wait(300):
                print("trainers did not all start within 300 s", file=sys.stderr)
            before, t0 = sum(counts[:]), time.perf_counter()
            loaded = time_forwards(client, forward_url, args.forwards)
            after, t1 = sum(counts[:]), time.perf_counter()
            stop.set()
            trainers.join(120)
            print(f"forward with {len(ids)} training {percentiles(loaded)}")
            print(f"training throughput     {(after - before) / (t1 - t0):.1f} batches/s "
                  f"across {len(ids)} sessions ({statistics.fmean(counts[:]):.0f} batches each "
                  f"in total)")
    finally:
        if server is not None:
            server.stop()
        if stop_postgres is not None:
            stop_postgres()
    return 0


if __name__ == "__main__":
    sys.exit(main())
