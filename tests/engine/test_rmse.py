"""RMSE alongside MSE: Evaluation.rmse and EpochRecord.train_rmse / val_rmse.

None for the other losses; history saved before the fields existed still loads.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.datasets import shapes
from engine.history import EpochRecord
from engine.losses import rmse
from engine.metrics import evaluate
from engine.model import build
from engine.optimizers import make_optimizer
from engine.trainer import Trainer

SPEC = {"input": {"channels": 1, "height": 12, "width": 12},
        "layers": [{"type": "conv2d", "filters": 2, "kernel": 3}, {"type": "relu"},
                   {"type": "flatten"}, {"type": "dense", "units": 7}, {"type": "softmax"}]}


@pytest.fixture(scope="module")
def data():
    return shapes.generate(60, size=12, seed=2)


def trainer(data, loss: str) -> Trainer:
    model = build(SPEC, np.random.default_rng(0))
    return Trainer(model, make_optimizer("sgd", 0.1), data.subset(np.arange(40)),
                   val=data.subset(np.arange(40, 60)), loss=loss, batch_size=16, seed=0)


def test_rmse_is_the_root_of_an_mse_and_none_otherwise() -> None:
    assert rmse("mse", 0.25) == 0.5
    assert rmse("cross_entropy", 0.25) is None and rmse("bce", 0.25) is None
    assert rmse("mse", None) is None


def test_evaluation_rmse_is_over_every_output_of_every_sample(data) -> None:
    model = build(SPEC, np.random.default_rng(1))
    ev = evaluate(model, data, "mse", chunk=7)  # chunks of unequal size
    out = model.forward(data.images).astype(np.float64)
    onehot = np.eye(7)[data.labels]
    want = math.sqrt(np.mean((out - onehot) ** 2))
    assert ev.rmse == pytest.approx(want, rel=1e-6)
    assert ev.rmse == pytest.approx(math.sqrt(ev.loss), rel=1e-12)
    assert evaluate(model, data, "cross_entropy").rmse is None


def test_epoch_records_carry_train_and_val_rmse_for_mse(data) -> None:
    tr = trainer(data, "mse")
    list(tr.run_epoch())
    [record] = tr.history
    assert record.train_rmse == pytest.approx(math.sqrt(record.train_loss), rel=1e-12)
    assert record.val_loss is not None
    assert record.val_rmse == pytest.approx(math.sqrt(record.val_loss), rel=1e-12)
    assert record.val_rmse == tr.evaluate("val").rmse  # end-of-epoch weights


def test_epoch_records_have_no_rmse_for_other_losses(data) -> None:
    tr = trainer(data, "cross_entropy")
    list(tr.run_epoch())
    assert tr.history[0].train_rmse is None and tr.history[0].val_rmse is None


def test_rmse_survives_a_state_round_trip_and_old_history_gets_it(data) -> None:
    tr = trainer(data, "mse")
    list(tr.run_epoch())
    state = tr.state_dict()
    again = trainer(data, "mse")
    again.load_state_dict(state)
    assert again.history == tr.history
    # A state saved before the RMSE existed: no *_rmse keys in its history records.
    for record in state["history"]:
        del record["train_rmse"], record["val_rmse"]
    old = trainer(data, "mse")
    old.load_state_dict(state)
    assert old.history == tr.history
    ce = trainer(data, "cross_entropy")
    list(ce.run_epoch())
    ce_state = ce.state_dict()
    for record in ce_state["history"]:
        del record["train_rmse"], record["val_rmse"]
    ce.load_state_dict(ce_state)
    assert ce.history[0].train_rmse is None


def test_epoch_record_from_an_old_dict_without_a_loss_has_no_rmse() -> None:
    d = {"epoch": 1, "train_loss": 0.5, "train_accuracy": 0.5, "val_loss": None,
         "val_accuracy": None, "steps": 2, "samples": 32, "global_step": 2, "lr": 0.1}
    assert EpochRecord.from_dict(d).train_rmse is None
    record = EpochRecord.from_dict(d, "mse")
    assert record.train_rmse == pytest.approx(math.sqrt(0.5)) and record.val_rmse is None
    assert EpochRecord.from_dict(record.to_dict()) == record
