"""Classification metrics: predictions, confusion matrix, per-class accuracy, evaluation.

``confusion[t, p]`` counts samples of true class ``t`` predicted as class ``p``; its total is
the number of samples and its diagonal the number right. Per-class accuracy (recall) is
``confusion[k, k] / sum_p confusion[k, p]``; a class with no samples gets NaN (undefined, not
zero): whoever encodes it for the wire must turn NaN into null.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine import losses
from engine.datasets.dataset import Dataset
from engine.model import Sequential

EVAL_CHUNK = 512


def predictions(out: np.ndarray) -> np.ndarray:
    """(N,) int64 predicted classes of outputs ``(N, K)``: argmax, or ``out > 0.5`` when K=1."""
    if out.ndim != 2:
        raise ValueError(f"outputs must be (N, K) to predict classes, got shape {out.shape}")
    if out.shape[1] == 1:
        return (out[:, 0] > 0.5).astype(np.int64)
    return np.argmax(out, axis=1).astype(np.int64)


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, num_classes: int) -> np.ndarray:
    """(K, K) int64 counts, rows the true class, columns the predicted class."""
    labels = np.asarray(labels, dtype=np.int64)
    predicted = np.asarray(predicted, dtype=np.int64)
    if labels.shape != predicted.shape or labels.ndim != 1:
        raise ValueError(f"labels {labels.shape} and predictions {predicted.shape} must be "
                         f"equal-length vectors")
    for name, v in (("labels", labels), ("predictions", predicted)):
        if v.size and (v.min() < 0 or v.max() >= num_classes):
            raise ValueError(f"{name} must lie in 0..{num_classes - 1}, "
                             f"got {int(v.min())}..{int(v.max())}")
    flat = labels * num_classes + predicted
    return np.bincount(flat, minlength=num_classes * num_classes).reshape(
        num_classes, num_classes).astype(np.int64)


def per_class_accuracy(confusion: np.ndarray) -> np.ndarray:
    """(K,) float64: diag / row sums; NaN for a class without samples."""
    counts = confusion.sum(axis=1).astype(np.float64)
    right = np.diag(confusion).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, right / np.maximum(counts, 1), np.nan)


@dataclass
class Evaluation:
    """Loss and accuracy of a model on one dataset.

    loss: mean loss over all samples; accuracy: share right; confusion ``(K, K)`` int64;
    per_class_accuracy ``(K,)`` (NaN where a class has no samples); class_counts ``(K,)``;
    rmse: ``sqrt(loss)`` for an mse loss (the RMSE over every output of every sample), else
    None. Regression data (real-valued targets): accuracy None, confusion ``(0, 0)``,
    per_class_accuracy and class_counts ``(0,)``.
    """

    name: str
    count: int
    loss: float
    accuracy: float | None
    confusion: np.ndarray
    per_class_accuracy: np.ndarray
    class_counts: np.ndarray
    class_names: list[str]
    rmse: float | None = None


def evaluate(model: Sequential, data: Dataset, loss: str, name: str = "",
             chunk: int = EVAL_CHUNK) -> Evaluation:
    """Forward ``data`` in chunks (inference mode) and score it.

    The loss is the sample-weighted mean of the chunk losses, i.e. the mean over all samples;
    for mse the RMSE is the root of that mean (not a mean of per-chunk roots).
    """
    n = len(data)
    if n == 0:
        raise ValueError(f"cannot evaluate on an empty dataset{' ' + name if name else ''}")
    k = data.num_classes
    total = 0.0
    predicted = np.empty(n, dtype=np.int64)
    for start in range(0, n, chunk):
        x = data.images[start:start + chunk]
        y = data.y(slice(start, start + chunk))
        out = model.forward(x, training=False)
        value, _ = losses.loss_and_grad(loss, out, y, logits=model.logits)
        total += value * y.shape[0]
        if not data.regression:
            predicted[start:start + chunk] = predictions(out)
    mean = total / n
    if data.regression:
        empty = np.zeros((0, 0), dtype=np.int64)
        return Evaluation(name=name, count=n, loss=mean, accuracy=None, confusion=empty,
                          per_class_accuracy=np.zeros(0), class_counts=np.zeros(0, np.int64),
                          class_names=list(data.class_names), rmse=losses.rmse(loss, mean))
    confusion = confusion_matrix(data.labels, predicted, k)
    return Evaluation(name=name, count=n, loss=mean,
                      accuracy=float(np.trace(confusion)) / n, confusion=confusion,
                      per_class_accuracy=per_class_accuracy(confusion),
                      class_counts=confusion.sum(axis=1), class_names=list(data.class_names),
                      rmse=losses.rmse(loss, mean))
