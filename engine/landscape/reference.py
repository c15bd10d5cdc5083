"""Slow, obviously-correct loss surface: one ordinary model forward per grid point.

For tests of the batched evaluator; never used on a request path.
"""

from __future__ import annotations

import numpy as np

from engine import losses
from engine.landscape.directions import Weights
from engine.model import Sequential, build


def loss_at(model: Sequential, weights: Weights, x: np.ndarray, y: np.ndarray,
            loss: str) -> float:
    """loss(model with ``weights``) on (x, y), through a scratch copy of the model."""
    scratch = build(model.spec, np.random.default_rng(0), model.dtype)
    scratch.set_weights(weights)
    out = scratch.forward(x, training=False)
    return losses.loss_and_grad(loss, out, y, logits=scratch.logits)[0]


def surface_reference(model: Sequential, center: Weights, d1: Weights, d2: Weights,
                      x: np.ndarray, y: np.ndarray, loss: str, alphas: np.ndarray,
                      betas: np.ndarray) -> np.ndarray:
    """(len(betas), len(alphas)): [j, i] = loss(center + alphas[i] d1 + betas[j] d2)."""
    out = np.empty((len(betas), len(alphas)))
    for j, b in enumerate(betas):
        for i, a in enumerate(alphas):
            w = {k: (center[k] + a * d1[k] + b * d2[k]).astype(center[k].dtype)
                 for k in center}
            out[j, i] = loss_at(model, w, x, y, loss)
    return out
