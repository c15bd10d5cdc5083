"""The four people of the worked example: weight and height -> gender (1 = female, 0 = male).

The texts the lab teaches from shift each column by a round number near its mean (135 lb and
66 in; the exact means are 141.25 lb and 66.75 in) so that the inputs are small:

    name      weight  height   shifted (x1, x2)   label
    Alice     133 lb  65 in    (-2, -1)           1
    Bob       160 lb  72 in    (25,  6)           0
    Charlie   152 lb  70 in    (17,  4)           0
    Diana     120 lb  60 in    (-15, -6)          1

A network that always answers 0 has MSE (1 + 0 + 0 + 1) / 4 = 0.5 on it.
"""

from __future__ import annotations

import numpy as np

NAMES = ("Alice", "Bob", "Charlie", "Diana")
FEATURES = ("weight (lb)", "height (in)")
RAW = np.array([[133.0, 65.0], [160.0, 72.0], [152.0, 70.0], [120.0, 60.0]])
LABELS = np.array([1, 0, 0, 1], dtype=np.int64)
CLASS_NAMES = ("male", "female")
SHIFT = np.array([135.0, 66.0])


def table(shifted: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The people as ``(x (4, 2) float64, labels (4,) int64, shift (2,))``.

    ``x = raw - shift`` when ``shifted`` (shift = (135, 66)), else the raw units with a zero shift.
    """
    shift = SHIFT.copy() if shifted else np.zeros(2)
    return RAW - shift, LABELS.copy(), shift
