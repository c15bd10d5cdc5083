"""Training settings of a session, and a partial update of them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from server.schemas.common import StrictModel

DatasetName = Literal["mnist", "shapes", "own"]
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
    loss: LossName = "cross_entropy"
    seed: int = Field(default=0, ge=0, le=2**32 - 1)
    probe_rate: float = Field(default=10.0, ge=0.0, le=30.0)


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
    loss: LossName | None = None
    seed: int | None = Field(default=None, ge=0, le=2**32 - 1)
    probe_rate: float | None = Field(default=None, ge=0.0, le=30.0)


# Changing any of these rebuilds the network from the seed (weights_reset: true).
RESETTING_FIELDS = ("dataset", "dataset_size", "split", "loss", "seed")
