"""Loss-surface benchmark: a 21x21 grid for *small* on 256 MNIST images, nnplay vs PyTorch.

    .venv/bin/python bench/landscape.py [--threads T] [--blas-threads B] [--repeats R]
                                        [--grid G] [--count N]

nnplay: ``engine.landscape.loss_surface`` on a filter-normalised random plane (the batched
evaluator, directions and grid set-up included in the time). PyTorch: the same G*G weight
vectors ``theta + a d1 + b d2`` loaded into an ``nn.Sequential`` of the same architecture and
evaluated one forward (of all N images) per grid point under ``no_grad``, the usual way.
Both use the same number of threads T (default: the CPUs): PyTorch through
``torch.set_num_threads(T)``, nnplay through T // B evaluator worker threads each calling
OpenBLAS with B threads (``--blas-threads B``, default 1, set as OPENBLAS_NUM_THREADS by
re-executing this script); runs of the two alternate so they see the same load;
the best of R runs each is reported, with every run listed. The two surfaces are compared
(largest relative difference) so the timing is of the same computation.

Prints ``small landscape21 nnplay=…s torch=…s ratio=…`` and the coarse-pass time of the
progressive variant (the first 11x11 a caller can draw).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from engine.datasets import mnist  # noqa: E402
from engine.landscape import eval_subset, loss_surface, loss_surfaces, random_plane  # noqa: E402
from engine.model import Sequential, build  # noqa: E402

SMALL: dict[str, Any] = {"input": {"channels": 1, "height": 28, "width": 28}, "layers": [
    {"type": "conv2d", "filters": 8, "kernel": 3, "padding": 1}, {"type": "relu"},
    {"type": "pool", "mode": "max", "size": 2},
    {"type": "conv2d", "filters": 16, "kernel": 3, "padding": 1}, {"type": "relu"},
    {"type": "pool", "mode": "max", "size": 2}, {"type": "flatten"},
    {"type": "dense", "units": 64}, {"type": "relu"}, {"type": "dense", "units": 10},
    {"type": "softmax"}]}


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--blas-threads", type=int, default=1)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--grid", type=int, default=21)
    p.add_argument("--count", type=int, default=256)
    return p.parse_args()


def pin_threads(n: int) -> None:
    """Re-exec with OPENBLAS_NUM_THREADS=n unless it is already so (BLAS reads it at load)."""
    if os.environ.get("OPENBLAS_NUM_THREADS") != str(n):
        os.environ["OPENBLAS_NUM_THREADS"] = str(n)
        os.execv(sys.executable, [sys.executable] + sys.argv)


def torch_surface(model: Sequential, d1: dict[str, np.ndarray], d2: dict[str, np.ndarray],
                  x: np.ndarray, y: np.ndarray, axis: np.ndarray) -> Callable[[], np.ndarray]:
    """A closure computing the G x G surface with PyTorch, one forward per grid point."""
    import torch

    nn = torch.nn
    net = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 10)).eval()
    slots = {"conv1": net[0], "conv2": net[3], "dense1": net[7], "dense2": net[9]}
    w = model.get_weights()

    def as_torch(name: str, arr: dict[str, np.ndarray]) -> Any:
        v = torch.from_numpy(np.ascontiguousarray(arr[name]))
        return v.t().contiguous() if name.startswith("dense") and name.endswith(".W") else v

    base = {k: as_torch(k, w) for k in w}
    dir1 = {k: as_torch(k, d1) for k in w}
    dir2 = {k: as_torch(k, d2) for k in w}
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def run() -> np.ndarray:
        out = np.empty((len(axis), len(axis)))
        with torch.no_grad():
            for j, b in enumerate(axis):
                for i, a in enumerate(axis):
                    for name, layer in slots.items():
                        layer.weight.copy_(base[f"{name}.W"] + a * dir1[f"{name}.W"]
                                           + b * dir2[f"{name}.W"])
                        layer.bias.copy_(base[f"{name}.b"] + a * dir1[f"{name}.b"]
                                         + b * dir2[f"{name}.b"])
                    out[j, i] = nn.functional.cross_entropy(net(xt), yt).item()
        return out

    return run


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> None:
    args = parse()
    pin_threads(args.blas_threads)
    workers = max(1, args.threads // args.blas_threads)
    data = eval_subset(mnist.load_shipped(), args.count, seed=0)
    x, y = data.images, data.labels
    model = build(SMALL, np.random.default_rng(0))
    plane = random_plane(model.get_weights(), seed=1)

    def ours() -> np.ndarray:
        return loss_surface(model, plane, x, y, "cross_entropy", grid=args.grid,
                            workers=workers).losses

    def coarse() -> float:
        start = time.perf_counter()
        next(iter(loss_surfaces(model, plane, x, y, "cross_entropy", grid=args.grid,
                                workers=workers)))
        return time.perf_counter() - start

    try:
        import torch
    except ImportError:
        torch = None
    theirs = None
    if torch is not None:
        torch.set_num_threads(args.threads)
        axis = np.linspace(-1.0, 1.0, args.grid)
        theirs = torch_surface(model, plane.d1, plane.d2, x, y, axis)
    times: dict[str, list[float]] = {"nnplay": [], "torch": []}
    results: dict[str, np.ndarray] = {}
    for _ in range(args.repeats):
        if theirs is not None:
            t, results["torch"] = timed(theirs)
            times["torch"].append(t)
        t, results["nnplay"] = timed(ours)
        times["nnplay"].append(t)
    first = coarse()
    g = args.grid
    line = f"small landscape{g} nnplay={min(times['nnplay']):.2f}s"
    if theirs is not None:
        ratio = min(times["nnplay"]) / min(times["torch"])
        line += f" torch={min(times['torch']):.2f}s ratio={ratio:.2f}"
        diff = np.max(np.abs(results["nnplay"] - results["torch"]) / results["torch"])
        print(f"# surfaces agree to a relative {diff:.1e}")
    print(f"# threads={args.threads} (nnplay: {workers} workers x {args.blas_threads} BLAS) "
          f"images={len(y)} points={g * g} runs: "
          + " ".join(f"{k}=[{', '.join(f'{v:.2f}' for v in vs)}]" for k, vs in times.items()))
    print(f"# progressive: first 11x11 after {first:.2f}s; load average "
          f"{' '.join(f'{v:.1f}' for v in os.getloadavg())} on {os.cpu_count()} CPUs")
    print(line)


if __name__ == "__main__":
    main()
