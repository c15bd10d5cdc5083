"""One user's session: architecture, settings, the engine's model and trainer, own samples.

The state and its transitions only: each method is a job the runtime runs under the live
session's lock (:mod:`server.runtime.live_session`), which owns everything concurrent;
saving is :mod:`server.sessions.saving`'s, forwards :mod:`server.sessions.forwarding`'s,
hand-set weights :mod:`server.sessions.hand_weights`'. Nothing here does arithmetic: it calls
the engine and turns its records into JSON-ready data.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from engine.model import Sequential, build
from engine.preprocess import fit_input
from engine.snapshots import Snapshot
from engine.trainer import largest_batch
from server.config import Settings
from server.errors import ApiError, refused_as
from server.persist import blob_codec
from server.sessions import architecture
from server.sessions.data import SplitData
from server.sessions.data import load as load_data
from server.sessions.own_samples import OwnSamples
from server.sessions.settings import (
    RESETTING_FIELDS,
    SettingsPatch,
    TrainSettings,
    changes,
    merged,
)
from server.sessions.strict_model import SampleRef
from server.sessions.training import Emitted, Training

_Fresh = tuple[Sequential, SplitData | None, Training | None, str | None]


class Session:
    """Everything of one session's state; see the module docstring for who calls it."""

    def __init__(self, session_id: str, limits: Settings, spec: dict[str, Any],
                 settings: TrainSettings, created: float | None = None) -> None:
        self.id = session_id
        self.limits = limits
        self.training_runs = False  # a train runs on it now (told by the runtime before a job)
        self.stored_blob: Callable[[str], bytes | None] | None = None  # its saved blobs, by name
        self.created = created if created is not None else time.time()
        self.touched = self.created
        self.table = architecture.describe(spec, limits)
        self.spec: dict[str, Any] = self.table["spec"]
        self.settings = settings
        self.own = OwnSamples()
        self.last_input: np.ndarray | None = None
        self.last_label: int | None = None  # the last input's true label (a dataset sample's)
        self.model: Sequential = build(self.spec, np.random.default_rng(settings.seed))
        self.data: SplitData | None = None
        self.training: Training | None = None
        self.training_problem: str | None = None  # why there is no training, when there is none
        self.file_class_names: list[str] = []  # class names an imported model file carried

    # -- construction -------------------------------------------------------------------
    @classmethod
    def create(cls, session_id: str, limits: Settings, spec: dict[str, Any] | None,
               settings: TrainSettings | None) -> Session:
        session = cls(session_id, limits, spec if spec is not None else
                      architecture.TINY_MNIST_CNN, settings or TrainSettings())
        session._reset_training()
        return session

    def _check_batch(self, settings: TrainSettings, table: dict[str, Any]) -> None:
        inputs = largest_batch(settings.batch_size)  # an epoch's last batch may hold more
        values = inputs * table["activations"]
        if values > self.limits.max_batch_values:
            raise ApiError(422, f"settings.batch_size: {settings.batch_size} (an epoch's last "
                           f"batch up to {inputs}) inputs of "
                           f"{table['activations']} layer outputs each is more than this "
                           f"server's limit of {self.limits.max_batch_values} numbers per "
                           "batch; use a smaller batch", "settings.batch_size")

    def _fresh(self, table: dict[str, Any], settings: TrainSettings) -> _Fresh:
        """Fresh weights from the seed, data split, optimizer and history for ``table`` and
        ``settings``, built aside: the session itself is not touched. An ApiError naming the
        field when they cannot be had."""
        self._check_batch(settings, table)
        with refused_as("spec"):
            model = build(table["spec"], np.random.default_rng(settings.seed))
        data, training, problem = self.data_for(model, settings, strict=True)
        return model, data, training, problem

    def _commit(self, table: dict[str, Any], settings: TrainSettings, fresh: _Fresh) -> None:
        """Apply what :meth:`_fresh` built (plain assignments: nothing here can fail)."""
        self.table, self.spec, self.settings = table, table["spec"], settings
        self.model, self.data, self.training, self.training_problem = fresh

    def _reset_training(self) -> None:
        """Fresh weights from the seed, fresh optimizer, data split and history; on a
        refusal (ApiError) nothing of the session has changed."""
        self._commit(self.table, self.settings, self._fresh(self.table, self.settings))

    def data_for(self, model: Sequential, settings: TrainSettings, strict: bool) -> tuple[
            SplitData | None, Training | None, str | None]:
        """(data, training, None), or for own samples that cannot be trained on yet (too few
        classes, a mismatched output layer) (None, None, why). ``strict``: anything else is
        refused with its ApiError (an engine ValueError names ``settings.dataset``)."""
        try:
            with refused_as("settings.dataset"):
                data = load_data(settings, tuple(model.input_shape), self.own.dataset(),
                                 self.limits.max_dataset_size, self.limits.max_dataset_pixels)
                return data, Training.new(model, data, settings), None
        except ApiError as exc:
            if strict and settings.dataset != "own":
                raise
            return None, None, exc.message

    def data_or_raise(self) -> SplitData:
        if self.data is None:
            raise ApiError(422, "settings.dataset: this session has no data", "settings.dataset")
        return self.data

    def touch(self) -> None:
        self.touched = time.time()

    def check_idle(self) -> None:
        """409 when a train runs: changing the session now would race it."""
        if self.training_runs:
            raise ApiError(409, "session: it is training; stop the training first", "session")

    # -- state --------------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        data = self.data
        training = self.training
        state: dict[str, Any] = {
            "id": self.id,
            "spec": self.spec,
            "settings": self.settings.model_dump(),
            "layers": self.table["layers"],
            "total_params": self.table["total_params"],
            "class_names": self.state_class_names(),
            "dataset": ({"name": data.name, **data.sizes()} if data
                        else {"name": self.settings.dataset, "train": 0, "val": 0, "test": 0}),
            "samples": self.own.summary(),
            "training": self.training_runs,
            "training_problem": self.training_problem,
            "created": self.created,
            "touched": self.touched,
        }
        if training is not None:
            state.update(training.summary())
        else:
            state.update({"epoch": 0, "batch": 0, "batches_per_epoch": 0, "step": 0,
                          "history": [], "rewind_epochs": [], "batch_losses": [],
                          "batch_losses_from": 0, "confusion": None,
                          "diverged": None})
        return state

    # -- training (one step per call, so the lock is released between batches) -----------
    def training_or_raise(self) -> Training:
        if self.training is None:
            raise ApiError(422, self.training_problem or "settings.dataset: there is no data "
                           "to train on", "settings.dataset")
        return self.training

    def step_events(self, unit: str) -> list[Emitted]:
        training = self.training_or_raise()
        trainer = training.trainer
        events = trainer.step_samples(1) if unit == "samples" else trainer.step_batches(1)
        return training.emit(events)

    def next_epoch_events(self, epoch: Iterator[Any]) -> list[Emitted]:
        """The next event of a running epoch (empty when the epoch generator is done)."""
        training = self.training_or_raise()
        try:
            return training.emit([next(epoch)])
        except StopIteration:
            return []

    def rewind(self, epoch: int) -> dict[str, Any]:
        self.check_idle()
        self.training_or_raise().rewind(epoch, self._stored_snapshot)
        return self.state()

    def _stored_snapshot(self, epoch: int) -> Snapshot | None:
        """The whole snapshot of ``epoch`` as saved, or None."""
        blob = self.stored_blob(f"snapshot/{epoch}") if self.stored_blob else None
        return Snapshot.from_plain(blob_codec.unpack(blob)) if blob is not None else None

    # -- architecture and settings --------------------------------------------------------
    def set_spec(self, spec: dict[str, Any],
                 patch: SettingsPatch | None = None) -> dict[str, Any]:
        """New architecture (and, with ``patch``, new settings checked and applied together:
        the lab's features change the input size), weights from the seed: checked and built
        whole before any of it is applied (a refusal changes nothing)."""
        self.check_idle()
        table = architecture.describe(spec, self.limits)
        settings = merged(self.settings, patch) if patch is not None else self.settings
        self._commit(table, settings, self._fresh(table, settings))
        self.last_input = None
        self.last_label = None
        return {**self.state(), "weights_reset": True}

    def set_settings(self, patch: SettingsPatch) -> dict[str, Any]:
        """Change settings: the merged settings are validated and, when they rebuild the
        network, the new model, data and training built aside first; only then is anything
        applied (a refusal changes nothing, in memory or on disk)."""
        self.check_idle()
        asked = changes(patch)
        new = merged(self.settings, patch)
        changed = {k for k in asked if getattr(new, k) != getattr(self.settings, k)}
        reset = any(k in RESETTING_FIELDS for k in changed)
        self._check_batch(new, self.table)
        if reset:
            self._commit(self.table, new, self._fresh(self.table, new))
        else:
            if self.training is not None:
                with refused_as("settings"):
                    optimizer = self.training.optimizer_for(new)
                self.training.reconfigure(new, optimizer)
            self.settings = new
        return {**self.state(), "weights_reset": reset}

    # -- inputs -------------------------------------------------------------------------
    def drawing_input(self, image: np.ndarray, field: str) -> np.ndarray:
        """A drawing or upload (gray, RGB or RGBA) as this network's (C, H, W) input
        (``engine.preprocess.fit_input``: framed like MNIST, or kept in colour)."""
        shape = tuple(self.model.input_shape)
        if len(shape) != 3:
            raise ApiError(422, f"{field}: images feed networks that take (C, H, W), but this "
                           f"one takes {'x'.join(map(str, shape))}", field)
        with refused_as(field):
            return np.asarray(fit_input(image, shape), dtype=np.float32)

    def check_sample(self, ref: SampleRef, field: str = "sample") -> None:
        """422 naming ``<field>.index`` unless the split holds that sample."""
        part = self.data_or_raise().part(ref.split)
        if ref.index >= len(part):
            raise ApiError(422, f"{field}.index: {ref.index} is outside the {ref.split} split "
                           f"of {len(part)} samples", f"{field}.index")

    def sample_image(self, ref: SampleRef, field: str = "sample") -> tuple[np.ndarray, int]:
        self.check_sample(ref, field)
        part = self.data_or_raise().part(ref.split)
        return np.asarray(part.images[ref.index]), int(part.labels[ref.index])

    def state_class_names(self) -> list[str]:
        """The data's class names; without data, the own samples' or an imported file's."""
        if self.data is not None:
            return self.data.class_names
        return self.own.class_names() or list(self.file_class_names)

    # -- own samples --------------------------------------------------------------------
    def add_own_sample(self, gray: np.ndarray, label: str) -> dict[str, Any]:
        self.check_idle()
        if len(self.own) >= self.limits.max_dataset_size:
            raise ApiError(422, f"label: this session already holds {len(self.own)} samples, "
                           f"the limit", "label")
        sample = self.own.add(label, self.drawing_input(gray, "pixels"))
        self._own_changed()
        return {"id": sample.id, "label": label, "samples": self.own.summary()}

    def add_own_images(self, images: np.ndarray, labels: list[str]) -> None:
        for image, label in zip(images, labels, strict=True):
            self.own.add(label, image)
        self._own_changed()

    def remove_own_sample(self, sample_id: str) -> dict[str, Any]:
        self.check_idle()
        if not self.own.remove(sample_id):
            raise ApiError(404, f"sample_id: no sample {sample_id!r} in this session",
                           "sample_id")
        self._own_changed()
        return {"samples": self.own.summary()}

    def _own_changed(self) -> None:
        """Own samples changed: a session training on them gets a fresh split; its weights
        stay, its history starts over (the old one was measured on other data)."""
        if self.settings.dataset != "own":
            return
        self.data, self.training, self.training_problem = self.data_for(
            self.model, self.settings, False)
