"""Training settings of a session, and a partial update of them."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from server.errors import ApiError
from server.sessions.strict_model import StrictModel

DatasetName = Literal["mnist", "shapes", "own", "planar"]
PlanarSetName = Literal["circle", "xor", "gauss", "spiral", "plane", "gmm", "people",
                        "people_raw", "custom"]
FeatureName = Literal["x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"]
MAX_PLANAR_POINTS = 2000  # engine.datasets.planar.MAX_COUNT / MAX_CUSTOM
OptimizerName = Literal["sgd", "momentum", "adam"]
LossName = Literal["cross_entropy", "mse", "bce"]


class Split(StrictModel):
    """Stratified split fractions; they must add up to 1."""

    train: float = Field(default=0.8, gt=0.0, le=1.0)
    val: float = Field(default=0.1, ge=0.0, lt=1.0)
    test: float = Field(default=0.1, ge=0.0, lt=1.0)

    @model_validator(mode="after")
    def _sums_to_one(self) -> Split:
        total = self.train + self.val + self.test
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"split fractions add up to {total:g}, not 1")
        return self


def _default_features() -> list[FeatureName]:
    return ["x1", "x2"]


class PlanarSettings(StrictModel):
    """The lab's 2-D data (``dataset: "planar"``; docs/protocol.md, "The lab: 2-D data")."""

    set: PlanarSetName = "spiral"
    noise: float = Field(default=0.0, ge=0.0, le=0.5)
    train_ratio: float = Field(default=0.6, ge=0.1, le=0.9)
    count: int = Field(default=500, ge=4, le=MAX_PLANAR_POINTS)
    features: list[FeatureName] = Field(default_factory=lambda: _default_features(),
                                        min_length=1, max_length=7)
    points: list[list[float]] | None = Field(default=None, max_length=MAX_PLANAR_POINTS)


class PlanarPatch(StrictModel):
    """A partial change of :class:`PlanarSettings`: fields left out keep their value."""

    set: PlanarSetName | None = None
    noise: float | None = Field(default=None, ge=0.0, le=0.5)
    train_ratio: float | None = Field(default=None, ge=0.1, le=0.9)
    count: int | None = Field(default=None, ge=4, le=MAX_PLANAR_POINTS)
    features: list[FeatureName] | None = Field(default=None, min_length=1, max_length=7)
    points: list[list[float]] | None = Field(default=None, max_length=MAX_PLANAR_POINTS)


class TrainSettings(StrictModel):
    """Everything about how a session trains (defaults are what a new session gets)."""

    dataset: DatasetName = "mnist"
    dataset_size: int | None = Field(default=None, ge=2, le=1_000_000)
    split: Split = Field(default_factory=lambda: Split())
    optimizer: OptimizerName = "sgd"
    lr: float = Field(default=0.05, gt=0.0, le=10.0)
    momentum: float = Field(default=0.9, ge=0.0, lt=1.0)
    batch_size: int = Field(default=32, ge=1, le=1024)
    weight_decay: float = Field(default=0.0, ge=0.0, le=1.0)
    l1: float = Field(default=0.0, ge=0.0, le=1.0)
    loss: LossName = "cross_entropy"
    seed: int = Field(default=0, ge=0, le=2**32 - 1)
    probe_rate: float = Field(default=10.0, ge=0.0, le=30.0)
    planar: PlanarSettings = Field(default_factory=lambda: PlanarSettings())


class SettingsPatch(StrictModel):
    """A partial update: fields left out keep their current value."""

    dataset: DatasetName | None = None
    dataset_size: int | None = Field(default=None, ge=2, le=1_000_000)
    split: Split | None = None
    optimizer: OptimizerName | None = None
    lr: float | None = Field(default=None, gt=0.0, le=10.0)
    momentum: float | None = Field(default=None, ge=0.0, lt=1.0)
    batch_size: int | None = Field(default=None, ge=1, le=1024)
    weight_decay: float | None = Field(default=None, ge=0.0, le=1.0)
    l1: float | None = Field(default=None, ge=0.0, le=1.0)
    loss: LossName | None = None
    seed: int | None = Field(default=None, ge=0, le=2**32 - 1)
    probe_rate: float | None = Field(default=None, ge=0.0, le=30.0)
    planar: PlanarPatch | None = None


# Changing any of these rebuilds the network from the seed (weights_reset: true).
RESETTING_FIELDS = ("dataset", "dataset_size", "split", "loss", "seed", "planar")

# What the lab's 2-D view starts with (docs/protocol.md): the convergence claims of the lab
# are tested with these (tests/server/test_planar_claims.py).
LAB_SETTINGS: dict[str, object] = {
    "dataset": "planar", "optimizer": "adam", "lr": 0.02, "batch_size": 8, "loss": "bce",
    "seed": 0, "probe_rate": 0.0,
    "planar": {"set": "spiral", "noise": 0.0, "train_ratio": 0.6, "count": 500,
               "features": ["x1", "x2"], "points": None},
}


def changes(patch: SettingsPatch) -> dict[str, Any]:
    """The fields a settings patch sets; null means "keep it", except for dataset_size,
    where it means "all of it"."""
    return {k: v for k, v in patch.model_dump(exclude_unset=True).items()
            if v is not None or k == "dataset_size"}


def merged(settings: TrainSettings, patch: SettingsPatch) -> TrainSettings:
    """``settings`` with ``patch`` applied (``planar`` merged field by field); an ApiError
    naming ``settings`` when the result is not valid."""
    out = settings.model_dump()
    for key, value in changes(patch).items():
        out[key] = {**out["planar"], **value} if key == "planar" else value
    try:
        return TrainSettings.model_validate(out)
    except ValueError as exc:
        raise ApiError(422, f"settings: {exc}", "settings") from exc
