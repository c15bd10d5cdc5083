"""Engine benchmark: one epoch over 8,000 shipped MNIST images, nnplay against PyTorch.

    .venv/bin/python bench/engine.py [--threads N] [--epochs R] [--quick]

Prints, per network (tiny, small) and batch size (32, 128), the median epoch time of R
epochs after an untimed warm-up of 1,024 images:
``small b32 nnplay=1.84s torch=2.20s ratio=0.84`` (PyTorch limited to the same number
of threads as NumPy's BLAS; epochs of the two alternate so both see the same machine load);
then the held-out accuracy of *small* after 3 epochs (SGD lr 0.05, batch 32, the same initial
weights and the same batch order in both), and the time of one traced image through *small*
(forward + backward with every intermediate kept, as NCHW copies).

``--threads N`` sets OPENBLAS_NUM_THREADS (re-executing this script) and torch's threads.
Without PyTorch only nnplay's figures are printed.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from engine import build, loss_and_grad, make_optimizer, trace_step  # noqa: E402
from engine.datasets import mnist  # noqa: E402
from engine.model import Sequential  # noqa: E402

INPUT = {"channels": 1, "height": 28, "width": 28}
NETS: dict[str, dict[str, Any]] = {
    "tiny": {"input": INPUT, "layers": [
        {"type": "conv2d", "filters": 8, "kernel": 3, "padding": 1}, {"type": "relu"},
        {"type": "pool", "mode": "max", "size": 2}, {"type": "flatten"},
        {"type": "dense", "units": 10}, {"type": "softmax"}]},
    "small": {"input": INPUT, "layers": [
        {"type": "conv2d", "filters": 8, "kernel": 3, "padding": 1}, {"type": "relu"},
        {"type": "pool", "mode": "max", "size": 2},
        {"type": "conv2d", "filters": 16, "kernel": 3, "padding": 1}, {"type": "relu"},
        {"type": "pool", "mode": "max", "size": 2}, {"type": "flatten"},
        {"type": "dense", "units": 64}, {"type": "relu"}, {"type": "dense", "units": 10},
        {"type": "softmax"}]},
}
LR = 0.05
TRAIN, HELD_OUT = 8000, 2000
WARM_UP = 1024  # images trained untimed before each timing, by both engines


def blas_threads() -> int | None:
    """NumPy's OpenBLAS thread count, read from the loaded library (None if unknown)."""
    maps = open("/proc/self/maps").read() if os.path.exists("/proc/self/maps") else ""
    for path in sorted(set(re.findall(r"(/\S*openblas\S*\.so\S*)", maps))):
        lib = ctypes.CDLL(path)
        for name in ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_",
                     "openblas_get_num_threads"):
            fn = getattr(lib, name, None)
            if fn is not None:
                return int(fn())
    return None


def load_data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x_train, y_train, x_test, y_test): the first 8,000 shipped images and the next 2,000."""
    ds = mnist.load_shipped()
    x, y = np.array(ds.images), np.array(ds.labels)  # writable copies (torch shares them)
    return x[:TRAIN], y[:TRAIN], x[TRAIN:TRAIN + HELD_OUT], y[TRAIN:TRAIN + HELD_OUT]


def batches(n: int, batch: int, seed: int) -> list[np.ndarray]:
    """Index arrays of one shuffled epoch."""
    order = np.random.default_rng(seed).permutation(n)
    return [order[i:i + batch] for i in range(0, n, batch)]


def nnplay_epoch(model: Sequential, x: np.ndarray, y: np.ndarray, batch: int,
                 seed: int) -> None:
    """One epoch of SGD over x in the order given by ``seed``."""
    opt = make_optimizer("sgd", LR)
    for idx in batches(len(x), batch, seed):
        out = model.forward(x[idx], training=True)
        _, dout = loss_and_grad("cross_entropy", out, y[idx], logits=model.logits)
        model.backward(dout, loss="cross_entropy")
        opt.step(model.trainable_params(), model.named_grads())


def nnplay_accuracy(model: Sequential, x: np.ndarray, y: np.ndarray) -> float:
    """Fraction of x classified as y (batches of 500)."""
    hits = sum(int((model.forward(x[i:i + 500]).argmax(1) == y[i:i + 500]).sum())
               for i in range(0, len(x), 500))
    return hits / len(x)


def torch_net(name: str, model: Sequential) -> Any:
    """The same network in PyTorch with nnplay's initial weights (ends in logits)."""
    import torch
    from torch import nn

    mods: list[nn.Module] = []
    for layer in model.layers:
        d = layer.spec()
        if d["type"] == "conv2d":
            w = layer.params["W"]
            conv = nn.Conv2d(w.shape[1], w.shape[0], d["kernel"], d["stride"], d["padding"])
            conv.weight.data = torch.tensor(w)
            conv.bias.data = torch.tensor(layer.params["b"])
            mods.append(conv)
        elif d["type"] == "relu":
            mods.append(nn.ReLU())
        elif d["type"] == "pool":
            mods.append(nn.MaxPool2d(d["size"], d["stride"]))
        elif d["type"] == "flatten":
            mods.append(nn.Flatten())
        elif d["type"] == "dense":
            w = layer.params["W"]
            lin = nn.Linear(w.shape[0], w.shape[1])
            lin.weight.data = torch.tensor(w.T.copy())
            lin.bias.data = torch.tensor(layer.params["b"])
            mods.append(lin)
    return nn.Sequential(*mods)


