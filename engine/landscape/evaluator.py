"""Loss of many weight vectors at once: ``theta(c) = sum_k c_k * basis_k``.

A plane through the current weights is the basis ``[theta, d1, d2]`` with coefficient rows
``(1, a, b)``; a list of trajectory points is the basis ``[theta_1, ..., theta_B]`` with
one-hot rows. :meth:`BatchedEvaluator.losses` takes coefficient rows ``(P, B)`` and returns the
loss of each weight vector on the fixed evaluation batch ``x (n, C, H, W)``, ``y (n,)``.

Vectorised two ways:

* The first layer with weights is linear in them, and its input does not depend on the
  weights: its pre-activations ``Z(c) = sum_k c_k (x * W_k + b_k)`` are ``Zs`` (one per basis
  vector) computed once, then one matrix product ``(g, B) @ (B, M)`` per chunk of ``g``
  weight vectors. A following monotone activation and a non-overlapping max/min pool commute
  (``pool(f(z)) = f(pool(z))``), so ``Zs`` is stored pool-window-major and the pool is a
  reduction over contiguous slabs. (When ``Zs`` would exceed ``cache_limit`` floats, the
  first layer is recomputed per chunk like the later ones.)
* Later layers run for ``g`` weight vectors in one go: activations travel as ``(g, n, ...)``
  (channels-last inside, like the engine), a conv is one batched matrix product
  ``(g, n*Ho*Wo, k*k*C) @ (g, k*k*C, F)``, a dense layer ``(g, n, in) @ (g, in, out)``;
  weight-free layers run on ``(g*n, ...)`` through :mod:`engine.ops`.

The loss value of a fused loss (cross-entropy after a softmax, BCE after a sigmoid) is taken
from the final layer's input, the logits, as the trainer takes it (see :mod:`engine.losses`):
the final softmax/sigmoid is always the plan's last step, and its input is kept.

No Python loop runs per sample; the loop is over chunks of weight vectors and layers.
Chunks run on ``workers`` threads (NumPy and BLAS release the GIL inside their loops, so the
element-wise work, which NumPy does on one core, uses every core).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from engine import layer_types, losses
from engine.layers import Layer
from engine.model import Sequential, to_internal
from engine.ops import conv, dense, flatten, global_pool, pool, softmax
from engine.spec import resolve_padding

MONOTONE = layer_types.names_where(monotone=True)  # commute with max/min pooling
DEFAULT_BUDGET = 4_000_000  # floats per chunk of the largest intermediate (cache-friendly)
MAX_WORKERS = 4
ZS_LIMIT = 32_000_000  # floats of cached first-layer pre-activations; beyond, recompute


@dataclass
class _Fused:
    """First weighted layer, its monotone activations and (maybe) a fused pool."""

    after: int            # position of the first layer not covered
    acts: list[Layer]     # activations applied after the pool
    zs: np.ndarray        # (B, M) pre-activations, pool-window-major when pooled
    window: int           # k*k of the fused pool (1 = none)
    mode: str             # "max" | "min" | ""
    out_shape: tuple[int, ...]  # per-sample internal shape after the fused block


@dataclass
class _Step:
    """A layer to run per chunk; a conv may carry a fused monotone activation + pool."""

    layer: Layer
    pool_k: int = 1       # fused non-overlapping pool size (1 = none)
    mode: str = ""        # "max" | "min" when fused
    acts: list[Layer] | None = None


def _poolable(layer: Layer | None) -> bool:
    """A max/min pool whose windows do not overlap (size == stride)."""
    if layer is None or layer.kind != "pool":
        return False
    d = layer.spec()
    return d["mode"] in ("max", "min") and d["size"] == d["stride"]


def _plan(layers: list[Layer], start: int) -> list[_Step]:
    """Steps for layers[start:], fusing conv -> monotone activations -> max/min pool."""
    steps: list[_Step] = []
    i = start
    while i < len(layers):
        layer = layers[i]
        j = i + 1
        if layer.kind == "conv2d":
            while j < len(layers) and layers[j].kind in MONOTONE:
                j += 1
            nxt = layers[j] if j < len(layers) else None
            if _poolable(nxt):
                assert nxt is not None
                spec = nxt.spec()
                steps.append(_Step(layer, int(spec["size"]), spec["mode"], layers[i + 1:j]))
                i = j + 1
                continue
        steps.append(_Step(layer, acts=[]))
        i += 1
    return steps


def _weighted(layer: Layer) -> bool:
    return layer_types.get(layer.kind).params


def _weight_free(layer: Layer, h: np.ndarray) -> np.ndarray:
    """One weight-free layer on ``h (N, ...)`` in eval mode via :mod:`engine.ops`."""
    kind, d = layer.kind, layer.spec()
    entry = layer_types.get(kind)
    if entry.elementwise:  # an activation: its table op
        return entry.forward()(h, **layer_types.op_args(d))[0]
    if kind == "pool":
        return pool.forward(h, d["mode"], int(d["size"]), int(d["stride"]))[0]
    if kind == "global_pool":
        return global_pool.forward(h, d["mode"])[0]
    if kind == "flatten":
        return flatten.forward(h)[0]
    if kind == "dropout":
        return h
    if kind == "softmax":
        return softmax.forward(h)[0]
    raise ValueError(f"layer {layer.name}: the loss surface does not know layer type {kind!r}")


def _linear(layer: Layer, h: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The layer's pre-activation for one weight set (the engine's own op)."""
    if layer.kind == "conv2d":
        d = layer.spec()
        k, s = int(d["kernel"]), int(d["stride"])
        return conv.forward(h, w, b, s, resolve_padding(d["padding"], k, s))[0]
    return dense.forward(h, w, b)[0]


