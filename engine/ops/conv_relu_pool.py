"""Convolution, ReLU and a non-overlapping max pool (size = stride = k) fused, for training.

``out = maxpool_k(relu(conv(x, w) + b))`` with x ``(N, H, W, C)``, w ``(F, C, kc, kc)``,
out ``(N, Ho//k, Wo//k, F)``. The columns are built in pool-window order: block (a, b) holds
the conv outputs at rows ``k*i2 + a`` and columns ``k*j2 + b``, so the pool is an element-wise
max over k*k contiguous blocks and its backward routes the gradient with contiguous operations
(to each window's first maximum in row-major order, only where that maximum is > 0). Conv
outputs that no pool window covers are not computed: they cannot affect the loss.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from engine.ops import conv, relu_pool


def _cols(xp: np.ndarray, kc: int, s: int, k: int, po: int,
          qo: int) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(rows ``(k*k*N*Po*Qo, kc*kc*C)``, None) or, with one channel, (None, transposed)."""
    n, _, _, c = xp.shape
    sn, sh, sw, sc = xp.strides
    step = k * s
    if c == 1:
        cols_t = np.empty((kc, kc, k, k, n, po, qo), dtype=xp.dtype)
        for u in range(kc):
            for v in range(kc):
                for a in range(k):
                    for b in range(k):
                        r0, c0 = a * s + u, b * s + v
                        cols_t[u, v, a, b] = xp[:, r0:r0 + step * (po - 1) + 1:step,
                                                c0:c0 + step * (qo - 1) + 1:step, 0]
        return None, cols_t.reshape(kc * kc, -1)
    cols = np.empty((k, k, n, po, qo, kc, kc * c), dtype=xp.dtype)
    for a in range(k):
        for b in range(k):
            for u in range(kc):
                base = xp[:, a * s + u:, b * s:]
                cols[a, b, :, :, :, u, :] = as_strided(base, (n, po, qo, kc * c),
                                                       (sn, step * sh, step * sw, sc),
                                                       writeable=False)
    return cols.reshape(k * k * n * po * qo, kc * kc * c), None


def forward(x: np.ndarray, w: np.ndarray, b: np.ndarray, s: int, p: int,
            k: int) -> tuple[np.ndarray, Any]:
    """out ``(N, Po, Qo, F)``; cache for :func:`backward`."""
    n, h, wd, _ = x.shape
    f, _, kc, _ = w.shape
    ho, wo = conv.out_size(h, kc, s, p), conv.out_size(wd, kc, s, p)
    po, qo = ho // k, wo // k
    cols_r, cols_t = _cols(conv.pad(x, p), kc, s, k, po, qo)
    wmat = conv.weight_matrix(w)
    z = cols_t.T @ wmat if cols_t is not None else cols_r @ wmat
    conv.add_bias(z, b, qo)
    z = z.reshape(k * k, n * po * qo, f)
    m = z[0].copy()
    for o in range(1, k * k):
        np.maximum(m, z[o], out=m)
    out = np.maximum(m, 0).reshape(n, po, qo, f)
    return out, (cols_r, cols_t, z, m, x.shape, w, s, p, k, ho, wo)


def backward(dout: np.ndarray, cache: Any, need_dx: bool = True,
             need_dw: bool = True) -> tuple[np.ndarray | None, np.ndarray | None,
                                            np.ndarray | None]:
    """(dx, dw, db) as :func:`engine.ops.conv.backward` gives them for the unfused chain."""
    cols_r, cols_t, z, m, x_shape, w, s, p, k, ho, wo = cache
    f = w.shape[0]
    n = x_shape[0]
    g = np.where(m > 0, dout.reshape(m.shape), 0).astype(m.dtype, copy=False)
    dz = np.empty_like(z)
    remaining = g.copy()
    for o in range(k * k):
        if o == k * k - 1:
            dz[o] = remaining
        else:
            np.multiply(remaining, z[o] == m, out=dz[o])
            remaining -= dz[o]  # exact: x - x = 0 and x - 0 = x
    dz2 = dz.reshape(-1, f)
    dw = db = dx = None
    if need_dw:
        dwm = cols_t @ dz2 if cols_t is not None else cols_r.T @ dz2
        c, kc = w.shape[1], w.shape[2]
        dw = dwm.reshape(kc, kc, c, f).transpose(3, 2, 0, 1)
        db = np.ones(g.shape[0], dtype=g.dtype) @ g
    if need_dx:
        po, qo = ho // k, wo // k
        dz_std = np.zeros((n, ho, wo, f), dtype=dz.dtype)
        for o in range(k * k):
            a, b = divmod(o, k)
            dz_std[:, a:a + k * (po - 1) + 1:k, b:b + k * (qo - 1) + 1:k, :] = \
                dz[o].reshape(n, po, qo, f)
        dx = conv.input_grad(dz_std.reshape(-1, f), w, x_shape, s, p)
    return dx, dw, db


def reference(x: np.ndarray, w: np.ndarray, b: np.ndarray, s: int, p: int, k: int,
              dout: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(out, dx, dw, db) from the unfused ops: conv, then relu + max pool."""
    z, cc = conv.forward(x, w, b, s, p)
    out, rc = relu_pool.forward(z, k, k)
    dx, dw, db = conv.backward(relu_pool.backward(dout, rc), cc)
    assert dx is not None and dw is not None and db is not None
    return out, dx, dw, db
