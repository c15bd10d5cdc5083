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
    """Zero-pad the two spatial axes of ``(N, H, W, C)`` by ``p`` on each side."""
    if p == 0:
        return x
    return np.pad(x, ((0, 0), (p, p), (p, p), (0, 0)))


def windows(xp: np.ndarray, k: int, s: int) -> np.ndarray:
    """Read-only view ``(N, Ho, Wo, k, k, C)`` of every k x k window of ``xp`` at stride s."""
    n, h, w, c = xp.shape
    ho, wo = (h - k) // s + 1, (w - k) // s + 1
    sn, sh, sw, sc = xp.strides
    return as_strided(xp, (n, ho, wo, k, k, c), (sn, s * sh, s * sw, sh, sw, sc),
                      writeable=False)


def weight_matrix(w: np.ndarray) -> np.ndarray:
    """``(F, C, k, k)`` -> ``(k*k*C, F)`` in the (u, v, c) row order of :func:`windows`."""
    f = w.shape[0]
    return w.transpose(2, 3, 1, 0).reshape(-1, f)


def im2col(x: np.ndarray, k: int, s: int, p: int) -> np.ndarray:
    """``(N, H, W, C)`` -> columns ``(N*Ho*Wo, k*k*C)`` (a contiguous copy)."""
    win = windows(pad(x, p), k, s)
    return win.reshape(-1, k * k * x.shape[3])


def forward(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int,
            padding: int) -> tuple[np.ndarray, Cache]:
    """out ``(N, Ho, Wo, F)`` = im2col(x) @ weight_matrix(w) + b."""
    n, h, wd, _ = x.shape
    f, _, k, _ = w.shape
    ho, wo = (h + 2 * padding - k) // stride + 1, (wd + 2 * padding - k) // stride + 1
    cols = im2col(x, k, stride, padding)
    wmat = weight_matrix(w)
    out = cols @ wmat
    out += b
    return out.reshape(n, ho, wo, f), (cols, wmat, x.shape, w.shape, stride, padding)


def col2im(dcols: np.ndarray, x_shape: tuple[int, ...], k: int, s: int,
           p: int) -> np.ndarray:
    """Adjoint of :func:`im2col`: scatter-add ``(N*Ho*Wo, k*k*C)`` back to ``(N, H, W, C)``.

    Loops over the k*k kernel offsets only; each offset is one strided array addition.
    """
    n, h, w, c = x_shape
    ho, wo = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
    d6 = dcols.reshape(n, ho, wo, k, k, c)
    dxp = np.zeros((n, h + 2 * p, w + 2 * p, c), dtype=dcols.dtype)
    for u in range(k):
        for v in range(k):
            dxp[:, u:u + s * (ho - 1) + 1:s, v:v + s * (wo - 1) + 1:s, :] += d6[:, :, :, u, v, :]
    return dxp[:, p:p + h, p:p + w, :] if p else dxp


def backward(dout: np.ndarray, cache: Cache, need_dx: bool = True,
             need_dw: bool = True) -> tuple[np.ndarray | None, np.ndarray | None,
                                            np.ndarray | None]:
    """(dx ``(N,H,W,C)``, dw ``(F,C,k,k)``, db ``(F,)``); None where not asked for.

    dw = cols^T @ dout, db = 1^T @ dout, dcols = dout @ wmat^T then col2im.
    """
    cols, wmat, x_shape, w_shape, s, p = cache
    f, c, k, _ = w_shape
    d2 = dout.reshape(-1, f)
    dw = db = dx = None
    if need_dw:
        dw = (cols.T @ d2).reshape(k, k, c, f).transpose(3, 2, 0, 1)
        db = np.ones(d2.shape[0], dtype=d2.dtype) @ d2
    if need_dx:
        dx = col2im(d2 @ wmat.T, x_shape, k, s, p)
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
