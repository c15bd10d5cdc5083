"""The ``nnplay`` console command: start the playground server."""

from __future__ import annotations

import argparse
import dataclasses
import errno
import importlib.util
import os
import re
import socket
import sys
import threading
import webbrowser
from pathlib import Path
from typing import Any

import uvicorn
from threadpoolctl import threadpool_limits

from server.config import Settings, default_data_dir
from server.http.app import create_app
from server.http.host_guard import is_loopback
from server.persist.session_store import StoreUnavailable, describe_store, is_postgres_url
from server.runtime.data_lock import DataDirInUse, lock_data_dir

LIMITS = {f.name: getattr(Settings(), f.name) for f in dataclasses.fields(Settings)
          if f.name.startswith("max_")}
SIZE_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}


def parse_size(text: str) -> int:
    """Bytes from ``"512M"``, ``"2G"``, ``"300000000"`` (K, M, G are powers of 1024);
    ValueError naming the flag."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMG]?)i?B?\s*", text, re.IGNORECASE)
    if not match:
        raise ValueError(f"--max-memory {text}: write a size such as 512M or 2G")
    number = int(float(match.group(1)) * SIZE_UNITS[match.group(2).upper()])
    if number < 16 * 1024**2:
        raise ValueError(f"--max-memory {text}: must be at least 16M")
    return number


def parse_limits(pairs: list[str]) -> dict[str, int]:
    """{"max_layers": 8} from ["max_layers=8"]; ValueError naming what is wrong."""
    limits: dict[str, int] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise ValueError(f"--limit {pair}: write NAME=VALUE, e.g. max_layers=16")
        if name not in LIMITS:
            raise ValueError(f"--limit {pair}: unknown limit {name!r}; known: "
                             f"{', '.join(LIMITS)}")
        try:
            number = int(value)
        except ValueError:
            raise ValueError(f"--limit {pair}: {value!r} is not a whole number") from None
        if number < 1:
            raise ValueError(f"--limit {pair}: must be at least 1")
        limits[name] = number
    return limits


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="nnplay", description="Run the nnplay playground.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to bind (default 8000)")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help=f"where sessions are kept (default {default_data_dir()})",
    )
    parser.add_argument(
        "--store",
        default=os.environ.get("NNPLAY_STORE") or None,
        metavar="URL",
        help="keep sessions in this PostgreSQL database, e.g. "
        "postgresql://nnplay@db.example:5432/nnplay (default $NNPLAY_STORE, else SQLite: "
        "sessions.sqlite3 in --data-dir). Several servers may share one database",
    )
    parser.add_argument(
        "--ray",
        default=None,
        metavar="ADDRESS",
        help="run each session as an actor on this Ray cluster (auto: the one this machine "
        "belongs to, or host:port of its head); needs --store postgresql://... and "
        "pip install 'nnplay[cluster]'. Any number of such servers can share the cluster",
    )
    parser.add_argument(
        "--session-idle-s",
        type=float,
        default=Settings.session_idle_seconds,
        metavar="SECONDS",
        help="with --ray: a session's actor unused this long saves and leaves its node (the "
        f"next use brings it back; default {Settings.session_idle_seconds:g})",
    )
    parser.add_argument(
        "--session-cpus",
        type=float,
        default=Settings.session_cpus,
        metavar="CPUS",
        help="with --ray: the CPUs each session's actor asks of its node, so a node of N "
        f"cores holds N / CPUS sessions (default {Settings.session_cpus:g})",
    )
    parser.add_argument(
        "--training-threads",
        type=int,
        default=Settings.training_threads,
        help="training steps run at once across all sessions (with --ray: on each node); "
        f"forwards never wait for them (default {Settings.training_threads})",
    )
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=1,
        help="threads each NumPy matrix product may use (default 1: with many sessions at "
        "once, one thread per product keeps forwards quick while others train)",
    )
    parser.add_argument(
        "--session-ttl-days",
        type=float,
        default=Settings.session_ttl_seconds / 86400,
        help="delete sessions unused for this many days, and their storage "
        f"(default {Settings.session_ttl_seconds / 86400:g})",
    )
    parser.add_argument(
        "--max-memory",
        default=None,
        metavar="SIZE",
        help="bytes the sessions in memory and their data may hold, e.g. 512M or 2G; idle "
        "sessions beyond it wait on disk and come back on their next use (default: a quarter "
        f"of this machine's memory, between 256M and 4G: {LIMITS['max_memory_bytes'] >> 20}M)",
    )
    parser.add_argument(
        "--limit",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="change one ceiling (repeatable), e.g. --limit max_upload_bytes=4000000; "
        f"names: {', '.join(LIMITS)} (the engine's own caps, such as 64 filters a layer, "
        "still hold above these)",
    )
    parser.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="one more name the Host header may carry (repeatable), e.g. the machine's name "
        "in a classroom; the bound address (and localhost when bound to loopback) always works",
    )
    parser.add_argument(
        "--token",
        default=os.environ.get("NNPLAY_TOKEN") or None,
        help="a shared access token every request must carry (default $NNPLAY_TOKEN); share "
        "the link printed at start-up, which sets it as a cookie. Use it whenever others can "
        "reach the server",
    )
    parser.add_argument(
        "--open",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="open the playground in a web browser once it is up",
    )
    return parser.parse_args(argv)


TOKEN_PATTERN = re.compile(r"[A-Za-z0-9._~-]{8,256}")


def exposure_warning(host: str, token: str | None) -> str | None:
    """The loud warning for a server others can reach (None on a loopback address)."""
    if is_loopback(host):
        return None
    lines = [f"WARNING: nnplay is listening on {host}, not only on this computer: anyone "
             "who can reach it can create sessions and run training here, and a session's "
             "link is the only thing protecting it."]
    if token is None:
        lines.append("WARNING: no access token is set. Start it with --token WORD (or "
                     "$NNPLAY_TOKEN) and share the link it prints, or bind --host 127.0.0.1.")
    else:
        lines.append("Every request must carry the access token; share the link below.")
    return "\n".join(lines)


def port_problem(host: str, port: int) -> str | None:
    """Return why ``host:port`` cannot be bound, or None when it is free."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return f"port {port} on {host} is already in use; pick another with --port"
            return f"cannot bind {host}:{port}: {exc.strerror}"
    return None


