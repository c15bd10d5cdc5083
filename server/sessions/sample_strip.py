"""Dataset examples for the page's sample strip: images as one tensor, labels, indices."""

from __future__ import annotations

from typing import Any

import numpy as np

from server.errors import ApiError
from server.sessions.data import SplitData
from server.wire.tensors import tensor_json


def sample_strip(data: SplitData, split: str, count: int, offset: int) -> dict[str, Any]:
    part = data.part(split)
    total = len(part)
    if offset > total:
        raise ApiError(422, f"query.offset: {offset} is past the end of the {split} split "
                       f"({total} samples)", "query.offset")
    indices = list(range(offset, min(offset + count, total)))
    images = part.images[indices] if indices else np.zeros((0, *part.images.shape[1:]))
    return {
        "dataset": data.name, "split": split, "total": total, "offset": offset,
        "class_names": data.class_names,
        "labels": [int(v) for v in part.labels[indices]], "indices": indices,
        "images": tensor_json(images),
    }
