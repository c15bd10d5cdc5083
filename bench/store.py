"""The session store: SQLite (a file) against PostgreSQL (a real local server), same process.

    .venv/bin/python bench/store.py [--rounds 200] [--url postgresql://...]

Builds one real session (the default tiny MNIST CNN, 1,000 examples, 2 epochs trained, so
its trainer state and epoch snapshots are stored), saves it to each store, then times, the
two stores alternating round by round: a full ``Session.save`` (what a training job writes
every 5 s: the JSON, the model, the trainer), the same save recording a call and its
state-sized reply (``save+call``: what a Ray session actor adds to a call that changes the
session), a ``load`` of everything (a session coming
back from disk), a ``put_blob`` of the last input (what a forward with a new drawing writes),
and 4 threads saving 4 sessions at once (saves per second). PostgreSQL is a throwaway server
from tests/pg.py (fsync off, on this machine's loopback) unless ``--url`` names one.
Prints p50/p99 in ms and the PostgreSQL/SQLite ratio; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server.config import Settings  # noqa: E402
from server.persist import blob_codec  # noqa: E402
from server.persist.session_store import AppliedCall, SessionStore, open_store  # noqa: E402
from server.sessions import saving  # noqa: E402
from server.sessions.session import Session  # noqa: E402
from server.sessions.settings import TrainSettings  # noqa: E402
from tests import pg  # noqa: E402


def trained_session(limits: Settings) -> Session:
    session = Session.create("benchsession0000", limits, None,
                             TrainSettings(dataset_size=1000, batch_size=50))
    for _ in range(2):
        session.step_events("epochs")
    return session


def save_trained(session: Session, saved: saving.Saved, store: SessionStore,
                 call: AppliedCall | None = None) -> None:
    """What a training job writes every 5 s: the JSON, the model and the trainer (both
    changed by the steps since the last save); with ``call``, recorded in the same save
    (what a Ray session actor adds to a changing call)."""
    saved.keys.pop("model", None)
    saved.keys.pop("trainer", None)
    saving.save(session, saved, store, call=call)


def timed(action: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    action()
    return (time.perf_counter() - t0) * 1000


def parallel_saves(store: SessionStore, session: Session, threads: int, each: int) -> float:
    """Saves per second with ``threads`` threads each saving its own copy ``each`` times."""
    stored = store.load(session.id)
    assert stored is not None

    def work(n: int) -> None:
        for _ in range(each):
            store.save(f"{session.id}{n}", stored.created, time.time(), stored.meta,
                       put={k: v for k, v in stored.blobs.items() if not k.startswith("sample")})

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    t0 = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return threads * each / (time.perf_counter() - t0)


def summary(ms: list[float]) -> str:
    q = np.percentile(ms, [50, 99])
    return f"p50 {q[0]:6.2f} ms  p99 {q[1]:6.2f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--url", default=None, help="a PostgreSQL database (default: start one)")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="nnplay-bench-store-"))
    url, stop = (args.url, None) if args.url else pg.start_postgres(tmp)
    try:
        stores = {"sqlite": open_store(tmp / "sessions.sqlite3"), "postgresql": open_store(url)}
        session = trained_session(Settings(data_dir=tmp))
        saved = {name: saving.Saved() for name in stores}
        for name, store in stores.items():
            saving.save(session, saved[name], store)  # everything once: snapshots, samples
        stored = stores["sqlite"].load(session.id)
        assert stored is not None
        sizes = {k: len(v) for k, v in stored.blobs.items()}
        print(f"session blobs: {len(sizes)}, {sum(sizes.values()) / 1024:.0f} KiB in all "
              f"(model {sizes.get('model', 0) / 1024:.0f} KiB, trainer "
              f"{sizes.get('trainer', 0) / 1024:.0f} KiB)")
        last = blob_codec.pack({"x": np.random.default_rng(0).random((1, 28, 28),
                                                                      dtype=np.float32),
                                "label": None})
        ops = ("save", "save+call", "load", "put_blob")
        times: dict[str, dict[str, list[float]]] = {
            name: {op: [] for op in ops} for name in stores}
        reply = json.dumps({"reply": session.state()})  # a state-sized reply, kept
        for i in range(args.rounds):
            for name, store in stores.items():
                session.touched = time.time()
                times[name]["save"].append(timed(
                    lambda s=store, r=saved[name]: save_trained(session, r, s)))
                call = AppliedCall(f"call{i}", reply)
                times[name]["save+call"].append(timed(
                    lambda s=store, r=saved[name], c=call: save_trained(session, r, s, c)))
                times[name]["load"].append(timed(lambda s=store: s.load(session.id)))
                times[name]["put_blob"].append(timed(
                    lambda s=store: s.put_blob(session.id, "last_input", last, time.time())))
        for op in ops:
            p50 = {n: statistics.median(times[n][op]) for n in stores}
            for name in stores:
                print(f"{op:9s} {name:10s} {summary(times[name][op])}")
            ratio = p50["postgresql"] / p50["sqlite"]
            print(f"{op:9s} ratio      postgresql/sqlite p50 {ratio:.2f}")
        for name, store in stores.items():
            rate = parallel_saves(store, session, threads=4, each=max(10, args.rounds // 4))
            print(f"4 threads {name:10s} {rate:6.0f} saves/s")
        for store in stores.values():
            store.close()
    finally:
        if stop is not None:
            stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