def _pool_window_major(z: np.ndarray, k: int) -> np.ndarray:
    """``(N, H, W, C)`` -> ``(k*k, N, Ho, Wo, C)`` for a k x k pool at stride k (cropped)."""
    n, h, w, c = z.shape
    ho, wo = h // k, w // k
    z = z[:, :ho * k, :wo * k, :].reshape(n, ho, k, wo, k, c)
    return z.transpose(2, 4, 0, 1, 3, 5).reshape(k * k, n, ho, wo, c)


class BatchedEvaluator:
    """Losses of weight vectors ``sum_k c_k basis[k]`` on one evaluation batch.

    model: gives the architecture (its weights are not read or changed); basis: B weight
    dicts named like ``model.named_params()``; x ``(n, C, H, W)``; y ``(n,)``; loss kind;
    budget: floats of the widest intermediate per chunk; workers: threads (default: the
    number of CPUs, at most ``MAX_WORKERS``); cache_limit: the most floats the cached
    first-layer pre-activations ``Zs (B, n, ...)`` may take, beyond which the first layer is
    recomputed per chunk like the others (so memory stays bounded for wide first layers).
    """

    def __init__(self, model: Sequential, basis: list[dict[str, np.ndarray]], x: np.ndarray,
                 y: np.ndarray, loss: str, budget: int = DEFAULT_BUDGET,
                 workers: int | None = None, cache_limit: int = ZS_LIMIT) -> None:
        if not basis:
            raise ValueError("the basis needs at least one weight set")
        names = set(model.named_params())
        for i, b in enumerate(basis):
            if set(b) != names:
                raise ValueError(f"basis {i} names {sorted(set(b) ^ names)} do not match the "
                                 f"model's parameters")
        if x.shape[0] != y.shape[0] or x.shape[0] == 0:
            raise ValueError(f"need a non-empty batch with one label per image, got "
                             f"{x.shape[0]} images and {y.shape[0]} labels")
        losses.check_pairing(loss, model.layers[-1].kind)
        self.model, self.loss, self.y = model, loss, y
        self.dtype = model.dtype
        self.n = int(x.shape[0])
        self.layers = model.layers
        self.stacks = self._stacks(basis)
        h = to_internal(np.asarray(x, dtype=self.dtype))
        first = next((i for i, ly in enumerate(self.layers) if _weighted(ly)), None)
        if first is None:
            raise ValueError("the model has no conv2d or dense layer: no weights to vary")
        for layer in self.layers[:first]:
            h = _weight_free(layer, h)
        self.basis_size = len(basis)
        self.fused: _Fused | None = None
        self.head = h  # input of the first weighted layer, (n, ...) internal layout
        first_out = int(np.prod(model.shapes[first + 1]))
        if len(basis) * self.n * first_out <= cache_limit:
            self.fused = self._fuse(first, h, basis)
        self.plan = _plan(self.layers, self.fused.after if self.fused else first)
        # A fused loss's value comes from the logits: the input of the plan's last step, which
        # is then the final softmax/sigmoid alone (monotone fusing stops before a last layer).
        self.logits_from_plan = loss in losses.FUSED_WITH
        if self.logits_from_plan and not (self.plan and self.plan[-1].layer is self.layers[-1]
                                          and not self.plan[-1].acts):
            raise AssertionError("the final softmax/sigmoid is not the plan's last step")
        per_sample = max(int(np.prod(s)) for s in model.shapes)
        widest = max([per_sample] + [self._cols_per_sample(i) for i in range(len(self.layers))])
        self.chunk = max(1, budget // (self.n * widest))
        self.workers = max(1, workers if workers is not None
                           else min(os.cpu_count() or 1, MAX_WORKERS))

    # -- set-up ---------------------------------------------------------------------------
    def _stacks(self, basis: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
        """name -> (B, size) of every parameter, weights in the op's matrix layout."""
        out = {}
        for layer in self.layers:
            for key in layer.params:
                name = f"{layer.name}.{key}"
                mats = [np.asarray(b[name], dtype=self.dtype) for b in basis]
                if key == "W" and layer.kind == "conv2d":
                    mats = [_weight_matrix(m) for m in mats]
                out[name] = np.stack([m.reshape(-1) for m in mats])
        return out

    def _cols_per_sample(self, i: int) -> int:
        layer = self.layers[i]
        if layer.kind != "conv2d":
            return 0
        d = layer.spec()
        _, ho, wo = self.model.shapes[i + 1]
        return int(ho * wo * d["kernel"] ** 2 * self.model.shapes[i][0])

    def _fuse(self, first: int, h: np.ndarray, basis: list[dict[str, np.ndarray]]) -> _Fused:
        layer = self.layers[first]
        zs = [_linear(layer, h, np.asarray(b[f"{layer.name}.W"], dtype=self.dtype),
                      np.asarray(b[f"{layer.name}.b"], dtype=self.dtype)) for b in basis]
        j = first + 1
        while j < len(self.layers) and self.layers[j].kind in MONOTONE:
            j += 1
        acts = list(self.layers[first + 1:j])
        nxt = self.layers[j] if j < len(self.layers) else None
        spec = nxt.spec() if nxt is not None else {}
        if (nxt is not None and nxt.kind == "pool" and spec["mode"] in ("max", "min")
                and spec["size"] == spec["stride"] and zs[0].ndim == 4):
            k = int(spec["size"])
            stacked = np.stack([_pool_window_major(z, k) for z in zs])
            out_shape = stacked.shape[3:]
            return _Fused(j + 1, acts, stacked.reshape(len(zs), -1), k * k,
                          spec["mode"], tuple(out_shape))
        stacked = np.stack(zs)
        return _Fused(first + 1, [], stacked.reshape(len(zs), -1), 1, "",
                      tuple(stacked.shape[2:]))

    # -- evaluation -----------------------------------------------------------------------
    def losses(self, coefs: np.ndarray) -> np.ndarray:
        """(P,) float64 losses of the weight vectors with coefficient rows ``coefs (P, B)``."""
        coefs = np.asarray(coefs, dtype=self.dtype)
        if coefs.ndim != 2 or coefs.shape[1] != self.basis_size:
            raise ValueError(f"coefficients must be (P, {self.basis_size}), "
                             f"got {coefs.shape}")
        parts = [coefs[i:i + self.chunk] for i in range(0, coefs.shape[0], self.chunk)]
        if self.workers == 1 or len(parts) == 1:
            results = [self._chunk(p) for p in parts]
        else:
            with ThreadPoolExecutor(min(self.workers, len(parts))) as pool:
                results = list(pool.map(self._chunk, parts))
        return np.concatenate(results) if results else np.zeros(0)

    def outputs(self, coefs: np.ndarray) -> np.ndarray:
        """Model outputs ``(g, n, K)`` for coefficient rows ``(g, B)`` (one chunk)."""
        return self._forward(coefs)[0]

    def _forward(self, coefs: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """(outputs ``(g, n, K)``, logits ``(g, n, K)`` = the final softmax's / sigmoid's
        input, or None when the loss is not fused) for coefficient rows ``(g, B)``."""
        coefs = np.asarray(coefs, dtype=self.dtype)
        g = coefs.shape[0]
        h = self._head(coefs) if self.fused is not None else np.concatenate([self.head] * g)
        logits = None
        last = len(self.plan) - 1
        for i, step in enumerate(self.plan):
            if i == last and self.logits_from_plan:
                logits = h.reshape((g, self.n) + h.shape[1:])
            h = self._step(step, h, coefs)
        return h.reshape((g, self.n) + h.shape[1:]), logits

    def _head(self, coefs: np.ndarray) -> np.ndarray:
        """``(g*n, ...)`` after the fused first block: Z(c) = c @ Zs, pool, activations."""
        f = self.fused
        assert f is not None
        g = coefs.shape[0]
        z = (coefs @ f.zs).reshape((g, f.window, self.n) + f.out_shape)
        if f.window > 1:
            z = z.max(axis=1) if f.mode == "max" else z.min(axis=1)
        else:
            z = z[:, 0]
        h = z.reshape((g * self.n,) + f.out_shape)
        for layer in f.acts:
            h = _weight_free(layer, h)
        return h

    def _chunk(self, coefs: np.ndarray) -> np.ndarray:
        out, logits = self._forward(coefs)
        return np.array([losses.loss_and_grad(self.loss, o, self.y,
                                              logits=None if logits is None else logits[i])[0]
                         for i, o in enumerate(out)])

    def _params(self, layer: Layer, coefs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per-vector (g, ...) weight matrices and biases of ``layer``."""
        w = coefs @ self.stacks[f"{layer.name}.W"]
        b = coefs @ self.stacks[f"{layer.name}.b"]
        if layer.kind == "conv2d":
            f_out = layer.params["W"].shape[0]
            return w.reshape(coefs.shape[0], -1, f_out), b
        return w.reshape((coefs.shape[0],) + layer.params["W"].shape), b

    def _step(self, step: _Step, h: np.ndarray, coefs: np.ndarray) -> np.ndarray:
        """One step on ``h (g*n, ...)`` where each group of n rows has its own weights."""
        layer = step.layer
        if not _weighted(layer):
            return _weight_free(layer, h)
        h = self._weighted(step, h, coefs)
        for act in step.acts or []:
            h = _weight_free(act, h)
        return h

    def _weighted(self, step: _Step, h: np.ndarray, coefs: np.ndarray) -> np.ndarray:
        """A conv or dense layer (conv with its fused pool) for g weight sets."""
        layer = step.layer
        g = coefs.shape[0]
        w, b = self._params(layer, coefs)
        if layer.kind == "dense":
            out = np.matmul(h.reshape(g, self.n, -1), w)
            out += b[:, None, :]
            return out.reshape(g * self.n, -1)
        k, s, p = _conv_geometry(layer)
        if step.pool_k == 1:
            cols, (ho, wo) = _cols(h, g, k, s, p, 1)
            out = np.matmul(cols, w)
            out += b[:, None, :]
            return out.reshape(g * self.n, ho, wo, -1)
        size, mode = step.pool_k, step.mode
        cols, (ho, wo) = _cols(h, g, k, s, p, size)
        z = np.matmul(cols, w)
        z = z.reshape(g, size * size, -1, z.shape[-1])
        z = z.max(axis=1) if mode == "max" else z.min(axis=1)
        z += b[:, None, :]  # a per-channel constant commutes with the window max/min
        return z.reshape(g * self.n, ho, wo, -1)


def _conv_geometry(layer: Layer) -> tuple[int, int, int]:
    """(kernel, stride, padding) of a conv layer."""
    d = layer.spec()
    k, s = int(d["kernel"]), int(d["stride"])
    return k, s, resolve_padding(d["padding"], k, s)


def _pad(x: np.ndarray, p: int) -> np.ndarray:
    """Zero-pad the spatial axes of ``(N, H, W, C)`` by ``p`` on each side."""
    if p == 0:
        return x
    n, h, w, c = x.shape
    out = np.zeros((n, h + 2 * p, w + 2 * p, c), dtype=x.dtype)
    out[:, p:p + h, p:p + w, :] = x
    return out


def _windows(xp: np.ndarray, k: int, s: int) -> np.ndarray:
    """Read-only view ``(N, Ho, Wo, k, k, C)`` of every k x k window at stride s."""
    n, h, w, c = xp.shape
    ho, wo = (h - k) // s + 1, (w - k) // s + 1
    sn, sh, sw, sc = xp.strides
    return as_strided(xp, (n, ho, wo, k, k, c), (sn, s * sh, s * sw, sh, sw, sc),
                      writeable=False)


def _weight_matrix(w: np.ndarray) -> np.ndarray:
    """Conv ``(F, C, k, k)`` -> ``(k*k*C, F)`` in the (u, v, c) order of :func:`_windows`."""
    return w.transpose(2, 3, 1, 0).reshape(-1, w.shape[0])


def _cols(h: np.ndarray, g: int, k: int, s: int, p: int,
          pool_k: int) -> tuple[np.ndarray, tuple[int, int]]:
    """im2col of ``h (g*n, H, W, C)``: ``(g, pool_k^2 * n * Ho' * Wo', k*k*C)``.

    With ``pool_k > 1`` each group's rows are ordered window-offset-major for a following
    non-overlapping pool (output cropped to whole windows), so that pool is a reduction over
    ``pool_k^2`` contiguous slabs; ``(Ho', Wo')`` is then the pooled size.
    """
    win = _windows(_pad(h, p), k, s)  # (g*n, Ho, Wo, k, k, C)
    _, ho, wo = win.shape[:3]
    kkc = k * k * h.shape[3]
    if pool_k == 1:
        return win.reshape(g, -1, kkc), (ho, wo)
    hp, wp = ho // pool_k, wo // pool_k
    win = win[:, :hp * pool_k, :wp * pool_k].reshape(
        g, -1, hp, pool_k, wp, pool_k, k, k, h.shape[3])
    win = win.transpose(0, 3, 5, 1, 2, 4, 6, 7, 8)
    return win.reshape(g, -1, kkc), (hp, wp)


def stack_info(evaluator: BatchedEvaluator) -> dict[str, Any]:
    """Sizes that explain the evaluator's cost (for benchmarks and debugging)."""
    f = evaluator.fused
    return {"chunk": evaluator.chunk, "basis": evaluator.basis_size,
            "first_layer_cached": f is not None, "fused_window": f.window if f else 0,
            "n": evaluator.n}
