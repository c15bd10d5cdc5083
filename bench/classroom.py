"""A simulated classroom: N students for M minutes against real nnplay front ends.

    .venv/bin/python bench/classroom.py --mode embedded --students 20 --minutes 2
    .venv/bin/python bench/classroom.py --mode cluster --students 30 --minutes 4 --nodes 3
    .venv/bin/python bench/classroom.py --urls http://127.0.0.1:8000 --students 5

Each student (``bench/student.py``) creates a session, opens its WebSocket, draws (a forward
per stroke, 4 a second), trains with Play and stops, opens the film (``trace``), asks for a
loss surface (``landscape``), reloads the page, round robin over the front ends.

* ``embedded``: one ``nnplay`` (SQLite in a temporary --data-dir, 127.0.0.1, a free port);
  ``--kill-at S`` kills it S seconds in and starts it again on the same port and data.
* ``cluster`` (as root): re-executes itself in a loopback-only network namespace, starts
  PostgreSQL (``tests/pg.py``), a local Ray cluster (a head without CPUs and ``--nodes``
  worker nodes, ``ray start --block`` each), ``--front-ends`` front ends (``nnplay --ray
  ADDRESS --store postgresql://...``), and kills one worker node (its raylet's process
  group and every process below it) half way (``--kill-at``).
* ``--urls``: students against front ends already running (nothing started or killed).

Students are spread over ``--clients`` client processes. Prints forward p50/p99 (client-side),
epochs and steps per second in total, sessions per node (embedded: the SQLite store's count;
cluster: live actors per Ray node), sessions lost (must be 0), time to recover after a kill,
memory per node (RSS of each node's processes from /proc, peak and at the end) and the CPU each
node used (cores busy on average, from /proc: what the capacity model divides by). Nothing is
asserted; figures go to bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.classroom_report import format_summary, summarize  # noqa: E402
from bench.client import (  # noqa: E402
    NO_CREATION_LIMIT,
    Nnplay,
    start_nnplay,
    tree_cpu_s,
    tree_rss_mb,
)
from bench.deployment import Deployment  # noqa: E402
from bench.student import (  # noqa: E402
    ACTIONS,
    StudentConfig,
    StudentRecord,
    client_process,
)

NETNS_MARK = "NNPLAY_CLASSROOM_NETNS"


def embedded(args: argparse.Namespace, workdir: Path) -> Deployment:
    """One nnplay with SQLite; its kill is SIGKILL and a restart on the same port and data."""
    data = workdir / "data"
    flags = [*NO_CREATION_LIMIT, *args.server_arg]
    box: dict[str, Nnplay] = {"server": start_nnplay(flags, data_dir=data,
                                                     log=workdir / "nnplay.log")}

    def sessions() -> dict[str, int]:
        path = data / "sessions.sqlite3"
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as db:
            return {"nnplay": int(db.execute("SELECT count(*) FROM sessions").fetchone()[0])}

    def kill() -> tuple[float, str]:
        port = box["server"].port
        t_kill = time.time()
        box["server"].stop()
        box["server"] = start_nnplay(flags, data_dir=data, port=port,
                                     log=workdir / "nnplay.log")
        return t_kill, "nnplay (SIGKILL, restarted on the same port and data)"

    return Deployment(
        urls=[box["server"].url],
        pids=lambda: {"nnplay": box["server"].process.pid},
        sessions=sessions, kill=kill, close=lambda: box["server"].stop())


def external(args: argparse.Namespace) -> Deployment:
    return Deployment(urls=[u.rstrip("/") for u in args.urls], pids=dict, sessions=dict,
                      kill=lambda: (time.time(), "nothing (--urls)"), close=lambda: None)


def run_class(deployment: Deployment, args: argparse.Namespace) -> None:
    start = time.time()
    deadline = start + args.minutes * 60
    config = StudentConfig(urls=deployment.urls, deadline=deadline, seed=args.seed,
                           settings={"probe_rate": 0, "dataset_size": args.dataset_size},
                           actions=args.mix, arrive_s=args.arrive_s, students=args.students,
                           request_timeout_s=args.timeout_s)
    context = mp.get_context("fork")
    out = context.Queue()
    groups = [list(range(c, args.students, args.clients)) for c in range(args.clients)]
    clients = [context.Process(target=client_process, args=(g, config, out))
               for g in groups if g]
    for c in clients:
        c.start()
    kills: list[tuple[float, str]] = []
    meter = NodeMeter(deployment.pids)
    sessions: dict[str, int] = {}
    observer = ThreadPoolExecutor(1)  # sessions per node, off the loop that kills on time
    counting: Future[dict[str, int]] | None = None
    next_sample = start
    while time.time() < deadline:
        now = time.time()
        if args.kill_at is not None and not kills and now >= start + args.kill_at:
            kills.append(deployment.kill())
            print(f"{kills[-1][0] - start:5.0f} s killed {kills[-1][1]}", flush=True)
        if now >= next_sample:
            meter.sample()
            if counting is None or counting.done():
                if counting is not None:
                    try:
                        sessions = counting.result() or sessions
                    except Exception as exc:  # noqa: BLE001 - an observer's hiccup
                        print(f"sessions per node unavailable: {exc}", file=sys.stderr)
                counting = observer.submit(deployment.sessions)
            print(f"{now - start:5.0f} s memory {fmt_mb(meter.last)}; sessions {sessions}",
                  flush=True)
            next_sample = now + args.sample_s
        time.sleep(0.5)  # the orchestrator's tick (kill time and samples), not a measured pace
    meter.sample()
    records: list[StudentRecord] = []
    for _ in clients:
        records += out.get(timeout=args.minutes * 60 + 300)
    for c in clients:
        c.join(60)
    end = time.time()
    observer.shutdown(wait=True)
    try:
        sessions = deployment.sessions() or sessions
    except Exception as exc:  # noqa: BLE001
        print(f"sessions per node unavailable at the end: {exc}", file=sys.stderr)
    summary = summarize(sorted(records, key=lambda r: r.index), start, deadline, kills)
    print(f"\n== classroom, mode {args.mode}, front ends {len(deployment.urls)}, "
          f"end {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(end))}, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for line in deployment.notes + format_summary(summary):
        print(line)
    print(f"sessions per node (at the end) {sessions}")
    print(f"memory per node, peak {fmt_mb(meter.peak)}; at the end {fmt_mb(meter.last)}")
    busy = {node: cpu / summary.seconds for node, cpu in meter.cpu.items()}
    print("CPU per node (cores busy on average) "
          + ", ".join(f"{node} {cores:.2f}" for node, cores in busy.items())
          + f"; {sum(busy.values()) / max(summary.students, 1):.3f} cores per student")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "forward_p50_ms": summary.forward_p50_ms, "forward_p99_ms": summary.forward_p99_ms,
            "epochs_per_s": summary.epochs_per_s, "steps_per_s": summary.steps_per_s,
            "lost": len(summary.lost), "sessions": sessions, "memory_peak_mb": meter.peak,
            "cpu_s": meter.cpu,
            "recover_s": [r.seconds for r in summary.recoveries]}, indent=1))


class NodeMeter:
    """RSS (peak, last) and CPU seconds used, per node, from the process trees in /proc. CPU
    between a node's last sample and its death is not counted; a restarted node counts anew."""

    def __init__(self, pids: Callable[[], dict[str, int]]) -> None:
        self.pids = pids
        self.peak: dict[str, float] = {}
        self.last: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.seen: dict[str, tuple[int, float]] = {}  # node -> (pid, its CPU s at last sample)
        self.sample()

    def sample(self) -> None:
        self.last = {}
        for node, pid in self.pids().items():
            self.last[node] = mb = tree_rss_mb(pid)
            self.peak[node] = max(self.peak.get(node, 0.0), mb)
            cpu = tree_cpu_s(pid)
            before_pid, before = self.seen.get(node, (pid, cpu))
            used = cpu - before if before_pid == pid else cpu  # a new process counts anew
            self.cpu[node] = self.cpu.get(node, 0.0) + max(0.0, used)
            self.seen[node] = (pid, cpu)


