"""Max, min and average pooling over k x k windows at stride s, channels-last.

x ``(N, H, W, C)`` -> out ``(N, Ho, Wo, C)``, ``Ho = (H - k) // s + 1`` (no padding).
max: ``out = max_{u,v} x[n, i*s+u, j*s+v, c]``; min likewise; avg: the mean of the k*k values.

Tie rule (max and min): the gradient goes to exactly ONE cell of a window, the first winner in
row-major window order (offset ``u*k + v`` smallest), as PyTorch does. Routing it to every tied
cell would be wrong: on MNIST about half the 2x2 windows of a first layer tie.

The implementation loops over the k*k window offsets only (each step a whole-array
operation on a strided view): no argmax, no take/put-along-axis. The forward keeps only the
pooled values; the backward finds each window's first winner by comparing with them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

Cache = tuple[Any, ...]


def out_size(n: int, k: int, s: int) -> int:
    """floor((n - k) / s) + 1."""
    return (n - k) // s + 1


def offset_view(x: np.ndarray, u: int, v: int, k: int, s: int) -> np.ndarray:
    """View ``(N, Ho, Wo, C)`` of the element at window offset (u, v) of every window."""
    ho, wo = out_size(x.shape[1], k, s), out_size(x.shape[2], k, s)
    return x[:, u:u + s * (ho - 1) + 1:s, v:v + s * (wo - 1) + 1:s, :]


def reduce(x: np.ndarray, mode: str, k: int, s: int) -> np.ndarray:
    """The pooled values ``(N, Ho, Wo, C)``: max, min or mean over each window."""
    offsets = [(u, v) for u in range(k) for v in range(k)]
    out = offset_view(x, 0, 0, k, s).copy()
    if mode == "avg":
        for u, v in offsets[1:]:
            out += offset_view(x, u, v, k, s)
        out *= out.dtype.type(1.0 / (k * k))
        return out
    if mode not in ("max", "min"):
        raise ValueError(f"pool mode must be max, avg or min, got {mode!r}")
    extreme = np.maximum if mode == "max" else np.minimum
    for u, v in offsets[1:]:
        extreme(out, offset_view(x, u, v, k, s), out=out)
    return out


def forward(x: np.ndarray, mode: str, k: int, s: int) -> tuple[np.ndarray, Cache]:
    """Pool ``x``; the cache holds x and the pooled values (the winners are found in backward)."""
    out = reduce(x, mode, k, s)
    return out, (mode, x, out, k, s)


def route_to_first(g: np.ndarray, x: np.ndarray, m: np.ndarray, k: int, s: int) -> np.ndarray:
    """dx ``x.shape``: each window's gradient g goes to its first cell (row-major) equal to m.

    ``remaining`` holds the gradient not yet given to a cell; once a window's first winner
    takes it, later tied cells find zero. The last offset takes whatever is left: a window
    with no earlier winner has its extreme there.
    """
    dx = np.zeros(x.shape, dtype=g.dtype)
    overlap = s < k
    remaining = g.copy()
    last = k * k - 1
    for o in range(k * k):
        u, v = divmod(o, k)
        view = offset_view(dx, u, v, k, s)
        if o == last:
            part = remaining
        else:
            hit = offset_view(x, u, v, k, s) == m
            part = np.where(hit, remaining, 0).astype(g.dtype, copy=False)
            np.copyto(remaining, 0, where=hit)
        if overlap:
            view += part
        else:
            view[...] = part
    return dx


def backward(dout: np.ndarray, cache: Cache) -> np.ndarray:
    """dx ``(N, H, W, C)``: avg spreads dout/k^2; max/min route dout to the one winner."""
    mode, x, out, k, s = cache
    if mode != "avg":
        return route_to_first(dout, x, out, k, s)
    dx = np.zeros(x.shape, dtype=dout.dtype)
    part = dout * dout.dtype.type(1.0 / (k * k))
    for o in range(k * k):
        u, v = divmod(o, k)
        offset_view(dx, u, v, k, s)[...] += part
    return dx


def winners(x: np.ndarray, mode: str, k: int, s: int) -> np.ndarray:
    """Offset ``u*k + v`` (int8) of each window's first winner, for max or min."""
    m = reduce(x, mode, k, s)
    idx = np.full(m.shape, -1, dtype=np.int8)
    for o in range(k * k):
        u, v = divmod(o, k)
        np.copyto(idx, np.int8(o), where=(idx < 0) & (offset_view(x, u, v, k, s) == m))
    return idx


def forward_reference(x: np.ndarray, mode: str, k: int, s: int) -> tuple[np.ndarray, np.ndarray]:
    """(out, winner) by looping: winner is the first row-major offset holding the extreme."""
    n, h, w, c = x.shape
    ho, wo = out_size(h, k, s), out_size(w, k, s)
    out = np.zeros((n, ho, wo, c), dtype=x.dtype)
    winner = np.zeros((n, ho, wo, c), dtype=np.int64)
    for i_n in range(n):
        for i in range(ho):
            for j in range(wo):
                for i_c in range(c):
                    vals = [x[i_n, i * s + u, j * s + v, i_c] for u in range(k) for v in range(k)]
                    if mode == "avg":
                        out[i_n, i, j, i_c] = sum(vals) / (k * k)
                        continue
                    best = max(vals) if mode == "max" else min(vals)
                    winner[i_n, i, j, i_c] = vals.index(best)
                    out[i_n, i, j, i_c] = best
    return out, winner


def backward_reference(dout: np.ndarray, x: np.ndarray, mode: str, k: int,
                       s: int) -> np.ndarray:
    """dx by looping every window: avg shares equally, max/min feed the first winner only."""
    _, winner = forward_reference(x, mode, k, s)
    dx = np.zeros_like(x)
    n, ho, wo, c = dout.shape
    for i_n in range(n):
        for i in range(ho):
            for j in range(wo):
                for i_c in range(c):
                    g = dout[i_n, i, j, i_c]
                    if mode == "avg":
                        dx[i_n, i * s:i * s + k, j * s:j * s + k, i_c] += g / (k * k)
                    else:
                        u, v = divmod(int(winner[i_n, i, j, i_c]), k)
                        dx[i_n, i * s + u, j * s + v, i_c] += g
    return dx
