"""Sequential: a model built from an architecture spec.

``build(spec, rng, dtype=np.float32) -> Sequential``. Public tensors are NCHW: ``forward``
takes x ``(N, C, H, W)`` and returns ``(N, D)`` (or ``(N, C, H, W)`` when the last layer is
spatial); parameters are named ``"<layer>.W"`` / ``"<layer>.b"`` with conv W ``(F, C, k, k)``
and dense W ``(in, out)``. Inside, images travel channels-last ``(N, H, W, C)``.

``forward``/``backward`` follow :attr:`Sequential.plan`: conv + relu + max pool (size =
stride) and relu + max pool run as single fused steps (the same function and gradients, up to
float rounding, with far less work); ``run_forward``/``run_backward`` run every layer on its
own and return every intermediate (traces and cell arithmetic use them). A backward pairs with
the kind of forward that preceded it.

``backward(dout, loss=None)``: when ``loss`` is ``cross_entropy`` (final softmax) or ``bce``
(final sigmoid), ``dout`` is the loss's fused gradient of the final activation's input and
that activation is skipped; otherwise ``dout`` is dL/d(output) and every layer runs.
Frozen layers (spec ``"frozen": true``) get no gradients and hence no updates.

``logits``: after ``forward`` or ``run_forward``, the input ``z`` of a final softmax or sigmoid
in the public layout (``(N, K)``, or ``(N, C, H, W)`` for a spatial sigmoid), else None. It is
a reference to the array the final layer was fed, not a copy, valid until the next forward;
``losses.loss_and_grad(kind, out, y, logits=model.logits)`` computes the loss value from it
exactly (the probabilities alone lose it once a float32 ``p`` underflows to 0 or rounds to 1).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engine import losses
from engine.init import init_params
from engine.layers import Layer, make_layer
from engine.layers.fused import ConvReluMaxPool, ReluMaxPool, fusable, fusable3
from engine.spec import Shape, input_shape, layer_output_shape, normalize


def to_internal(x: np.ndarray) -> np.ndarray:
    """NCHW -> channels-last view; vectors unchanged."""
    return x.transpose(0, 2, 3, 1) if x.ndim == 4 else x


def to_public(x: np.ndarray) -> np.ndarray:
    """Channels-last -> NCHW view; vectors unchanged."""
    return x.transpose(0, 3, 1, 2) if x.ndim == 4 else x


Step = Layer | ReluMaxPool | ConvReluMaxPool
LOGIT_LAYERS = tuple(losses.FUSED_WITH.values())  # final layers whose input are logits


def fused_plan(layers: list[Layer]) -> list[Step]:
    """The layers, with every conv + relu + max pool (size = stride) triple replaced by one
    ConvReluMaxPool step and every other relu + max pool pair by one ReluMaxPool step."""
    plan: list[Step] = []
    i = 0
    while i < len(layers):
        if i + 2 < len(layers) and fusable3(layers[i], layers[i + 1], layers[i + 2]):
            plan.append(ConvReluMaxPool(layers[i], layers[i + 1], layers[i + 2]))  # type: ignore[arg-type]
            i += 3
        elif i + 1 < len(layers) and fusable(layers[i], layers[i + 1]):
            plan.append(ReluMaxPool(layers[i], layers[i + 1]))  # type: ignore[arg-type]
            i += 2
        else:
            plan.append(layers[i])
            i += 1
    return plan


class Sequential:
    """Layers in order, with named parameters and NCHW edges."""

    def __init__(self, spec: dict[str, Any], layers: list[Layer], rng: np.random.Generator,
                 dtype: Any = np.float32) -> None:
        self.spec = spec
        self.layers = layers
        self.rng = rng
        self.dtype = np.dtype(dtype)
        self.input_shape: Shape = input_shape(spec)
        self.shapes: list[Shape] = [self.input_shape]
        for layer in layers:
            self.shapes.append(layer.output_shape(self.shapes[-1]))
        self.plan: list[Step] = fused_plan(layers)
        self._last: list[Step] | None = None
        # The final softmax/sigmoid is never part of a fused plan step (see fused_plan).
        self._final_activation = layers[-1].kind in LOGIT_LAYERS
        self.logits: np.ndarray | None = None

    # -- lookup -------------------------------------------------------------------------
    def layer(self, name: str) -> Layer:
        """The layer called ``name`` (KeyError naming the known layers otherwise)."""
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise KeyError(f"no layer {name!r} (layers: {', '.join(x.name for x in self.layers)})")

    def index(self, name: str) -> int:
        """0-based position of layer ``name``."""
        return self.layers.index(self.layer(name))

    # -- parameters ---------------------------------------------------------------------
    def named_params(self) -> dict[str, np.ndarray]:
        """{"conv1.W": array, ...}: the live arrays (not copies), frozen layers included."""
        return {f"{ly.name}.{k}": v for ly in self.layers for k, v in ly.params.items()}

    def trainable_params(self) -> dict[str, np.ndarray]:
        """Like named_params but without frozen layers."""
        return {f"{ly.name}.{k}": v for ly in self.layers if ly.trainable
                for k, v in ly.params.items()}

    def named_grads(self) -> dict[str, np.ndarray]:
        """Gradients of the trainable parameters from the last backward (frozen: absent)."""
        return {f"{ly.name}.{k}": ly.grads.get(k, np.zeros_like(v)) for ly in self.layers
                if ly.trainable for k, v in ly.params.items()}

    def zero_grad(self) -> None:
        """Reset every gradient to zeros."""
        for layer in self.layers:
            layer.zero_grad()

    def param_count(self) -> int:
        """Total number of weights and biases."""
        return int(sum(v.size for v in self.named_params().values()))

    def get_weights(self) -> dict[str, np.ndarray]:
        """Copies of every named parameter."""
        return {k: v.copy() for k, v in self.named_params().items()}

    def set_weights(self, weights: dict[str, np.ndarray]) -> None:
        """Copy ``weights`` in; names and shapes must match exactly (ValueError otherwise)."""
        own = self.named_params()
        missing = sorted(set(own) - set(weights))
        extra = sorted(set(weights) - set(own))
        if missing or extra:
            raise ValueError(f"weights do not match the model: missing {missing}, "
                             f"unexpected {extra}")
        for key, value in weights.items():
            arr = np.asarray(value)
            if arr.shape != own[key].shape:
                raise ValueError(f"{key}: shape {arr.shape} does not match {own[key].shape}")
            if not np.all(np.isfinite(arr)):
                raise ValueError(f"{key}: contains NaN or infinity")
        for layer in self.layers:
            for k in layer.params:
                layer.params[k] = np.array(weights[f"{layer.name}.{k}"], dtype=self.dtype)

    def astype(self, dtype: Any) -> Sequential:
        """Convert every parameter to ``dtype`` (float64 for gradient checks); returns self."""
        self.dtype = np.dtype(dtype)
        for layer in self.layers:
            layer.astype(self.dtype)
        return self

    # -- passes -------------------------------------------------------------------------
    def _check_input(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        if x.ndim != 4 or tuple(x.shape[1:]) != self.input_shape:
            c, h, w = self.input_shape
            raise ValueError(f"input must be (N, {c}, {h}, {w}), got {x.shape}")
        return x.astype(self.dtype, copy=False)

    def run_forward(self, x: np.ndarray, training: bool = False,
                    stop: int | None = None) -> list[np.ndarray]:
        """Internal-layout activations [input, out_1, ..., out_L] (up to layer ``stop``),
        every layer run on its own. Valid until the next forward."""
        acts = [to_internal(self._check_input(x))]
        for layer in self.layers[:stop]:
            acts.append(layer.forward(acts[-1], training))
        self._last = list(self.layers) if stop is None else None
        self.logits = (to_public(acts[-2]) if stop is None and self._final_activation
                       else None)
        return acts

    def forward(self, x: np.ndarray, training: bool = False,
                keep_cache: bool | None = None) -> np.ndarray:
        """out of the last layer for x ``(N, C, H, W)``; dropout is active only in training.

        ``keep_cache`` (default: ``training``) keeps what :meth:`backward` needs; inference
        passes drop it step by step so that evaluating big chunks holds no memory afterwards.
        Sets :attr:`logits` (the final softmax's / sigmoid's input, no copy) or None.
        """
        keep = training if keep_cache is None else keep_cache
        a = to_internal(self._check_input(x))
        self.logits = None
        last = len(self.plan) - 1
        for i, step in enumerate(self.plan):
            if i == last and self._final_activation:
                self.logits = to_public(a)
            a = step.forward(a, training)
            if not keep:
                step.cache = None
        self._last = self.plan if keep else None
        return to_public(a)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """forward(x, training=False)."""
        return self.forward(x, training=False)

    def _backward_steps(self, steps: list[Step], dout: np.ndarray, loss: str | None,
                        input_grad: bool) -> list[np.ndarray | None]:
        """g[i] = dL/d(input of step i) for i = 0..len(steps) (None where skipped)."""
        n = len(steps)
        grads: list[np.ndarray | None] = [None] * (n + 1)
        top = n
        if loss is not None:
            losses.check_pairing(loss, self.layers[-1].kind)
            if loss in losses.FUSED_WITH:
                top = n - 1
        grads[top] = to_internal(np.asarray(dout, dtype=self.dtype))
        first = 0 if input_grad else next(
            (i for i, st in enumerate(steps) if st.trainable), n)
        for i in range(top - 1, first - 1, -1):
            steps[i].need_input_grad = i > first or input_grad
            g = grads[i + 1]
            assert g is not None
            grads[i] = steps[i].backward(g)
        return grads

    def run_backward(self, dout: np.ndarray, loss: str | None = None,
                     input_grad: bool = False) -> list[np.ndarray | None]:
        """After :meth:`run_forward`: internal-layout g[i] = dL/d(acts[i]), i = 0..L.

        With a fused loss, g[L] (the final activation's output) is None and g[L-1] = dout.
        """
        if self._last is None or len(self._last) != len(self.layers):
            raise RuntimeError("run_backward needs a complete run_forward first")
        return self._backward_steps(list(self.layers), dout, loss, input_grad)

    def backward(self, dout: np.ndarray, loss: str | None = None,
                 input_grad: bool = False) -> np.ndarray | None:
        """Back-propagate the last forward; fills every trainable layer's grads. Returns dL/dx
        (NCHW) when ``input_grad`` is True, else None (the first layer then skips it)."""
        if self._last is None:
            raise RuntimeError("backward needs a forward that kept its cache first "
                               "(forward(x, training=True) or keep_cache=True)")
        g0 = self._backward_steps(self._last, dout, loss, input_grad)[0]
        return to_public(g0) if g0 is not None else None

    def release_caches(self) -> None:
        """Let go of what the last forward kept for a backward (a training batch's
        activations: batch x every layer's outputs); the next backward needs a new forward."""
        for step in self.plan:
            step.cache = None
        for layer in self.layers:
            layer.cache = None
        self._last = None
        self.logits = None

    def describe(self) -> list[tuple[str, str, Shape, Shape, int]]:
        """(name, kind, input_shape, output_shape, param_count) per layer."""
        return [(ly.name, ly.kind, self.shapes[i], self.shapes[i + 1],
                 int(sum(v.size for v in ly.params.values())))
                for i, ly in enumerate(self.layers)]


def build(spec: Any, rng: np.random.Generator, dtype: Any = np.float32) -> Sequential:
    """Validate ``spec`` (SpecError if it cannot work) and build it, drawing weights from rng.

    The same spec and the same seed give bit-identical weights; dropout masks later come from
    the same ``rng``.
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    norm = normalize(spec)
    shapes: list[Shape] = [input_shape(norm)]
    for i, d in enumerate(norm["layers"]):
        shapes.append(layer_output_shape(d, shapes[-1], i))
    params = init_params(norm, shapes, rng, dtype)
    layers = [make_layer(d, rng) for d in norm["layers"]]
    for layer in layers:
        if layer.name in params:
            layer.params = params[layer.name]
            layer.zero_grad()
    return Sequential(norm, layers, rng, dtype)
