"""A real, throwaway PostgreSQL server for tests and benchmarks (Debian's ``postgresql``).

``start_postgres(base_dir) -> (url, stop)`` runs ``initdb`` and ``pg_ctl`` from
/usr/lib/postgresql/<version>/bin into a cluster under ``base_dir`` (owned by the
``postgres`` user when run as root, since PostgreSQL refuses to run as root), listening on
127.0.0.1 at a free port and on a socket in that directory only, trust authentication on
loopback, with a database ``nnplay``. ``stop()`` stops the server and removes the cluster.
``create_database(url, name)`` makes one more database on the same server,
``create_schema(url, name)`` a schema of its own in one (what the server tests use).
As root, a ``base_dir`` the postgres user cannot enter gives way to the system temp dir.

Durability settings (fsync, synchronous_commit) are off: these servers hold test data only,
and the stores' own transactions are what the tests check.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

DATABASE = "nnplay"


def postgres_bin() -> Path | None:
    """The newest installed /usr/lib/postgresql/<version>/bin holding initdb, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name)
                   if Path(p).parent.parent.name.isdigit() else 0)
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_owner(argv: list[str]) -> list[str]:
    """``argv`` run as the postgres user when we are root (PostgreSQL refuses root)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


def start_postgres(base_dir: Path | str | None = None) -> tuple[str, Callable[[], None]]:
    """Start a server in a new directory under ``base_dir`` (a temp dir when None);
    returns (url of its ``nnplay`` database, stop). RuntimeError naming what failed."""
    bindir = postgres_bin()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); "
                           "apt-get install postgresql")
    root = Path(tempfile.mkdtemp(prefix="nnplay-pg-", dir=base_dir))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        if subprocess.run(_as_owner(["test", "-w", str(root)])).returncode != 0:
            # a parent the postgres user cannot enter (pytest's tmp dirs are 0700 root's)
            shutil.rmtree(root)
            root = Path(tempfile.mkdtemp(prefix="nnplay-pg-"))
            shutil.chown(root, "postgres", "postgres")
    cluster, sockets = root / "cluster", root / "run"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(sockets, "postgres", "postgres")
    user = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "postgres")
    _run(_as_owner([str(bindir / "initdb"), "-D", str(cluster), "-U", user, "-A", "trust",
                    "-E", "UTF8", "--locale", "C.UTF-8", "--no-sync"]), "initdb")
    with (cluster / "pg_hba.conf").open("w") as hba:  # loopback and the socket only
        hba.write("local all all trust\nhost all all 127.0.0.1/32 trust\n")
    port = _free_port()
    options = (f"-c listen_addresses=127.0.0.1 -c port={port} "
               f"-c unix_socket_directories={sockets} -c fsync=off -c synchronous_commit=off "
               "-c full_page_writes=off -c max_connections=200 -c shared_buffers=32MB")
    stopped = False

    def stop() -> None:
        nonlocal stopped
        if stopped:
            return
        stopped = True
        subprocess.run(_as_owner([str(bindir / "pg_ctl"), "-D", str(cluster), "-m", "immediate",
                                  "-w", "stop"]), capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)

    try:
        _run(_as_owner([str(bindir / "pg_ctl"), "-D", str(cluster), "-l", str(root / "log"),
                        "-o", options, "-w", "-t", "60", "start"]), "pg_ctl start",
             log=root / "log")
        _run(_as_owner([str(bindir / "psql") if (bindir / "psql").exists() else "psql",
                        "-h", str(sockets), "-p", str(port), "-U", user, "-d", "postgres",
                        "-q", "-c", f"CREATE DATABASE {DATABASE}"]), "CREATE DATABASE")
    except BaseException:
        stop()
        raise
    return f"postgresql://{user}@127.0.0.1:{port}/{DATABASE}", stop


def create_database(url: str, name: str) -> str:
    """Create database ``name`` on the server of ``url`` (dropping one of that name first);
    returns its URL."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        # FILE_COPY (PostgreSQL 15+): twice as quick as WAL_LOG for an empty database
        strategy = " STRATEGY FILE_COPY" if conn.info.server_version >= 150000 else ""
        conn.execute(f'CREATE DATABASE "{name}"{strategy}')
    return url.rsplit("/", 1)[0] + "/" + name


def create_schema(url: str, name: str) -> str:
    """Create schema ``name`` (dropping one of that name first) in the database of ``url``;
    returns a URL whose connections work in it alone (``search_path``): a store of its own,
    made in milliseconds where a database takes a tenth of a second."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{name}"')
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options=-csearch_path%3D{name}"


def _run(argv: list[str], what: str, log: Path | None = None) -> None:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
        raise RuntimeError(f"{what} failed ({done.returncode}): {done.stderr.strip()}\n{tail}")


# -- one server per test process, started on first use (tests and fixtures share it) --------
_shared: tuple[str, Callable[[], None]] | None = None
_databases = 0


def shared_postgres() -> str:
    """URL of this process's test server, started on first call and stopped at exit (or
    by :func:`stop_shared_postgres`)."""
    global _shared
    if _shared is None:
        import atexit

        _shared = start_postgres()
        atexit.register(stop_shared_postgres)
    return _shared[0]


def stop_shared_postgres() -> None:
    global _shared
    if _shared is not None:
        _shared[1]()
        _shared = None


def fresh_database(prefix: str = "t") -> str:
    """URL of a new, empty database on the shared server."""
    global _databases
    _databases += 1
    return create_database(shared_postgres(), f"{prefix}_{os.getpid()}_{_databases}")
