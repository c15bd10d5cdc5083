"""Finite-difference gradient checks (float64) of random small architectures.

Strides, paddings, kernel sizes, channel counts, pooling modes, activations and output
heads are drawn from a seeded Generator; specs that cannot work are redrawn.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from engine.spec import SpecError, normalize
from tests.engine.gradcheck import check_model
from tests.engine.helpers import spec_of

ACTS = ["relu", "leaky_relu", "sigmoid", "tanh"]


def _conv(rng: np.random.Generator) -> dict[str, Any]:
    k = int(rng.integers(1, 5))
    s = int(rng.integers(1, 4))
    pads: list[Any] = [int(rng.integers(0, k)), "valid"]
    if s == 1 and k % 2:
        pads.append("same")
    return {"type": "conv2d", "filters": int(rng.integers(1, 5)), "kernel": k, "stride": s,
            "padding": pads[int(rng.integers(len(pads)))]}


def _act(rng: np.random.Generator) -> dict[str, Any]:
    return {"type": ACTS[int(rng.integers(len(ACTS)))]}


def random_spec(rng: np.random.Generator) -> tuple[dict[str, Any], str]:
    """A random small spec and the loss to check it with."""
    layers: list[dict[str, Any]] = []
    for _ in range(int(rng.integers(1, 3))):
        layers += [_conv(rng), _act(rng)]
        if rng.random() < 0.6:
            size = int(rng.integers(2, 4))
            layers.append({"type": "pool", "mode": ["max", "min", "avg"][int(rng.integers(3))],
                           "size": size, "stride": int(rng.integers(1, size + 1))})
    if rng.random() < 0.3:
        layers.append({"type": "global_pool", "mode": ["max", "avg"][int(rng.integers(2))]})
    else:
        layers.append({"type": "flatten"})
    if rng.random() < 0.5:
        layers += [{"type": "dense", "units": int(rng.integers(2, 6))}, _act(rng)]
    if rng.random() < 0.3:
        layers.append({"type": "dropout", "rate": 0.3})
    layers.append({"type": "dense", "units": int(rng.integers(2, 5))})
    head = int(rng.integers(3))
    if head == 0:
        layers.append({"type": "softmax"})
        loss = "cross_entropy"
    elif head == 1:
        layers.append({"type": "sigmoid"})
        loss = "bce"
    else:
        loss = "mse"
    side = int(rng.integers(5, 11))
    return spec_of(int(rng.integers(1, 4)), side, side + int(rng.integers(0, 2)), *layers), loss


def draw(seed: int) -> tuple[dict[str, Any], str]:
    rng = np.random.default_rng(seed)
    while True:
        spec, loss = random_spec(rng)
        try:
            normalize(spec)
        except SpecError:
            continue
        return spec, loss


@pytest.mark.parametrize("seed", range(40))
def test_random_architecture(seed) -> None:
    spec, loss = draw(seed)
    errors = check_model(spec, seed=seed, n=3, loss=loss, max_entries=25)
    assert "x" in errors and len(errors) >= 3


def test_random_architectures_cover_the_options() -> None:
    """The 40 drawn specs do exercise strides, paddings, kernels, channels and pool modes."""
    seen: dict[str, set[Any]] = {"stride": set(), "padding": set(), "kernel": set(),
                                 "channels": set(), "mode": set(), "loss": set()}
    for seed in range(40):
        spec, loss = draw(seed)
        seen["channels"].add(spec["input"]["channels"])
        seen["loss"].add(loss)
        for d in spec["layers"]:
            if d["type"] == "conv2d":
                for key in ("stride", "padding", "kernel"):
                    seen[key].add(d[key])
            if d["type"] == "pool":
                seen["mode"].add(d["mode"])
    assert seen["stride"] == {1, 2, 3}
    assert {"same", "valid", 0, 1} <= seen["padding"]
    assert seen["kernel"] == {1, 2, 3, 4}
    assert seen["channels"] == {1, 2, 3}
    assert seen["mode"] == {"max", "min", "avg"}
    assert seen["loss"] == {"cross_entropy", "bce", "mse"}
