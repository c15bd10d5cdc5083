"""Memory per session actor on one Ray node: RSS, PSS and USS from /proc/<pid>/smaps_rollup.

Starts a local Ray cluster (a head without CPUs and one worker node, all on 127.0.0.1, so run
it in a loopback-only network namespace) and a throwaway PostgreSQL, creates ``--sessions``
sessions on the default MNIST settings (``--session-cpus`` each: one node holds them all),
trains each ``--batches`` batches, then reads every process of the cluster:

- a session actor's RSS counts every page it maps, the object store's shared pages included;
- its PSS divides each shared page by the number of processes mapping it (a built-in dataset
  read from the object store by N actors counts 1/N in each, the raylet's share aside);
- its USS (Private_Clean + Private_Dirty) is what it alone holds: what one more actor costs.

    tests/cluster/in_netns.sh .venv/bin/python bench/ray_memory.py --sessions 8
    tests/cluster/in_netns.sh .venv/bin/python bench/ray_memory.py --sessions 8 --root /work/main
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024


def rollup(pid: int) -> dict[str, int]:
    """Rss, Pss and Uss of ``pid`` in bytes (smaps_rollup)."""
    fields: dict[str, int] = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                fields[parts[0].rstrip(":")] = int(parts[1]) * 1024
    return {"rss": fields["Rss"], "pss": fields["Pss"],
            "uss": fields["Private_Clean"] + fields["Private_Dirty"]}


def title(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().split(b"\0")[0].decode(errors="replace")
    except OSError:
        return ""


def same_namespace(pid: int) -> bool:
    try:
        return os.readlink(f"/proc/{pid}/ns/net") == os.readlink("/proc/self/ns/net")
    except OSError:
        return False


def processes() -> dict[int, str]:
    """Every process of this network namespace (this cluster's; other clusters on the
    machine run in namespaces of their own) but this one: pid -> its title."""
    return {int(p): title(int(p)) for p in os.listdir("/proc")
            if p.isdigit() and int(p) != os.getpid() and same_namespace(int(p))}


def kind(name: str) -> str:
    if name.startswith("ray::SessionActor"):
        return "session actor"
    if name.startswith("ray::DatasetHolder"):
        return "dataset holder"
    if name.endswith("raylet"):
        return "raylet (+ object store)"
    return ""


def train(batches: int) -> Any:
    def job(session: Any) -> int:
        for _ in range(batches):
            session.step_events("batches")
        return os.getpid()
    return job


def measure(args: argparse.Namespace) -> None:
    import ray

    from server.config import Settings
    from server.runtime.ray_runtime import RayRuntime, connect
    from server.sessions.settings import TrainSettings
    from tests import pg
    from tests.cluster.local_ray import ray_environment, start_cluster

    work = Path(tempfile.mkdtemp(prefix="nnraymem"))
    url, stop_pg = pg.start_postgres(work)
    ray_environment()
    local = start_cluster(workers=1, cpus=args.node_cpus)
    try:
        connect(local.address)
        rt = RayRuntime(Settings(store=url, ray_address=local.address,
                                 session_idle_seconds=3600.0, session_cpus=args.session_cpus))

        async def scenario() -> list[int]:
            made = [(await rt.create(None, TrainSettings()))["id"]
                    for _ in range(args.sessions)]
            return [await rt.call(sid, train(args.batches), save=True) for sid in made]

        began = time.monotonic()
        actors = asyncio.run(scenario())
        time.sleep(args.settle)
        by_kind: dict[str, list[dict[str, int]]] = {}
        for pid, name in processes().items():
            what = "session actor" if pid in actors else kind(name)
            if what:
                try:
                    by_kind.setdefault(what, []).append(rollup(pid))
                except OSError:
                    pass
        print(f"code: {args.root}; {args.sessions} sessions (default MNIST settings, "
              f"{args.batches} batches each) on one node, ready in "
              f"{time.monotonic() - began:.0f} s")
        for what, rows in sorted(by_kind.items()):
            n = len(rows)
            mean = {k: sum(r[k] for r in rows) / n / MIB for k in ("rss", "pss", "uss")}
            total_pss = sum(r["pss"] for r in rows) / MIB
            print(f"{what:24s} x{n:<3d} mean RSS {mean['rss']:6.1f} MB  PSS {mean['pss']:6.1f} "
                  f"MB  USS {mean['uss']:6.1f} MB  (PSS summed {total_pss:7.1f} MB)")
        ray.shutdown()
    finally:
        local.stop()
        stop_pg()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--session-cpus", type=float, default=0.1)
    parser.add_argument("--node-cpus", type=float, default=2)
    parser.add_argument("--settle", type=float, default=3.0, help="seconds before reading")
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="the checkout whose server the actors run (the reference: main)")
    args = parser.parse_args()
    args.root = args.root.resolve()
    sys.path.insert(0, str(args.root))
    os.chdir(args.root)  # Ray puts the driver's directory on its workers' path
    measure(args)


if __name__ == "__main__":
    main()
