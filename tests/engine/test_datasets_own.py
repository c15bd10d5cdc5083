"""The user's own samples: add, remove, counts, to_dataset, persistence round trip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.datasets.own import OwnDataset


def _img(value: float, size: int = 28) -> np.ndarray:
    return np.full((size, size), value, dtype=np.float32)


def test_add_remove_counts_and_ids_never_reused() -> None:
    own = OwnDataset()
    a = own.add(_img(0.1), "cat")
    b = own.add(_img(0.2)[None], "  dog ")
    c = own.add(_img(0.3), "cat")
    assert (a, b, c) == (0, 1, 2)
    assert own.counts() == {"cat": 2, "dog": 1} and len(own) == 3
    own.remove(b)
    assert own.counts() == {"cat": 2}
    assert own.add(_img(0.4), "dog") == 3
    assert own.samples() == [(0, "cat"), (2, "cat"), (3, "dog")]
    with pytest.raises(ValueError, match="no sample with id 1"):
        own.remove(1)


def test_to_dataset_orders_classes_by_first_appearance() -> None:
    own = OwnDataset(size=8)
    own.add(_img(0.5, 8), "zebra")
    own.add(np.full((8, 8), 255, np.uint8), "apple")
    own.add(_img(0.25, 8), "zebra")
    ds = own.to_dataset()
    assert ds.class_names == ["zebra", "apple"]
    assert ds.labels.tolist() == [0, 1, 0]
    assert ds.images.shape == (3, 1, 8, 8)
    assert ds.images[:, 0, 0, 0].tolist() == [0.5, 1.0, 0.25]


def test_to_dataset_needs_two_classes() -> None:
    own = OwnDataset()
    with pytest.raises(ValueError, match="at least two classes.*0 \\(no samples\\)"):
        own.to_dataset()
    own.add(_img(0.1), "cat")
    with pytest.raises(ValueError, match='at least two classes.*1 \\("cat": 1\\)'):
        own.to_dataset()


@pytest.mark.parametrize(
    ("image", "label", "message"),
    [(_img(0.1, 27), "a", "must be 28x28"), (_img(1.5), "a", r"\[0, 1\]"),
     (_img(np.nan), "a", "finite"), (_img(0.1), "   ", "empty"),
     (_img(0.1), "x" * 41, "at most 40"), (_img(0.1), 3, "text")],
)
def test_bad_samples_are_refused_and_nothing_is_lost(image, label, message) -> None:
    own = OwnDataset()
    own.add(_img(0.1), "keep")
    with pytest.raises(ValueError, match=message):
        own.add(image, label)
    assert own.counts() == {"keep": 1}


def test_full_dataset_refuses_more() -> None:
    own = OwnDataset(max_samples=2)
    own.add(_img(0.1), "a")
    own.add(_img(0.1), "b")
    with pytest.raises(ValueError, match="full: 2 samples"):
        own.add(_img(0.1), "c")


def test_round_trip_through_an_npz_file(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    own = OwnDataset()
    for i in range(5):
        own.add(rng.uniform(0, 1, (28, 28)).astype(np.float32), ["o", "x"][i % 2])
    own.remove(2)
    saved = own.to_arrays()
    np.savez(tmp_path / "own.npz", **{k: v for k, v in saved.items() if k != "labels"},
             labels=np.array(saved["labels"]))
    with np.load(tmp_path / "own.npz") as f:
        loaded = {k: f[k] for k in f.files}
    back = OwnDataset.from_arrays({**loaded, "labels": loaded["labels"].tolist()})
    assert back.samples() == own.samples()
    np.testing.assert_array_equal(back.to_dataset().images, own.to_dataset().images)
    assert back.add(_img(0.0), "o") == 5  # next id survives the round trip


def test_from_arrays_refuses_inconsistent_data() -> None:
    own = OwnDataset()
    own.add(_img(0.1), "a")
    data = own.to_arrays()
    with pytest.raises(ValueError, match="inconsistent"):
        OwnDataset.from_arrays({**data, "labels": ["a", "b"]})
    with pytest.raises(ValueError, match="missing 'ids'"):
        OwnDataset.from_arrays({k: v for k, v in data.items() if k != "ids"})
    with pytest.raises(ValueError, match="past next_id"):
        OwnDataset.from_arrays({**data, "next_id": 0})
