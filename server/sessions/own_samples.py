"""A session's own samples: drawn or uploaded images, each with a label the user named.

Images are kept as the network sees them (``(C, H, W)`` float32 in [0, 1], already
preprocessed by the engine); class names are the labels in order of first appearance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.datasets.dataset import Dataset
from server.wire.tensors import tensor_json


@dataclass
class OwnSample:
    id: str
    label: str
    image: np.ndarray


class OwnSamples:
    def __init__(self) -> None:
        self.items: list[OwnSample] = []
        self.next_number = 1

    def __len__(self) -> int:
        return len(self.items)

    def add(self, label: str, image: np.ndarray) -> OwnSample:
        sample = OwnSample(f"s{self.next_number}", label, np.asarray(image, dtype=np.float32))
        self.next_number += 1
        self.items.append(sample)
        return sample

    def remove(self, sample_id: str) -> bool:
        for i, sample in enumerate(self.items):
            if sample.id == sample_id:
                del self.items[i]
                return True
        return False

    def class_names(self) -> list[str]:
        return list(dict.fromkeys(s.label for s in self.items))

    def summary(self) -> dict[str, Any]:
        classes: dict[str, int] = {}
        for s in self.items:
            classes[s.label] = classes.get(s.label, 0) + 1
        return {"count": len(self.items), "classes": classes}

    def dataset(self) -> Dataset | None:
        """All samples as an engine Dataset (None when there are none)."""
        if not self.items:
            return None
        names = self.class_names()
        index = {name: i for i, name in enumerate(names)}
        images = np.stack([s.image for s in self.items])
        labels = np.array([index[s.label] for s in self.items], dtype=np.int64)
        return Dataset(images, labels, names)

    def listing(self, input_shape: tuple[int, ...]) -> dict[str, Any]:
        """Ids, labels and the images as tensor objects (``(N, *input_shape)``)."""
        images = [s.image for s in self.items]
        empty = np.zeros((0, *input_shape), dtype=np.float32)
        return {
            "samples": [{"id": s.id, "label": s.label} for s in self.items],
            "images": tensor_json(np.stack(images) if images else empty),
            "classes": self.summary()["classes"],
        }

    # -- persistence --------------------------------------------------------------------
    def meta(self) -> dict[str, Any]:
        return {"next": self.next_number, "items": [[s.id, s.label] for s in self.items]}

    @classmethod
    def restore(cls, meta: dict[str, Any], images: dict[str, np.ndarray]) -> OwnSamples:
        own = cls()
        own.next_number = int(meta.get("next", 1))
        for sid, label in meta.get("items", []):
            if sid in images:
                own.items.append(OwnSample(sid, label, images[sid]))
        return own