def torch_epoch(net: Any, x: Any, y: Any, batch: int, seed: int) -> None:
    """One epoch of SGD with the same batch order as :func:`nnplay_epoch`."""
    import torch

    opt = torch.optim.SGD(net.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()
    for idx in batches(len(x), batch, seed):
        t = torch.from_numpy(idx)
        opt.zero_grad()
        loss_fn(net(x[t]), y[t]).backward()
        opt.step()


def torch_accuracy(net: Any, x: Any, y: Any) -> float:
    import torch

    with torch.no_grad():
        return float((net(x).argmax(1) == y).float().mean())


def timed(fn: Callable[[], None]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def speed(data: tuple[np.ndarray, ...], epochs: int, torch_ok: bool) -> None:
    x, y = data[0], data[1]
    tx = ty = None
    if torch_ok:
        import torch

        tx, ty = torch.from_numpy(x), torch.from_numpy(y)
    for name in ("tiny", "small"):
        for batch in (32, 128):
            model = build(NETS[name], np.random.default_rng(0))
            net = torch_net(name, model) if torch_ok else None
            ours, theirs = [], []
            nnplay_epoch(model, x[:WARM_UP], y[:WARM_UP], batch, 99)  # untimed warm-up
            if net is not None:
                torch_epoch(net, tx[:WARM_UP], ty[:WARM_UP], batch, 99)
            for e in range(epochs):
                ours.append(timed(partial(nnplay_epoch, model, x, y, batch, e)))
                if net is not None:
                    theirs.append(timed(partial(torch_epoch, net, tx, ty, batch, e)))
            a = statistics.median(ours)
            line = f"{name} b{batch} nnplay={a:.2f}s"
            if theirs:
                b = statistics.median(theirs)
                line += f" torch={b:.2f}s ratio={a / b:.2f}"
            print(line, flush=True)


def accuracy(data: tuple[np.ndarray, ...], torch_ok: bool, epochs: int = 3) -> None:
    x, y, xt, yt = data
    model = build(NETS["small"], np.random.default_rng(0))
    net = torch_net("small", model) if torch_ok else None
    for e in range(epochs):
        nnplay_epoch(model, x, y, 32, 100 + e)
    line = f"small accuracy after {epochs} epochs (b32, lr {LR}, {len(xt)} held out): " \
           f"nnplay={nnplay_accuracy(model, xt, yt):.3f}"
    if net is not None:
        import torch

        tx, ty = torch.from_numpy(x), torch.from_numpy(y)
        for e in range(epochs):
            torch_epoch(net, tx, ty, 32, 100 + e)
        line += f" torch={torch_accuracy(net, torch.from_numpy(xt), torch.from_numpy(yt)):.3f}"
    print(line, flush=True)


def traced(data: tuple[np.ndarray, ...], repeats: int = 200) -> None:
    x, y = data[0], data[1]
    model = build(NETS["small"], np.random.default_rng(0))
    times = []
    for i in range(repeats):
        times.append(timed(partial(trace_step, model, x[i:i + 1], y[i:i + 1],
                                   "cross_entropy")))
    print(f"small traced-one-image {statistics.median(times) * 1000:.1f}ms", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=None, help="BLAS and torch threads")
    ap.add_argument("--epochs", type=int, default=5, help="epochs per timing (median)")
    ap.add_argument("--quick", action="store_true", help="skip the accuracy run")
    ap.add_argument("--no-torch", action="store_true", help="nnplay only")
    args = ap.parse_args()
    if args.threads is not None and os.environ.get("OPENBLAS_NUM_THREADS") != str(args.threads):
        env = {**os.environ, "OPENBLAS_NUM_THREADS": str(args.threads)}
        os.execve(sys.executable, [sys.executable, *sys.argv], env)
    threads = blas_threads()
    torch_ok = False
    if not args.no_torch:
        try:
            import torch

            torch.set_num_threads(threads or 1)
            torch_ok = True
        except ImportError:
            pass
    about_torch = "absent"
    if torch_ok:
        about_torch = f"{torch.__version__} threads {torch.get_num_threads()}"
    print(f"numpy {np.__version__}, BLAS threads {threads}, torch {about_torch}", flush=True)
    data = load_data()
    speed(data, args.epochs, torch_ok)
    traced(data)
    if not args.quick:
        accuracy(data, torch_ok)


if __name__ == "__main__":
    main()
