"""The examples behind one confusion-matrix cell: true class t, predicted p, current weights.

Predictions come from the engine (``model.forward`` and ``metrics.predictions``) in chunks;
this module only selects and encodes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.metrics import EVAL_CHUNK, predictions
from server.errors import ApiError
from server.sessions.session import Session
from server.wire.tensors import tensor_json


def confusion_samples(session: Session, split: str, true: int, predicted: int,
                      count: int) -> dict[str, Any]:
    data = session.data_or_raise()
    part = data.part(split)
    classes = len(data.class_names)
    for name, value in (("true", true), ("predicted", predicted)):
        if value >= classes:
            raise ApiError(422, f"query.{name}: class {value} is outside 0..{classes - 1}",
                           f"query.{name}")
    guessed = np.concatenate([
        predictions(session.model.forward(part.images[start:start + EVAL_CHUNK]))
        for start in range(0, len(part), EVAL_CHUNK)
    ]) if len(part) else np.zeros(0, dtype=np.int64)
    hits = np.flatnonzero((part.labels == true) & (guessed == predicted))
    chosen = hits[:count]
    return {
        "split": split, "true": true, "predicted": predicted, "total": int(hits.size),
        "class_names": data.class_names, "indices": [int(i) for i in chosen],
        "images": tensor_json(part.images[chosen]),
    }