def fmt_mb(memory: dict[str, float]) -> str:
    return ", ".join(f"{node} {mb:.0f} MB" for node, mb in memory.items()) or "-"


def in_netns(argv: list[str]) -> None:
    """Run this very command again inside a new loopback-only network namespace."""
    script = 'ip link set lo up && exec "$0" "$@"'
    env = dict(os.environ, **{NETNS_MARK: "1"})
    os.execvpe("unshare", ["unshare", "-n", "sh", "-c", script, sys.executable,
                           str(Path(__file__).resolve()), *argv], env)


def parse_mix(text: str) -> dict[str, float]:
    mix = {}
    for part in text.split(","):
        name, _, weight = part.partition("=")
        if name not in ACTIONS:
            raise argparse.ArgumentTypeError(f"{name}: not one of {', '.join(ACTIONS)}")
        mix[name] = float(weight or 1)
    return mix


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mode", choices=("embedded", "cluster"), default="embedded")
    parser.add_argument("--urls", nargs="+", default=None,
                        help="front ends already running (nothing is started)")
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=2.0)
    parser.add_argument("--clients", type=int, default=2, help="client processes")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dataset-size", type=int, default=2000,
                        help="MNIST images per student's session (epochs of 1,600)")
    parser.add_argument("--mix", type=parse_mix, default=dict(ACTIONS),
                        help="what students do, as weights: e.g. draw=1,think=1 "
                        f"(default {','.join(f'{k}={v:g}' for k, v in ACTIONS.items())})")
    parser.add_argument("--arrive-s", type=float, default=0.0,
                        help="students arrive spread over this many seconds (default: at once)")
    parser.add_argument("--timeout-s", type=float, default=120.0,
                        help="a student gives a request up after this long (and retries)")
    parser.add_argument("--kill-at", type=float, default=None,
                        help="seconds in (cluster default: half way; embedded: none)")
    parser.add_argument("--nodes", type=int, default=3, help="cluster: Ray worker nodes")
    parser.add_argument("--node-cpus", type=int, default=8,
                        help="cluster: logical CPUs each worker node offers Ray")
    parser.add_argument("--front-ends", type=int, default=2)
    parser.add_argument("--session-idle-s", type=float, default=None,
                        help="cluster: passed to the front ends")
    parser.add_argument("--server-arg", action="append", default=[],
                        help="one more argument for every nnplay started (repeatable)")
    parser.add_argument("--sample-s", type=float, default=15.0,
                        help="seconds between memory / sessions samples")
    parser.add_argument("--workdir", default=None, help="logs and data (default: a temp dir)")
    parser.add_argument("--json", default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    if args.mode == "cluster" and args.kill_at is None and args.urls is None:
        args.kill_at = args.minutes * 30
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse(argv)
    if args.mode == "cluster" and args.urls is None and not os.environ.get(NETNS_MARK):
        in_netns(argv)
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="classroom-"))
    workdir.mkdir(parents=True, exist_ok=True)
    if args.urls:
        deployment = external(args)
    elif args.mode == "embedded":
        deployment = embedded(args, workdir)
    else:
        from bench.cluster import cluster

        deployment = cluster(args, workdir)
    print(f"front ends {deployment.urls}; logs in {workdir}", flush=True)
    try:
        run_class(deployment, args)
    finally:
        deployment.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
