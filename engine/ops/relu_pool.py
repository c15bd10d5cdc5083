"""ReLU followed by max pooling, fused: ``out = maxpool(relu(z)) = relu(maxpool(z))``.

Max commutes with the monotone ReLU, so the forward pools first and applies the ReLU to the
k*k times smaller result. Backward: ``dz`` is dout routed to each window's first maximum of
z where that maximum is > 0, zero elsewhere; this equals the unfused relu-then-pool backward
exactly (a window whose maximum is <= 0 gives zero gradient either way, and among positive
values the ReLU changes nothing, so the first winner is the same cell).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.ops import activations, pool


def forward(z: np.ndarray, k: int, s: int) -> tuple[np.ndarray, Any]:
    """out ``(N, Ho, Wo, C)`` = max(maxpool(z), 0); cache: (z, maxpool(z), k, s)."""
    m = pool.reduce(z, "max", k, s)
    return np.maximum(m, 0), (z, m, k, s)


def backward(dout: np.ndarray, cache: Any) -> np.ndarray:
    """dz ``z.shape``: dout where the window maximum is positive, at its first maximum."""
    z, m, k, s = cache
    g = np.where(m > 0, dout, 0).astype(dout.dtype, copy=False)
    return pool.route_to_first(g, z, m, k, s)


def reference(dout: np.ndarray, z: np.ndarray, k: int, s: int) -> tuple[np.ndarray, np.ndarray]:
    """(out, dz) by composing the unfused ops: relu, then pool."""
    r, rc = activations.relu_forward(z)
    out, pc = pool.forward(r, "max", k, s)
    return out, activations.relu_backward(pool.backward(dout, pc), rc)