def ray_problem(args: argparse.Namespace) -> str | None:
    """Why the --ray options cannot work, or None."""
    if args.ray is None:
        return None
    if args.store is None or not is_postgres_url(args.store):
        return ("--ray needs --store postgresql://...: the sessions' actors run on every node "
                "of the cluster and load from and save to one database they all reach")
    if not args.session_idle_s > 0:
        return "--session-idle-s must be more than 0"
    if not args.session_cpus > 0:
        return "--session-cpus must be more than 0"
    if importlib.util.find_spec("ray") is None:
        return "--ray needs Ray: pip install 'nnplay[cluster]'"
    return None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.training_threads < 1:
        print("nnplay: --training-threads must be at least 1", file=sys.stderr)
        return 2
    if args.blas_threads < 1:
        print("nnplay: --blas-threads must be at least 1", file=sys.stderr)
        return 2
    if not args.session_ttl_days > 0:
        print("nnplay: --session-ttl-days must be more than 0", file=sys.stderr)
        return 2
    if args.token is not None and not TOKEN_PATTERN.fullmatch(args.token):
        print("nnplay: --token must be 8 to 256 letters, digits or . _ ~ -", file=sys.stderr)
        return 2
    if args.store is not None and not is_postgres_url(args.store):
        print(f"nnplay: --store {args.store}: write a postgresql://... URL (leave it out for "
              "SQLite in --data-dir)", file=sys.stderr)
        return 2
    problem = ray_problem(args)
    if problem:
        print(f"nnplay: {problem}", file=sys.stderr)
        return 2
    try:
        limits: dict[str, Any] = parse_limits(args.limit)
        if args.max_memory is not None:
            limits["max_memory_bytes"] = parse_size(args.max_memory)
    except ValueError as exc:
        print(f"nnplay: {exc}", file=sys.stderr)
        return 2
    problem = port_problem(args.host, args.port)
    if problem:
        print(f"nnplay: {problem}", file=sys.stderr)
        return 2
    data_dir = args.data_dir or default_data_dir()
    lock = None
    if args.store is None:  # one server per SQLite file; servers share a PostgreSQL store
        try:
            lock = lock_data_dir(data_dir)  # held until the process ends
        except (DataDirInUse, OSError) as exc:
            print(f"nnplay: {exc}", file=sys.stderr)
            return 2
    try:
        app = create_app(Settings(data_dir=data_dir, store=args.store, ray_address=args.ray,
                                  session_idle_seconds=args.session_idle_s,
                                  session_cpus=args.session_cpus,
                                  training_threads=args.training_threads,
                                  session_ttl_seconds=args.session_ttl_days * 86400,
                                  host=args.host, allow_hosts=tuple(args.allow_host),
                                  token=args.token, **limits))
    except (StoreUnavailable, ConnectionError) as exc:  # ConnectionError: --ray's cluster
        print(f"nnplay: {exc}", file=sys.stderr)
        return 2
    kept = describe_store(args.store) if args.store else str(data_dir)
    if args.ray:
        kept += f", running on the Ray cluster at {args.ray}"
    shown_host = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{shown_host}:{args.port}/"
    warning = exposure_warning(args.host, args.token)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    if args.token is not None:
        url = f"{url}?token={args.token}"
    print(f"nnplay is running at {url}  (sessions kept in {kept}; Ctrl+C to stop)", flush=True)
    if args.open:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    threadpool_limits(limits=args.blas_threads, user_api="blas")  # for the whole process
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    if lock is not None:
        lock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
