"""Traces: one training step as data, and the arithmetic of single output cells.

``trace_step(model, x, y, loss, optimizer=None) -> StepTrace``: a forward (training mode) and
backward on the batch x ``(N, C, H, W)``, and optionally one optimizer step, recording per
layer (all NCHW, copies): input, output, pre_activation (activation layers: their input),
grad_output = dL/d(output) (None for a softmax/sigmoid fused with the loss), grad_W, grad_b
and the update applied (update_W, update_b).

``conv_cell``, ``pool_cell`` and ``dense_unit`` rebuild one output value of one image
x ``(C, H, W)`` from its parts; each result also carries ``feature_value``, the value the
model's own forward pass produced there, which ``result`` equals up to rounding.
``softmax_cell`` gives the final softmax's arithmetic for one image (logits, shift, exps, sum)
with the same operations as the layer, so its probabilities equal the model's output exactly.

Dead ReLUs: a unit (one channel at one position, or one vector entry) of a relu or leaky_relu
layer is *dead* on a batch when its pre-activation is <= 0 for every sample (it never fired).
``StepTrace.dead_fraction`` gives, per such layer, the fraction of its units dead on the
traced batch (training-mode forward, dropout included); ``dead_relu_fractions(model, x)`` the
same on any batch in inference mode.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine import layer_types, losses
from engine.model import Sequential, to_public
from engine.optimizers import Optimizer
from engine.spec import resolve_padding


@dataclass
class LayerRecord:
    """What one layer saw and did during a traced step (arrays NCHW or (N, D))."""

    name: str
    kind: str
    input: np.ndarray
    output: np.ndarray
    pre_activation: np.ndarray | None = None
    grad_output: np.ndarray | None = None
    grad_W: np.ndarray | None = None
    grad_b: np.ndarray | None = None
    update_W: np.ndarray | None = None
    update_b: np.ndarray | None = None


@dataclass
class StepTrace:
    """The loss (and RMSE for mse) and one LayerRecord per layer, in order."""

    loss: float
    layers: list[LayerRecord]
    metrics: dict[str, float] = field(default_factory=dict)
    dead_fraction: dict[str, float] = field(default_factory=dict)

    def __getitem__(self, name: str) -> LayerRecord:
        for rec in self.layers:
            if rec.name == name:
                return rec
        raise KeyError(f"no layer {name!r} in this trace")


ACTIVATION_KINDS = layer_types.names_where(activation=True)
DEAD_KINDS = layer_types.names_where(rectifier=True)  # units that can die (output 0 always)


def _copy(a: np.ndarray | None) -> np.ndarray | None:
    return None if a is None else np.array(to_public(a))


def trace_step(model: Sequential, x: np.ndarray, y: np.ndarray, loss: str,
               optimizer: Optimizer | None = None) -> StepTrace:
    """Forward (training), loss, backward and (if given) one optimizer step, all recorded."""
    acts = model.run_forward(x, training=True)
    out, logits = to_public(acts[-1]), model.logits
    loss_value, dout = losses.loss_and_grad(loss, out, y, logits=logits)
    metrics = losses.report(loss, out, y, logits=logits)
    grads = model.run_backward(dout, loss, input_grad=True)
    updates: dict[str, np.ndarray] = {}
    if optimizer is not None:
        updates = optimizer.step(model.trainable_params(), model.named_grads())
    records = []
    for i, layer in enumerate(model.layers):
        rec = LayerRecord(layer.name, layer.kind, np.array(to_public(acts[i])),
                          np.array(to_public(acts[i + 1])), grad_output=_copy(grads[i + 1]))
        if layer.kind in ACTIVATION_KINDS:
            rec.pre_activation = rec.input
        if layer.trainable:
            rec.grad_W = layer.grads["W"].copy()
            rec.grad_b = layer.grads["b"].copy()
            rec.update_W = updates.get(f"{layer.name}.W")
            rec.update_b = updates.get(f"{layer.name}.b")
        records.append(rec)
    fired = _fired_units(model, acts)
    return StepTrace(loss_value, records, metrics,
                     {name: _dead(f) for name, f in fired.items()})


# -- dead ReLUs ---------------------------------------------------------------------------

def _fired_units(model: Sequential, acts: list[np.ndarray]) -> dict[str, np.ndarray]:
    """Per relu/leaky_relu layer: a boolean per unit, True where some sample of the batch
    had a pre-activation > 0 (the layer's input; acts in either layout)."""
    return {layer.name: np.asarray(np.any(acts[i] > 0, axis=0))
            for i, layer in enumerate(model.layers) if layer.kind in DEAD_KINDS}


def _dead(fired: np.ndarray) -> float:
    return float(fired.size - np.count_nonzero(fired)) / fired.size


def dead_relu_fractions(model: Sequential, x: np.ndarray,
                        chunk: int = 256) -> dict[str, float]:
    """{layer name: fraction of its units that never fired on x ``(N, C, H, W)``} for every
    relu and leaky_relu layer, in inference mode (dropout off), ``chunk`` samples at a time."""
    return {name: _dead(~dead) for name, dead in never_fired(model, x, chunk).items()}


def never_fired(model: Sequential, x: np.ndarray, chunk: int = 256) -> dict[str, np.ndarray]:
    """{layer name: bool array of the layer's unit shape, ``(C, H, W)`` or ``(n,)``, True
    where the unit never fired on x ``(N, C, H, W)``: pre-activation <= 0 for every sample}
    for every relu and leaky_relu layer, in inference mode, ``chunk`` samples at a time. A
    channel dead at every position is a dead map; a dead unit of a vector, a dead unit."""
    x = np.asarray(x)
    if x.ndim != 4 or x.shape[0] == 0:
        raise ValueError(f"x must be a non-empty batch (N, C, H, W), got shape {x.shape}")
    if chunk < 1:
        raise ValueError(f"chunk must be at least 1, got {chunk}")
    fired: dict[str, np.ndarray] = {}
    for start in range(0, x.shape[0], chunk):
        part = _fired_units(model, model.run_forward(x[start:start + chunk], training=False))
        for name, f in part.items():
            fired[name] = f if name not in fired else fired[name] | f
    return {name: ~to_public(f[None])[0] for name, f in fired.items()}


# -- cell arithmetic ----------------------------------------------------------------------

@dataclass
class ConvCell:
    """One conv output value: ``result = sum(products) + bias`` with
    ``products = window * kernel`` (``(C, k, k)``) and padding cells holding 0 and
    ``padding_mask`` True. ``origin`` is the window's top-left (row, col) in unpadded input
    coordinates (negative inside the padding)."""

    window: np.ndarray
    padding_mask: np.ndarray
    kernel: np.ndarray
    products: np.ndarray
    channel_sums: np.ndarray
    total: float
    bias: float
    result: float
    feature_value: float
    origin: tuple[int, int]


@dataclass
class PoolCell:
    """One pool output value of one channel: the ``(k, k)`` window, the winner (row, col)
    within it for max/min (the first in row-major order on ties) or None for avg."""

    window: np.ndarray
    mode: str
    winner: tuple[int, int] | None
    result: float
    feature_value: float
    origin: tuple[int, int]


@dataclass
class DenseUnit:
    """One dense unit: ``weighted_sum = inputs . weights``, ``pre_activation = weighted_sum +
    bias``; ``activation`` names the following activation layer (if any) and ``activated`` is
    its output for this unit."""

    inputs: np.ndarray
    weights: np.ndarray
    products: np.ndarray
    weighted_sum: float
    bias: float
    pre_activation: float
    activation: str | None
    activated: float | None
    feature_value: float


@dataclass
class SoftmaxCell:
    """The final softmax for one input: ``shift = max(logits)``, ``exps = exp(logits -
    shift)``, ``total = sum(exps)``, ``probabilities = exps / total`` (``(K,)`` each, in the
    model's dtype, computed as the layer computes them, so ``probabilities`` equals
    ``feature_value``, the model's own output, exactly)."""

    logits: np.ndarray
    shift: float
    exps: np.ndarray
    total: float
    probabilities: np.ndarray
    feature_value: np.ndarray


def _layer_io(model: Sequential, layer_name: str, x: np.ndarray,
              kinds: tuple[str, ...]) -> tuple[int, np.ndarray, list[np.ndarray]]:
    idx = model.index(layer_name)
    kind = model.layers[idx].kind
    if kind not in kinds:
        raise ValueError(f"layer {layer_name!r} is a {kind}, not a {' or '.join(kinds)}")
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError(f"x must be one image (C, H, W), got shape {x.shape}")
    acts = model.run_forward(x[None], training=False)
    return idx, to_public(acts[idx])[0], acts


def _check_cell(shape: tuple[int, ...], channel: int, row: int, col: int, name: str) -> None:
    c, h, w = shape
    if not (0 <= channel < c and 0 <= row < h and 0 <= col < w):
        raise IndexError(f"{name}: cell (channel {channel}, row {row}, col {col}) is outside "
                         f"its {c}x{h}x{w} output")


def conv_cell(model: Sequential, layer_name: str, x: np.ndarray, channel: int, row: int,
              col: int) -> ConvCell:
    """Rebuild output[channel, row, col] of conv layer ``layer_name`` for image x."""
    idx, inp, acts = _layer_io(model, layer_name, x, ("conv2d",))
    layer = model.layers[idx]
    feat = to_public(acts[idx + 1])[0]
    _check_cell(feat.shape, channel, row, col, layer_name)
    k, s = int(layer.spec()["kernel"]), int(layer.spec()["stride"])
    p = resolve_padding(layer.spec()["padding"], k, s)
    c, h, w = inp.shape
    padded = np.zeros((c, h + 2 * p, w + 2 * p), dtype=inp.dtype)
    padded[:, p:p + h, p:p + w] = inp
    mask = np.ones((h + 2 * p, w + 2 * p), dtype=bool)
    mask[p:p + h, p:p + w] = False
    r0, c0 = row * s, col * s
    window = padded[:, r0:r0 + k, c0:c0 + k].copy()
    kernel = layer.params["W"][channel].copy()
    products = window * kernel
    sums = products.reshape(c, -1).sum(axis=1)
    total = float(sums.sum())
    bias = float(layer.params["b"][channel])
    return ConvCell(window, mask[r0:r0 + k, c0:c0 + k].copy(), kernel, products, sums, total,
                    bias, total + bias, float(feat[channel, row, col]), (r0 - p, c0 - p))


def pool_cell(model: Sequential, layer_name: str, x: np.ndarray, channel: int, row: int,
              col: int) -> PoolCell:
    """Rebuild output[channel, row, col] of pool layer ``layer_name`` for image x."""
    idx, inp, acts = _layer_io(model, layer_name, x, ("pool",))
    spec = model.layers[idx].spec()
    feat = to_public(acts[idx + 1])[0]
    _check_cell(feat.shape, channel, row, col, layer_name)
    k, s, mode = int(spec["size"]), int(spec["stride"]), str(spec["mode"])
    r0, c0 = row * s, col * s
    window = inp[channel, r0:r0 + k, c0:c0 + k].copy()
    flat = window.ravel()
    winner: tuple[int, int] | None = None
    if mode == "avg":
        result = float(flat.sum() / flat.size)
    else:
        pos = int(np.argmax(flat) if mode == "max" else np.argmin(flat))  # first extreme
        winner = (pos // k, pos % k)
        result = float(flat[pos])
    return PoolCell(window, mode, winner, result, float(feat[channel, row, col]), (r0, c0))


def global_pool_cell(model: Sequential, layer_name: str, x: np.ndarray,
                     channel: int) -> PoolCell:
    """Rebuild output[channel] of global_pool layer ``layer_name`` for image x: the max (its
    first maximum in row-major order is the winner) or the mean of the whole ``(H, W)`` map,
    which is the returned ``window``; ``origin`` is (0, 0)."""
    idx, inp, acts = _layer_io(model, layer_name, x, ("global_pool",))
    if not 0 <= channel < inp.shape[0]:
        raise IndexError(f"{layer_name}: channel {channel} is outside 0..{inp.shape[0] - 1}")
    mode = str(model.layers[idx].spec()["mode"])
    window = inp[channel].copy()
    flat = window.ravel()
    winner: tuple[int, int] | None = None
    if mode == "avg":
        result = float(flat.sum() / flat.size)
    else:
        pos = int(np.argmax(flat))  # the first maximum, as the layer routes its gradient
        winner = (pos // window.shape[1], pos % window.shape[1])
        result = float(flat[pos])
    return PoolCell(window, mode, winner, result, float(acts[idx + 1][0, channel]), (0, 0))


def dense_unit(model: Sequential, layer_name: str, x: np.ndarray, unit: int) -> DenseUnit:
    """Rebuild unit ``unit`` of dense layer ``layer_name`` for image x, and its activation."""
    idx, inp, acts = _layer_io(model, layer_name, x, ("dense",))
    layer = model.layers[idx]
    units = layer.params["W"].shape[1]
    if not 0 <= unit < units:
        raise IndexError(f"{layer_name}: unit {unit} is outside 0..{units - 1}")
    weights = layer.params["W"][:, unit].copy()
    products = inp * weights
    wsum = float(products.sum())
    bias = float(layer.params["b"][unit])
    act_name = act_value = None
    if idx + 1 < len(model.layers) and model.layers[idx + 1].kind in ACTIVATION_KINDS:
        act_name = model.layers[idx + 1].kind
        act_value = float(acts[idx + 2][0, unit])
    return DenseUnit(inp.copy(), weights, products, wsum, bias, wsum + bias, act_name,
                     act_value, float(acts[idx + 1][0, unit]))


def softmax_cell(model: Sequential, x: np.ndarray) -> SoftmaxCell:
    """The arithmetic of the model's final softmax layer for image x ``(C, H, W)``."""
    last = model.layers[-1]
    if last.kind != "softmax":
        raise ValueError(f"the last layer {last.name!r} is a {last.kind}, not a softmax")
    _, _, acts = _layer_io(model, last.name, x, ("softmax",))
    return softmax_cell_of(model, acts)


def softmax_cell_of(model: Sequential, acts: list[np.ndarray]) -> SoftmaxCell:
    """:func:`softmax_cell` from a forward already run: ``acts`` is
    ``model.run_forward(x[None], training=False)`` for one image (the final softmax's input
    ``acts[-2]`` (1, K) and output ``acts[-1]``), so a caller that shows every layer's output
    runs the network once, not twice. ``p_k = exp(z_k - max z) / sum_j exp(z_j - max z)``."""
    last = model.layers[-1]
    if last.kind != "softmax":
        raise ValueError(f"the last layer {last.name!r} is a {last.kind}, not a softmax")
    z = acts[-2]  # (1, K), as the softmax layer received it
    if z.ndim != 2 or z.shape[0] != 1 or len(acts) != len(model.layers) + 1:
        raise ValueError(f"acts must be one image's run_forward of this model, got a final "
                         f"input of shape {z.shape} and {len(acts)} arrays")
    shift = z.max(axis=1, keepdims=True)
    exps = np.exp(z - shift)
    total = exps.sum(axis=1, keepdims=True)
    probs = exps / total
    return SoftmaxCell(z[0].copy(), float(shift[0, 0]), exps[0].copy(), float(total[0, 0]),
                       probs[0].copy(), acts[-1][0].copy())
