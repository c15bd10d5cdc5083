"""The cluster deployment of ``bench/classroom.py --mode cluster`` (run inside a loopback-only
network namespace; classroom.py re-executes itself in one).

* PostgreSQL: ``tests/pg.py``'s ``start_postgres`` (its cluster under this run's directory);
* Ray: a head (``--num-cpus 0``: it schedules no session) and ``--nodes`` worker nodes of
  ``--node-cpus`` logical CPUs, each one ``ray start --block`` process in a process group of
  its own (its raylet, agents and workers below it), all on 127.0.0.1, with Ray's health
  checks every second (a dead node is noticed in 5-10 s), RAY_AUTH_MODE=disabled and a
  RAY_TMPDIR of this run;
* front ends: ``nnplay --ray ADDRESS --store postgresql://...`` (``--front-ends``).

Memory per node: RSS of each node's process tree (head, w1.., each front end, PostgreSQL's
postmaster and backends). Sessions per node: live actors per Ray node (``bench.ray_observer``).
The kill: the worker node holding the most actors, SIGKILL to its process group and every
process below its ``ray start``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.client import (
    NO_CREATION_LIMIT,
    PROJECT_ROOT,
    Nnplay,
    kill_tree,
    start_nnplay,
)
from bench.deployment import Deployment
from tests.live_server import free_port

OBJECT_STORE_BYTES = 200 * 1024 * 1024  # per node (Ray's default: 30% of the machine's memory)
# A dead node is noticed in 5-10 s. Not faster: at 0.5 s x 3 (what tests/cluster uses) a live
# node of this loaded 2-core machine was declared dead mid-run and its raylet exited.
HEALTH_CHECKS = {"health_check_period_ms": 1000, "health_check_timeout_ms": 2000,
                 "health_check_failure_threshold": 5}


def ray_env(tmp: Path) -> dict[str, str]:
    return dict(os.environ, RAY_AUTH_MODE="disabled", RAY_USAGE_STATS_ENABLED="0",
                RAY_TMPDIR=str(tmp), PYTHONPATH=str(PROJECT_ROOT))


def ray_start(flags: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    ray = Path(sys.executable).parent / "ray"
    with open(log, "ab") as out:
        return subprocess.Popen([str(ray), "start", "--block", "--node-ip-address", "127.0.0.1",
                                 "--disable-usage-stats", *flags], env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)


def observe(address: str, env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "bench.ray_observer", address], env=env,
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"ray observer failed: {done.stderr.strip()[-500:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def node_name(node: dict[str, Any]) -> str:
    for key in node["resources"]:
        if key.startswith("classroom_"):
            return key.removeprefix("classroom_")
    return "head" if "node:__internal_head__" in node["resources"] else node["id"][:8]


def wait_for_nodes(address: str, env: dict[str, str], count: int, timeout: float,
                   starting: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + timeout
    seen = 0
    while time.monotonic() < deadline:
        if starting.poll() is not None:
            raise RuntimeError(f"ray start exited with {starting.returncode} (see {log})")
        try:
            seen = sum(n["alive"] for n in observe(address, env)["nodes"])
        except (RuntimeError, subprocess.TimeoutExpired):
            seen = 0
        if seen >= count:
            return
        time.sleep(2)  # polling nodes that are starting
    raise RuntimeError(f"only {seen} of {count} Ray nodes came up within {timeout:.0f} s")


def cluster(args: argparse.Namespace, workdir: Path) -> Deployment:
    try:
        from tests.pg import start_postgres
    except ImportError as exc:
        raise SystemExit("cluster mode needs tests/pg.py (branch pg-store)") from exc
    pg_root = Path(tempfile.mkdtemp(prefix="classroom-pg-"))
    pg_root.chmod(0o755)  # the postgres user must reach its cluster below it
    ray_tmp = Path(tempfile.mkdtemp(prefix="clray", dir="/tmp"))  # short: unix socket paths
    env = ray_env(ray_tmp)
    nodes: dict[str, subprocess.Popen[bytes]] = {}
    front_ends: list[Nnplay] = []
    stops: list[Any] = []

    def close() -> None:
        for fe in front_ends:
            fe.stop()
        for process in reversed(list(nodes.values())):
            kill_tree(process.pid)
            process.wait(timeout=30)
        for stop in stops:
            stop()
        shutil.rmtree(pg_root, ignore_errors=True)
        shutil.rmtree(ray_tmp, ignore_errors=True)

    try:
        url, stop_pg = start_postgres(pg_root)
        stops.append(stop_pg)
        port = free_port()
        address = f"127.0.0.1:{port}"
        log = workdir / "ray-head.log"
        nodes["head"] = ray_start(["--head", "--port", str(port), "--num-cpus", "0",
                                   "--object-store-memory", str(OBJECT_STORE_BYTES),
                                   "--include-dashboard", "false",
                                   "--system-config", json.dumps(HEALTH_CHECKS)],
                                  env, log)
        wait_for_nodes(address, env, 1, 120, nodes["head"], log)
        for i in range(1, args.nodes + 1):  # one after the other: nodes starting at once on
            nodes[f"w{i}"] = ray_start(     # one host race for the same socket names
                ["--address", address, "--num-cpus", str(args.node_cpus),
                 "--object-store-memory", str(OBJECT_STORE_BYTES),
                 "--resources", json.dumps({f"classroom_w{i}": 1})],
                env, log := workdir / f"ray-w{i}.log")
            wait_for_nodes(address, env, 1 + i, 180, nodes[f"w{i}"], log)
        flags = ["--ray", address, "--store", url, *NO_CREATION_LIMIT, *args.server_arg]
        if args.session_idle_s is not None:
            flags += ["--session-idle-s", str(args.session_idle_s)]
        for i in range(1, args.front_ends + 1):
            front_ends.append(start_nnplay(flags, data_dir=workdir / f"fe{i}", env=env,
                                           log=workdir / f"fe{i}.log", timeout=180))
    except BaseException:
        close()
        raise

    def snapshot() -> tuple[dict[str, int], dict[str, list[int]]]:
        """Live actors per node, and their process ids."""
        seen = observe(address, env)
        names = {n["id"]: node_name(n) for n in seen["nodes"]}
        return ({names.get(node, node): sum(classes.values())
                 for node, classes in sorted(seen["actors"].items())},
                {names.get(node, node): pids for node, pids in seen["pids"].items()})

    def sessions() -> dict[str, int]:
        return snapshot()[0]

    def pids() -> dict[str, int]:
        found = {name: p.pid for name, p in nodes.items() if p.poll() is None}
        found.update({f"fe{i}": fe.process.pid for i, fe in enumerate(front_ends, 1)})
        for pid_file in pg_root.glob("*/cluster/postmaster.pid"):
            try:
                found["postgres"] = int(pid_file.read_text().split()[0])
            except (OSError, ValueError, IndexError):
                pass
        return found

    def kill() -> tuple[float, str]:
        """The busiest worker node: its ray start's process group and everything below it,
        and the actor processes the GCS places on it (should one have left the tree)."""
        try:
            held, actor_pids = snapshot()
        except (RuntimeError, subprocess.TimeoutExpired):
            held, actor_pids = {}, {}
        alive = [n for n in nodes if n != "head" and nodes[n].poll() is None]
        victim = max(alive, key=lambda n: held.get(n, 0))
        t_kill = time.time()
        kill_tree(nodes[victim].pid)
        for pid in actor_pids.get(victim, []):
            kill_tree(pid)
        return t_kill, f"Ray worker node {victim} ({held.get(victim, '?')} actors on it)"

    notes = [f"cluster: PostgreSQL {url}, Ray head {address} (0 CPUs) and {args.nodes} worker "
             f"nodes of {args.node_cpus} logical CPUs, front ends "
             f"{' '.join(fe.url for fe in front_ends)}"]
    return Deployment(urls=[fe.url for fe in front_ends], pids=pids, sessions=sessions,
                      kill=kill, close=close, notes=notes)
