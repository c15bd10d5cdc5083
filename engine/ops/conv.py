"""2-D convolution (cross-correlation), channels-last, im2col + one BLAS matrix product.

x ``(N, H, W, C)``, w ``(F, C, k, k)`` (the public NCHW weight layout), b ``(F,)``;
out ``(N, Ho, Wo, F)`` with ``Ho = (H + 2p - k) // s + 1`` and
``out[n, i, j, f] = b[f] + sum_{c,u,v} xpad[n, i*s+u, j*s+v, c] * w[f, c, u, v]``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

Cache = tuple[Any, ...]


def pad(x: np.ndarray, p: int) -> np.ndarray:
    """Zero-pad the two spatial axes of ``(N, H, W, C)`` by ``p``; always C-contiguous."""
    if p == 0:
        return np.ascontiguousarray(x)
    n, h, w, c = x.shape
    xp = np.zeros((n, h + 2 * p, w + 2 * p, c), dtype=x.dtype)
    xp[:, p:p + h, p:p + w, :] = x
    return xp


def out_size(n: int, k: int, s: int, p: int) -> int:
    """floor((n + 2p - k) / s) + 1."""
    return (n + 2 * p - k) // s + 1


def offset_view(xp: np.ndarray, u: int, v: int, ho: int, wo: int, s: int) -> np.ndarray:
    """View ``(N, Ho, Wo, C)`` of the input element under kernel offset (u, v) of each window."""
    return xp[:, u:u + s * (ho - 1) + 1:s, v:v + s * (wo - 1) + 1:s, :]


def weight_matrix(w: np.ndarray) -> np.ndarray:
    """``(F, C, k, k)`` -> ``(k*k*C, F)`` in the (u, v, c) row order of the columns."""
    f = w.shape[0]
    return w.transpose(2, 3, 1, 0).reshape(-1, f)


def im2col(xp: np.ndarray, k: int, s: int, ho: int, wo: int) -> np.ndarray:
    """Padded ``(N, Hp, Wp, C)`` -> columns ``(N*Ho*Wo, k*k*C)``, row order (n, i, j).

    Built one kernel row u at a time: for fixed (n, i, j, u) the k*C values (v, c) are
    contiguous in ``xp``, so each copy moves runs of k*C numbers.
    """
    n, _, _, c = xp.shape
    cols = np.empty((n, ho, wo, k, k * c), dtype=xp.dtype)
    sn, sh, sw, sc = xp.strides
    for u in range(k):
        cols[:, :, :, u, :] = as_strided(xp[:, u:], (n, ho, wo, k * c), (sn, s * sh, s * sw, sc),
                                         writeable=False)
    return cols.reshape(n * ho * wo, k * k * c)


def im2col_t(xp: np.ndarray, k: int, s: int, ho: int, wo: int) -> np.ndarray:
    """Single-channel padded ``(N, Hp, Wp, 1)`` -> transposed columns ``(k*k, N*Ho*Wo)``.

    With one channel each kernel offset is a whole contiguous plane copy (fast), where the
    row layout of :func:`im2col` would copy runs of only k numbers.
    """
    n = xp.shape[0]
    cols = np.empty((k * k, n, ho, wo), dtype=xp.dtype)
    for u in range(k):
        for v in range(k):
            cols[u * k + v] = offset_view(xp, u, v, ho, wo, s)[..., 0]
    return cols.reshape(k * k, n * ho * wo)


def add_bias(z: np.ndarray, b: np.ndarray, row: int) -> None:
    """z ``(M, F)`` += b in place, broadcasting over runs of ``row`` rows at a time.

    NumPy adds a (F,) vector to (M, F) with one inner loop per row; for small F viewing z as
    ``(M / row, row * F)`` plus ``tile(b, row)`` does the same additions in long runs.
    """
    if row > 1 and z.shape[0] % row == 0:
        z.reshape(-1, row * z.shape[1])[...] += np.tile(b, row)
    else:
        z += b


def forward(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int,
            padding: int) -> tuple[np.ndarray, Cache]:
    """out ``(N, Ho, Wo, F)`` = columns(x) @ weight_matrix(w) + b (one BLAS product)."""
    n, h, wd, c = x.shape
    f, _, k, _ = w.shape
    ho, wo = out_size(h, k, stride, padding), out_size(wd, k, stride, padding)
    xp = pad(x, padding)
    wmat = weight_matrix(w)
    if c == 1:
        cols_t = im2col_t(xp, k, stride, ho, wo)
        out = cols_t.T @ wmat
        cols: tuple[np.ndarray | None, np.ndarray | None] = (None, cols_t)
    else:
        cols_r = im2col(xp, k, stride, ho, wo)
        out = cols_r @ wmat
        cols = (cols_r, None)
    add_bias(out, b, wo)
    return out.reshape(n, ho, wo, f), (cols, x.shape, w, stride, padding)


def input_grad(d2: np.ndarray, w: np.ndarray, x_shape: tuple[int, ...], s: int,
               p: int) -> np.ndarray:
    """dx ``(N, H, W, C)`` from d2 = dout as ``(N*Ho*Wo, F)``.

    For each kernel offset (u, v): ``dxpad[:, i*s+u, j*s+v, :] += d2 @ w[:, :, u, v]``;
    k*k small products, each added as one block (the adjoint of the columns).
    """
    n, h, wd, c = x_shape
    _, _, k, _ = w.shape
    ho, wo = out_size(h, k, s, p), out_size(wd, k, s, p)
    dxp = np.zeros((n, h + 2 * p, wd + 2 * p, c), dtype=d2.dtype)
    for u in range(k):
        for v in range(k):
            block = d2 @ np.ascontiguousarray(w[:, :, u, v])
            offset_view(dxp, u, v, ho, wo, s)[...] += block.reshape(n, ho, wo, c)
    return dxp[:, p:p + h, p:p + wd, :] if p else dxp


def backward(dout: np.ndarray, cache: Cache, need_dx: bool = True,
             need_dw: bool = True) -> tuple[np.ndarray | None, np.ndarray | None,
                                            np.ndarray | None]:
    """(dx ``(N,H,W,C)``, dw ``(F,C,k,k)``, db ``(F,)``); None where not asked for.

    dw = columns^T @ dout, db = 1^T @ dout, dx by :func:`input_grad`.
    """
    (cols_r, cols_t), x_shape, w, s, p = cache
    f, c, k, _ = w.shape
    d2 = dout.reshape(-1, f)
    dw = db = dx = None
    if need_dw:
        dwm = cols_t @ d2 if cols_t is not None else cols_r.T @ d2
        dw = dwm.reshape(k, k, c, f).transpose(3, 2, 0, 1)
        db = np.ones(d2.shape[0], dtype=d2.dtype) @ d2
    if need_dx:
        dx = input_grad(d2, w, x_shape, s, p)
    return dx, dw, db


def forward_reference(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int,
                      padding: int) -> np.ndarray:
    """The formula above with explicit loops (slow, obviously correct)."""
    n, h, wd, c = x.shape
    f, _, k, _ = w.shape
    xp = np.zeros((n, h + 2 * padding, wd + 2 * padding, c), dtype=x.dtype)
    xp[:, padding:padding + h, padding:padding + wd, :] = x
    ho, wo = (h + 2 * padding - k) // stride + 1, (wd + 2 * padding - k) // stride + 1
    out = np.zeros((n, ho, wo, f), dtype=x.dtype)
    for i_n in range(n):
        for i in range(ho):
            for j in range(wo):
                for i_f in range(f):
                    total = b[i_f]
                    for i_c in range(c):
                        for u in range(k):
                            for v in range(k):
                                total += (xp[i_n, i * stride + u, j * stride + v, i_c]
                                          * w[i_f, i_c, u, v])
                    out[i_n, i, j, i_f] = total
    return out


def backward_reference(dout: np.ndarray, x: np.ndarray, w: np.ndarray, stride: int,
                       padding: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dx, dw, db) by looping the chain rule over every output cell."""
    n, h, wd, c = x.shape
    f, _, k, _ = w.shape
    xp = np.zeros((n, h + 2 * padding, wd + 2 * padding, c), dtype=x.dtype)
    xp[:, padding:padding + h, padding:padding + wd, :] = x
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    db = np.zeros(f, dtype=x.dtype)
    _, ho, wo, _ = dout.shape
    for i_n in range(n):
        for i in range(ho):
            for j in range(wo):
                for i_f in range(f):
                    g = dout[i_n, i, j, i_f]
                    db[i_f] += g
                    for i_c in range(c):
                        for u in range(k):
                            for v in range(k):
                                r, q = i * stride + u, j * stride + v
                                dw[i_f, i_c, u, v] += g * xp[i_n, r, q, i_c]
                                dxp[i_n, r, q, i_c] += g * w[i_f, i_c, u, v]
    return dxp[:, padding:padding + h, padding:padding + wd, :], dw, db
