"""Optimizers: ``make_optimizer(name, lr, momentum=0.9, weight_decay=0.0, l1=0.0)``.

``step(params, grads) -> updates`` changes ``params`` in place for every name in ``grads``
and returns the deltas it added (``p_new = p_old + update``). Regularisation acts on every
weight (names ending ``.W``; biases are not regularised): the gradient becomes
``g + wd * p + l1 * sign(p)``, the gradient of ``L + wd/2 * sum(p^2) + l1 * sum(|p|)``
(L2 weight decay ``wd``, L1 rate ``l1``; sign(0) = 0).

* sgd:      ``u = -lr g``
* momentum: ``v = mu v - lr g``; ``u = v``
* adam:     ``m = b1 m + (1-b1) g``, ``v = b2 v + (1-b2) g^2``, ``t += 1``,
            ``u = -lr (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)``
"""

from __future__ import annotations

from typing import Any

import numpy as np


class Optimizer:
    """Base: weight decay, the step loop and the state dict."""

    name = ""

    def __init__(self, lr: float, weight_decay: float = 0.0, l1: float = 0.0) -> None:
        if not lr > 0:
            raise ValueError(f"learning rate must be positive, got {lr}")
        if weight_decay < 0:
            raise ValueError(f"weight_decay must be >= 0, got {weight_decay}")
        if not l1 >= 0:
            raise ValueError(f"l1 must be >= 0, got {l1}")
        self.lr = float(lr)
        self.weight_decay = float(weight_decay)
        self.l1 = float(l1)
        self.slots: dict[str, dict[str, np.ndarray]] = {}
        self.t = 0

    def _update(self, key: str, p: np.ndarray, g: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def step(self, params: dict[str, np.ndarray],
             grads: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Apply one update to every parameter named in ``grads``; return the deltas."""
        self.t += 1
        updates = {}
        for key, g in grads.items():
            if key not in params:
                raise KeyError(f"gradient for unknown parameter {key!r}")
            p = params[key]
            g = self.regularised(key, p, g)
            u = self._update(key, p, g)
            p += u
            updates[key] = u
        return updates

    def regularised(self, key: str, p: np.ndarray, g: np.ndarray) -> np.ndarray:
        """``g + wd * p + l1 * sign(p)`` for a weight (``key`` ending ``.W``), else ``g``."""
        if not key.endswith(".W"):
            return g
        if self.weight_decay:
            g = g + p.dtype.type(self.weight_decay) * p
        if self.l1:
            g = g + p.dtype.type(self.l1) * np.sign(p)
        return g

    def state_dict(self) -> dict[str, Any]:
        """Hyper-parameters, the step count and copies of every slot array."""
        return {"name": self.name, "lr": self.lr, "weight_decay": self.weight_decay,
                "l1": self.l1, "t": self.t, "hyper": self._hyper(),
                "slots": {k: {s: a.copy() for s, a in v.items()} for k, v in self.slots.items()}}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned (the optimizer kind must match)."""
        if state.get("name") != self.name:
            raise ValueError(f"state is for optimizer {state.get('name')!r}, not {self.name!r}")
        self.lr = float(state["lr"])
        self.weight_decay = float(state["weight_decay"])
        self.l1 = float(state.get("l1", 0.0))  # states saved before L1 existed have none
        self.t = int(state["t"])
        for key, value in state.get("hyper", {}).items():
            setattr(self, key, float(value))
        self.slots = {k: {s: np.array(a) for s, a in v.items()}
                      for k, v in state["slots"].items()}

    def _hyper(self) -> dict[str, float]:
        return {}


class SGD(Optimizer):
    """u = -lr g."""

    name = "sgd"

    def _update(self, key: str, p: np.ndarray, g: np.ndarray) -> np.ndarray:
        return g * p.dtype.type(-self.lr)


class Momentum(Optimizer):
    """v = mu v - lr g; u = v."""

    name = "momentum"

    def __init__(self, lr: float, momentum: float = 0.9, weight_decay: float = 0.0,
                 l1: float = 0.0) -> None:
        super().__init__(lr, weight_decay, l1)
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")
        self.momentum = float(momentum)

    def _hyper(self) -> dict[str, float]:
        return {"momentum": self.momentum}

    def _update(self, key: str, p: np.ndarray, g: np.ndarray) -> np.ndarray:
        slot = self.slots.setdefault(key, {"v": np.zeros_like(p)})
        v = slot["v"]
        v *= p.dtype.type(self.momentum)
        v -= p.dtype.type(self.lr) * g
        return v.copy()


class Adam(Optimizer):
    """Adam with bias correction (b1 0.9, b2 0.999, eps 1e-8)."""

    name = "adam"

    def __init__(self, lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
                 weight_decay: float = 0.0, l1: float = 0.0) -> None:
        super().__init__(lr, weight_decay, l1)
        if not (0 <= beta1 < 1 and 0 <= beta2 < 1):
            raise ValueError(f"adam betas must be in [0, 1), got {beta1} and {beta2}")
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)

    def _hyper(self) -> dict[str, float]:
        return {"beta1": self.beta1, "beta2": self.beta2, "eps": self.eps}

    def _update(self, key: str, p: np.ndarray, g: np.ndarray) -> np.ndarray:
        slot = self.slots.setdefault(key, {"m": np.zeros_like(p), "v": np.zeros_like(p)})
        b1, b2 = self.beta1, self.beta2
        slot["m"] = b1 * slot["m"] + (1 - b1) * g
        slot["v"] = b2 * slot["v"] + (1 - b2) * g * g
        m_hat = slot["m"] / (1 - b1 ** self.t)
        v_hat = slot["v"] / (1 - b2 ** self.t)
        return (-self.lr * m_hat / (np.sqrt(v_hat) + self.eps)).astype(p.dtype, copy=False)


def make_optimizer(name: str, lr: float, momentum: float = 0.9,
                   weight_decay: float = 0.0, l1: float = 0.0) -> Optimizer:
    """sgd | momentum | adam; ``momentum`` is the momentum optimizer's mu and adam's beta1;
    ``weight_decay`` the L2 and ``l1`` the L1 rate."""
    if name == "sgd":
        return SGD(lr, weight_decay, l1)
    if name == "momentum":
        return Momentum(lr, momentum, weight_decay, l1)
    if name == "adam":
        return Adam(lr, beta1=momentum, weight_decay=weight_decay, l1=l1)
    raise ValueError(f"unknown optimizer {name!r} (known: sgd, momentum, adam)")
