"""A session's engine Trainer, plus what the server keeps beside it.

Builds the trainer from settings and split data, turns its events and history into
JSON-ready dicts (non-finite numbers never get through: divergence is an event), keeps the
per-step losses (the last ``MAX_BATCH_LOSSES``) and the last confusion matrix (and each kept
epoch's, for rewind). Once saved (server.sessions.saving), a snapshot stays in memory as
weights only (:meth:`Training.offload`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine import losses
from engine.baseline import ConstantGuess, constant_guess
from engine.chance import stuck_at_chance
from engine.history import EpochRecord
from engine.model import Sequential
from engine.optimizers import Optimizer, make_optimizer
from engine.snapshots import Snapshot
from engine.train_events import Cancelled, Diverged, EpochEnd, StepProgress, TrainEvent
from engine.trainer import Trainer
from server.errors import ApiError
from server.persist import blob_codec
from server.sessions.data import SplitData
from server.sessions.settings import TrainSettings
from server.wire.history import optional, record_json, stuck_json
from server.wire.tensors import finite_or_none

OPTIMIZER_FIELDS = ("optimizer", "momentum")
CONFUSION_BLOB = "snapshot/confusion/"  # + epoch: that epoch's confusion matrix (for rewind)
MAX_BATCH_LOSSES = 2000  # per-step losses kept (and sent in state): the most recent ones


@dataclass(frozen=True)
class Emitted:
    """An engine event and the protocol message it becomes (``seq`` added by the sender)."""

    event: TrainEvent
    message_json: dict[str, Any]


def _optimizer(settings: TrainSettings) -> Optimizer:
    return make_optimizer(settings.optimizer, settings.lr, momentum=settings.momentum,
                          weight_decay=settings.weight_decay, l1=settings.l1)


def _part(data: SplitData, name: str) -> Any:
    part = data.part(name)
    return part if len(part) else None


class Training:
    """The trainer and the server-side records that go with it."""

    def __init__(self, trainer: Trainer, settings: TrainSettings) -> None:
        self.trainer = trainer
        self.settings = settings
        self.batch_losses: list[float] = []  # steps losses_from + 1, losses_from + 2, ...
        self.losses_from = 0  # steps before the first kept loss (older ones let go)
        self.confusion: dict[str, Any] | None = None
        self.confusions: dict[int, dict[str, Any] | None] = {}  # each epoch's, for rewind
        self.diverged: dict[str, Any] | None = None
        self.batch = 0  # steps done in the epoch in progress (from the last progress event)
        self.batches: int | None = None  # steps the epoch in progress takes, when known
        self.last_batch: np.ndarray | None = None  # train indices of the last step taken
        self._guesses: tuple[ConstantGuess, ConstantGuess | None] | None = None

    @classmethod
    def new(cls, model: Sequential, data: SplitData, settings: TrainSettings) -> Training:
        if len(data.train) == 0:
            raise ApiError(422, "settings.split: the train split is empty", "settings.split")
        try:
            losses.check_pairing(settings.loss, model.layers[-1].kind)
        except ValueError as exc:
            raise ApiError(422, f"settings.loss: {exc}", "settings.loss") from exc
        try:
            trainer = Trainer(model, _optimizer(settings), data.train, _part(data, "val"),
                              _part(data, "test"), loss=settings.loss,
                              batch_size=settings.batch_size, seed=settings.seed)
        except ValueError as exc:
            raise ApiError(422, f"settings.dataset: {exc}", "settings.dataset") from exc
        return cls(trainer, settings)

    # -- settings -----------------------------------------------------------------------
    def optimizer_for(self, settings: TrainSettings) -> Optimizer | None:
        """A new optimizer when ``settings`` change its kind or momentum, else None (the
        current one takes the new lr and weight decay). Changes nothing."""
        old = self.settings
        if any(getattr(old, f) != getattr(settings, f) for f in OPTIMIZER_FIELDS):
            return _optimizer(settings)
        return None

    def reconfigure(self, settings: TrainSettings, optimizer: Optimizer | None) -> None:
        """New optimizer hyper-parameters or batch size (``optimizer`` from
        :meth:`optimizer_for`); weights and history stay. Plain assignments: cannot fail."""
        t = self.trainer
        if optimizer is not None:
            t.optimizer = optimizer
        else:
            t.optimizer.lr = float(settings.lr)
            t.optimizer.weight_decay = float(settings.weight_decay)
            t.optimizer.l1 = float(settings.l1)
        t.batch_size = int(settings.batch_size)
        self.settings = settings
        self.diverged = None

    # -- reading ------------------------------------------------------------------------
    def guesses(self) -> tuple[ConstantGuess, ConstantGuess | None]:
        """The best constant guess on the train and the validation split (engine.baseline),
        computed once: the data and the network's outputs do not change under a Training."""
        if self._guesses is None:
            t = self.trainer
            outputs = int(np.prod(t.model.shapes[-1]))
            val = constant_guess(t.loss, t.val, outputs) if t.val is not None else None
            self._guesses = (constant_guess(t.loss, t.train, outputs), val)
        return self._guesses

    def history_json(self, record: EpochRecord) -> dict[str, Any]:
        """One history entry, the same in the state's ``history`` and in ``epoch_end``:
        ``record_json`` plus ``stuck`` (null, or ``{"kind": "worse" | "chance", "message"}``:
        engine.chance's judgement, worse than guessing or at chance level; ``stuck_json``)."""
        t = self.trainer
        judged = stuck_at_chance(record, t.loss, t.train.num_classes, *self.guesses(),
                                 previous=self._before(record))
        return {**record_json(record), "stuck": stuck_json(judged)}

    def _before(self, record: EpochRecord) -> EpochRecord | None:
        """The history's record of the epoch before ``record`` (history[i] is epoch i + 1),
        or None for a first epoch."""
        history, i = self.trainer.history, record.epoch - 2
        return history[i] if 0 <= i < len(history) and history[i].epoch == i + 1 else None

    def summary(self) -> dict[str, Any]:
        t = self.trainer
        return {
            "epoch": t.epoch,
            "batch": self.batch,
            "batches_per_epoch": self.batches,
            "samples_seen": t.samples_seen,
            "epoch_size": t.epoch_size,
            "step": t.global_step,
            "history": [self.history_json(r) for r in t.history],
            "rewind_epochs": t.rewind_epochs(),
            "batch_losses": self.batch_losses,
            "batch_losses_from": self.losses_from,
            "confusion": self.confusion,
            "diverged": self.diverged,
        }

    # -- events -------------------------------------------------------------------------
    def event_json(self, event: TrainEvent) -> dict[str, Any]:
        """One engine event as a protocol message (without ``seq``); records side effects."""
        if isinstance(event, StepProgress):
            loss = finite_or_none(event.loss)
            if loss is not None:  # a step with a non-finite loss is a Diverged event instead
                self._add_loss(loss)
            self.batch, self.batches = event.batch, event.batches_in_epoch
            self.last_batch = event.indices
            return {"type": "progress", "epoch": event.epoch, "batch": event.batch,
                    "batches": event.batches_in_epoch, "step": event.global_step,
                    "loss": loss, "acc": optional(event.accuracy),
                    "running_loss": finite_or_none(event.running_loss),
                    "running_acc": optional(event.running_accuracy),
                    "samples": event.samples_seen, "epoch_size": event.epoch_size,
                    "grad_sizes": {k: finite_or_none(v) for k, v in event.grad_sizes.items()},
                    "trained_on": int(event.indices[0]) if len(event.indices) == 1 else None}
        if isinstance(event, EpochEnd):
            self.confusion = self._evaluate_confusion()
            self.confusions[event.record.epoch] = self.confusion
            self.batch, self.batches = 0, None
            return {"type": "epoch_end", **self.history_json(event.record),
                    "confusion": self.confusion}
        if isinstance(event, Diverged):
            self.diverged = {"epoch": event.epoch, "batch": event.batch,
                             "step": event.global_step, "cause": event.cause,
                             "lr": event.lr, "message": event.message}
            return {"type": "diverged", **self.diverged}
        assert isinstance(event, Cancelled)
        return {"type": "stopped", "epoch": event.epoch, "batch": event.batch,
                "samples": event.samples_seen, "message": event.message}

    def _add_loss(self, loss: float) -> None:
        """Keep the last ``MAX_BATCH_LOSSES`` per-step losses (older ones in chunks of a
        quarter, so the list is not shifted on every step)."""
        self.batch_losses.append(loss)
        if len(self.batch_losses) > MAX_BATCH_LOSSES:
            cut = MAX_BATCH_LOSSES // 4
            del self.batch_losses[:cut]
            self.losses_from += cut

    def emit(self, events: list[TrainEvent]) -> list[Emitted]:
        return [Emitted(e, self.event_json(e)) for e in events]

    def evaluate(self, split: str) -> dict[str, Any]:
        """Loss (and RMSE for mse), accuracy and confusion matrix of a split at the current
        weights."""
        t = self.trainer
        if {"train": t.train, "val": t.val, "test": t.test}[split] is None:
            raise ApiError(422, f"split: this session's {split} split is empty", "split")
        ev = t.evaluate(split)
        return {"split": split, "count": ev.count, "loss": finite_or_none(ev.loss),
                "rmse": finite_or_none(ev.rmse) if ev.rmse is not None else None,
                "acc": optional(ev.accuracy), "class_names": ev.class_names,
                "matrix": ev.confusion.astype(int).tolist(),
                "per_class_acc": [finite_or_none(v) for v in ev.per_class_accuracy]}

    def _evaluate_confusion(self) -> dict[str, Any] | None:
        """Of the validation split; of the train split when validation has no samples (a
        small own dataset rounds its validation share to none)."""
        t = self.trainer
        if t.train.regression:
            return None
        split = "val" if t.val is not None else "train"
        ev = t.evaluate(split)
        return {"split": split, "class_names": ev.class_names,
                "matrix": ev.confusion.astype(int).tolist(),
                "per_class_acc": [finite_or_none(v) for v in ev.per_class_accuracy]}

    def rewind(self, epoch: int, load: Callable[[int], Snapshot | None]) -> None:
        """Back to the end of ``epoch``, one of the kept ones; ``load(epoch)`` reads the whole
        snapshot from disk when memory holds only its weights."""
        t = self.trainer
        kept = t.rewind_epochs()
        if not 0 <= epoch <= t.epoch:
            raise ApiError(422, f"epoch: can rewind to an epoch in 0..{t.epoch}, got {epoch}",
                           "epoch")
        if epoch not in kept:
            raise ApiError(422, f"epoch: epoch {epoch}'s snapshot is not kept (older epochs "
                           f"are thinned); can rewind to {', '.join(map(str, kept))}", "epoch")
        held = next(s for s in t.snapshots if s.epoch == epoch)
        full = load(epoch) if held.partial else None
        if held.partial and full is None:
            raise ApiError(409, f"epoch: the snapshot of epoch {epoch} is missing on disk",
                           "epoch")
        t.rewind(epoch, full)
        if full is not None:  # the whole one is on disk: memory keeps its weights only
            t.snapshots[-1] = held
        del self.batch_losses[max(0, t.global_step - self.losses_from):]
        self.losses_from = min(self.losses_from, t.global_step)
        self.batch, self.batches = 0, None
        self.confusion = self.confusions.get(epoch)  # that epoch's, kept when it ended
        self.confusions = {e: c for e, c in self.confusions.items() if e <= epoch}
        self.diverged = None

    # -- persistence --------------------------------------------------------------------
    def meta(self) -> dict[str, Any]:
        return {"confusion": self.confusion, "diverged": self.diverged, "batch": self.batch,
                "batches": self.batches}

    def state_blob(self) -> dict[str, Any]:
        state = self.trainer.state_dict()
        state.pop("snapshots")
        state.pop("checkpoints")
        state["batch_losses"] = np.asarray(self.batch_losses, dtype=np.float64)
        state["batch_losses_from"] = self.losses_from
        return state

    def kept_confusions(self) -> dict[int, dict[str, Any] | None]:
        """Each kept epoch's confusion matrix (thinned with the epochs' snapshots)."""
        have = {s.epoch for s in self.trainer.snapshots}
        self.confusions = {e: c for e, c in self.confusions.items() if e in have}
        return self.confusions

    def offload(self, on_disk: set[int]) -> None:
        """The snapshots of epochs ``on_disk`` stay in memory as weights only (for the
        trajectory); a rewind reads the rest back (see :meth:`rewind`)."""
        t = self.trainer
        t.snapshots = [s.light() if s.epoch in on_disk and not s.partial else s
                       for s in t.snapshots]

    @classmethod
    def restore(cls, model: Sequential, data: SplitData, settings: TrainSettings,
                meta: dict[str, Any], blobs: dict[str, bytes]) -> Training:
        training = cls.new(model, data, settings)
        if "trainer" not in blobs:
            return training
        state = blob_codec.unpack(blobs["trainer"])
        losses = state.pop("batch_losses", np.zeros(0))
        losses_from = int(state.pop("batch_losses_from", 0))
        snaps = sorted((blob_codec.unpack(blob) for name, blob in blobs.items()
                        if name.startswith("snapshot/") and name[9:].isdigit()),
                       key=lambda s: int(s["epoch"]))
        state["snapshots"] = snaps
        state["checkpoints"] = blob_codec.unpack(blobs["checkpoints"]) if "checkpoints" in blobs \
            else []
        training.trainer.load_state_dict(state)
        kept = [float(v) for v in np.asarray(losses).reshape(-1)]
        cut = max(0, len(kept) - MAX_BATCH_LOSSES)  # saved before the cap: keep the last ones
        training.batch_losses, training.losses_from = kept[cut:], losses_from + cut
        training.confusion = meta.get("confusion")
        training.confusions = {
            int(name[len(CONFUSION_BLOB):]): blob_codec.unpack(blob)["confusion"]
            for name, blob in blobs.items()
            if name.startswith(CONFUSION_BLOB) and name[len(CONFUSION_BLOB):].isdigit()
            and int(name[len(CONFUSION_BLOB):]) <= training.trainer.epoch}
        if training.confusion is not None:  # saved before each epoch's was kept: the last one
            training.confusions.setdefault(training.trainer.epoch, training.confusion)
        training.diverged = meta.get("diverged")
        training.batch = int(meta.get("batch", 0))
        training.batches = meta.get("batches")
        training.offload({int(s["epoch"]) for s in snaps})  # thinned ones dropped at a save
        return training

