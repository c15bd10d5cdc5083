"""nnplay's NumPy engine: layers, models, losses, optimizers, traces, datasets, training.

The engine imports nothing from ``server``, prints nothing and knows nothing of JSON.
"""

from engine.losses import loss_and_grad
from engine.model import Sequential, build
from engine.optimizers import make_optimizer
from engine.spec import LayerInfo, SpecError, describe, normalize
from engine.trace import (
    conv_cell,
    dead_relu_fractions,
    dense_unit,
    pool_cell,
    softmax_cell,
    softmax_cell_of,
    trace_step,
)

__all__ = [
    "LayerInfo", "Sequential", "SpecError", "build", "conv_cell", "dead_relu_fractions",
    "dense_unit", "describe", "loss_and_grad", "make_optimizer", "normalize", "pool_cell",
    "softmax_cell", "softmax_cell_of", "trace_step",
]
