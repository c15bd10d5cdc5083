"""The best constant guess: what a network scores when its output ignores the input.

A network whose output is the same for every sample can do no better than one constant ``c``
(one value per output unit). The lowest loss such a guess reaches on a split is the yardstick
for "has this network learnt anything": training that ends near it is at chance level
(:mod:`engine.chance`), training that stays well above it does worse than guessing
(:mod:`engine.overshoot`). Per loss, with ``T`` the targets as the loss sees them ``(N, D)``
(labels one-hot against D outputs, or 0/1 against one output; real targets for regression):

* ``cross_entropy`` (softmax over K classes): the best constant is the class prior ``q``
  (each class's share of the samples), scoring its entropy ``H(q) = -sum_k q_k ln q_k``.
  ``ln K`` is the loss of the *uniform* guess ``1/K``; it equals ``H(q)`` only when the
  classes are balanced and is larger otherwise (Gibbs: ``-sum q ln c >= H(q)`` for every
  ``c``). The prior's entropy is the right yardstick: a network that has learnt only the
  class shares scores it, so judging against ``ln K`` would call unbalanced-data guessing
  "learning" and a loss between ``H(q)`` and ``ln K`` "not worse than guessing".
* ``bce`` (a sigmoid per output): per column the best constant is its mean ``m_d``, scoring
  the binary entropy ``h(m) = -m ln m - (1 - m) ln(1 - m)``; the loss is the mean over
  columns. One output on labels 0/1: ``h(share of class 1)``, ``ln 2`` when balanced.
* ``mse``: per column the best constant is its mean, scoring its variance; the loss is
  ``mean_d var(T[:, d])`` (on labels 0/1 against one output: ``q1 (1 - q1)``).

Accuracy of a constant guess (classification): the share of the most common class.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine import losses
from engine.datasets.dataset import Dataset


@dataclass(frozen=True)
class ConstantGuess:
    """loss: the best constant guess's loss on the split; accuracy: its accuracy (the
    majority share), None for regression; classes: K (0 for regression); balanced: every
    class has the same share (then ``loss`` is ``ln K`` for cross-entropy)."""

    loss: float
    accuracy: float | None
    classes: int
    balanced: bool


def entropy(shares: np.ndarray) -> float:
    """``-sum_k q_k ln q_k`` of shares ``(K,)`` summing to 1 (``0 ln 0 = 0``)."""
    q = np.asarray(shares, dtype=np.float64)
    q = q[q > 0]
    return float(-(q * np.log(q)).sum())


def binary_entropy(m: np.ndarray) -> np.ndarray:
    """``h(m) = -m ln m - (1 - m) ln(1 - m)`` elementwise for ``m`` in [0, 1]."""
    m = np.asarray(m, dtype=np.float64)
    return np.asarray(entropy_terms(m) + entropy_terms(1.0 - m))


def entropy_terms(p: np.ndarray) -> np.ndarray:
    """``-p ln p`` elementwise, 0 where ``p`` is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(p > 0, -p * np.log(np.where(p > 0, p, 1.0)), 0.0)


def uniform(classes: int) -> ConstantGuess:
    """The uniform guess over K balanced classes: ``ln K``, accuracy ``1/K``."""
    return ConstantGuess(math.log(classes), 1 / classes, classes, True)


def constant_guess(loss: str, data: Dataset, outputs: int) -> ConstantGuess:
    """The best constant guess for ``loss`` on ``data`` against ``outputs`` output units (see
    the module docstring for the formula per loss)."""
    if loss not in losses.KINDS:
        raise ValueError(f"unknown loss {loss!r} (known: {', '.join(losses.KINDS)})")
    if len(data) == 0:
        raise ValueError("no samples: a constant guess needs at least one")
    accuracy, balanced = None, False
    if loss == "cross_entropy" and data.regression:
        raise ValueError("cross_entropy needs class labels, not real-valued targets")
    if not data.regression:
        counts = data.counts()
        accuracy = float(counts.max() / counts.sum())
        balanced = bool(np.all(counts == counts[0]))
    if loss == "cross_entropy":
        value = entropy(counts / counts.sum())
    else:
        t = losses.as_targets(np.zeros((len(data), outputs), np.float64), data.y())
        t = np.asarray(t, dtype=np.float64)
        per_column = binary_entropy(t.mean(axis=0)) if loss == "bce" else t.var(axis=0)
        value = float(per_column.mean())
    return ConstantGuess(value, accuracy, 0 if data.regression else data.num_classes, balanced)


def named(guess: ConstantGuess) -> str:
    """The guess's loss in words, ``ln K = ...`` when it is ``ln K``:
    ``"ln 2 = 0.693, the loss of always answering the class shares"``."""
    k = guess.classes
    figure = f"{guess.loss:.3f}"
    if k >= 2 and math.isclose(guess.loss, math.log(k), rel_tol=1e-9):
        figure = f"ln {k} = {figure}"
    what = "the mean target" if k == 0 else "the class shares"
    return f"{figure}, the loss of always answering {what}"
