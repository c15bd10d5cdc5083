"""The forward reply (docs/protocol.md, "Forward"), from the engine's records of one forward."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from engine.layers.base import Layer
from engine.trace import SoftmaxCell
from server.wire.tensors import finite_or_none, tensor_json


def forward_json(x: np.ndarray, layers: Sequence[Layer], outputs: Sequence[np.ndarray],
                 scores: np.ndarray, prediction: int, class_names: list[str],
                 is_prob: bool, softmax: SoftmaxCell | None) -> dict[str, Any]:
    """``x`` the input as the network saw it ``(C, H, W)``; ``outputs`` each layer's output
    for it (NCHW without the batch axis); ``scores`` the final output ``(K,)``; ``softmax``
    the final softmax's arithmetic, when the last layer is one."""
    reply: dict[str, Any] = {
        "prediction": prediction,
        "label": class_names[prediction] if prediction < len(class_names) else None,
        "class_names": class_names,
        "probabilities": [float(v) for v in scores] if is_prob else None,
        "scores": [float(v) for v in scores],
        "preprocessed": tensor_json(x),
        "layers": [
            {"name": layer.name, "type": layer.kind, "shape": list(out.shape),
             "output": tensor_json(out)}
            for layer, out in zip(layers, outputs, strict=True)
        ],
    }
    if softmax is not None:
        reply["softmax"] = softmax_json(softmax)
    return reply


def softmax_json(cell: SoftmaxCell) -> dict[str, Any]:
    """The final softmax's arithmetic: plain lists (the output is finite, so are these)."""
    return {"logits": [finite_or_none(v) for v in cell.logits],
            "shift": finite_or_none(cell.shift),
            "exps": [finite_or_none(v) for v in cell.exps],
            "sum": finite_or_none(cell.total)}
