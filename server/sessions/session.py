"""One user's session: architecture, settings, the engine's model and trainer, own samples.

Every method that touches NumPy is called from a worker thread while holding ``self.lock``
(see :mod:`server.runtime.worker`); nothing here does arithmetic: it calls the engine and turns its
records into JSON-ready data.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from engine.metrics import predictions
from engine.model import Sequential, build, to_public
from engine.preprocess import fit_input
from engine.snapshots import Snapshot
from engine.trace import softmax_cell_of
from engine.trainer import largest_batch
from server.config import Settings
from server.errors import ApiError, refused_as
from server.persist import blob_codec, model_file
from server.persist.session_store import SessionStore, StoredSession
from server.sessions import architecture, pytorch_script, saving
from server.sessions.data import SplitData
from server.sessions.data import load as load_data
from server.sessions.layer_names import layer_named
from server.sessions.own_samples import OwnSamples
from server.sessions.settings import RESETTING_FIELDS, SettingsPatch, TrainSettings
from server.sessions.strict_model import SampleRef
from server.sessions.training import Emitted, Training
from server.wire.forward import forward_json
from server.wire.tensors import tensor_json

_Fresh = tuple[Sequential, SplitData | None, Training | None, str | None]
MAX_HAND_SET = 1e4  # largest magnitude of a hand-set weight


class Session:
    """Holds everything of one session; see the module docstring for the threading rule."""

    def __init__(self, session_id: str, limits: Settings, spec: dict[str, Any],
                 settings: TrainSettings, created: float | None = None) -> None:
        self.id = session_id
        self.limits = limits
        self.lock = threading.RLock()
        self.stop_event = threading.Event()
        self.training_owner: object | None = None  # the socket whose train runs, if any
        self.idle = threading.Event()  # set whenever no train runs
        self.idle.set()
        self.closed = False
        self.sockets = 0
        self.holds = 0  # requests using it right now (the manager does not evict it then)
        self.watchers: list[Callable[[], None]] = []  # told when the session is deleted
        self.created = created if created is not None else time.time()
        self.touched = self.created
        self._saved_touch = 0.0
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
        self._put: dict[str, bytes] = {}
        # the last input and label as last written to the store: a save writes them when they
        # differ (compared by identity: each forward keeps a new array), not at each forward
        self._saved_last: tuple[np.ndarray | None, int | None] = (None, None)
        self._drop: set[str] = set()
        self._drop_prefixes: set[str] = set()
        self._save_all_snapshots = True
        self.resident = True  # False once unloaded to disk (see unload); reload() brings it back
        self.store: SessionStore | None = None  # where it is saved (set by the manager)
        self.bytes = 0  # its own bytes when last counted (server.runtime.memory.session_bytes)
        self.checkpoint_wal = False  # the next save gave back blobs: truncate the WAL after it

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
        data, training, problem = self._data_for(model, settings, strict=True)
        return model, data, training, problem

    def _commit(self, table: dict[str, Any], settings: TrainSettings, fresh: _Fresh) -> None:
        """Apply what :meth:`_fresh` built (plain assignments: nothing here can fail)."""
        self.table, self.spec, self.settings = table, table["spec"], settings
        self.model, self.data, self.training, self.training_problem = fresh
        self._drop_prefixes.add("snapshot/")
        self._save_all_snapshots = True

    def _reset_training(self) -> None:
        """Fresh weights from the seed, fresh optimizer, data split and history; on a
        refusal (ApiError) nothing of the session has changed."""
        self._commit(self.table, self.settings, self._fresh(self.table, self.settings))

    def _data_for(self, model: Sequential, settings: TrainSettings, strict: bool) -> tuple[
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

    # -- bookkeeping --------------------------------------------------------------------
    def in_use(self) -> bool:
        return (self.sockets > 0 or self.holds > 0 or self.training_owner is not None
                or self.lock_held())

    def lock_held(self) -> bool:
        acquired = self.lock.acquire(blocking=False)
        if acquired:
            self.lock.release()
        return not acquired

    def touch(self) -> None:
        self.touched = time.time()

    def close(self) -> None:
        """The session is being deleted: stop any training, refuse further use."""
        self.closed = True
        self.stop_event.set()
        for watcher in list(self.watchers):
            watcher()

    def start_training(self, owner: object) -> bool:
        """Claim the session for a train run; False when another one runs."""
        with self.lock:
            if self.training_owner is not None:
                return False
            self.training_owner = owner
            self.idle.clear()
            self.stop_event.clear()
            return True

    def end_training(self) -> None:
        self.training_owner = None
        self.idle.set()

    def check_idle(self) -> None:
        """409 when a train runs: changing the session now would race it."""
        if self.training_owner is not None:
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
            "training": self.training_owner is not None,
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
        self.checkpoint_wal = True
        return self.state()

    def _stored_snapshot(self, epoch: int) -> Snapshot | None:
        """The whole snapshot of ``epoch`` as saved, or None."""
        blob = self.store.load_blob(self.id, f"snapshot/{epoch}") if self.store else None
        return Snapshot.from_plain(blob_codec.unpack(blob)) if blob is not None else None

    # -- architecture and settings --------------------------------------------------------
    def set_spec(self, spec: dict[str, Any],
                 patch: SettingsPatch | None = None) -> dict[str, Any]:
        """New architecture (and, with ``patch``, new settings checked and applied together:
        the lab's features change the input size), weights from the seed: checked and built
        whole before any of it is applied (a refusal changes nothing)."""
        self.check_idle()
        table = architecture.describe(spec, self.limits)
        settings = self._merged(patch) if patch is not None else self.settings
        self._commit(table, settings, self._fresh(table, settings))
        self.last_input = None
        self.last_label = None
        self._drop.add("last_input")
        return {**self.state(), "weights_reset": True}

    @staticmethod
    def _changes(patch: SettingsPatch) -> dict[str, Any]:
        """The fields a settings patch sets; null means "keep it", except for dataset_size,
        where it means "all of it"."""
        return {k: v for k, v in patch.model_dump(exclude_unset=True).items()
                if v is not None or k == "dataset_size"}

    def _merged(self, patch: SettingsPatch) -> TrainSettings:
        """The current settings with ``patch`` applied (``planar`` merged field by field)."""
        merged = self.settings.model_dump()
        for key, value in self._changes(patch).items():
            merged[key] = {**merged["planar"], **value} if key == "planar" else value
        try:
            return TrainSettings.model_validate(merged)
        except ValueError as exc:
            raise ApiError(422, f"settings: {exc}", "settings") from exc

    def set_settings(self, patch: SettingsPatch) -> dict[str, Any]:
        """Change settings: the merged settings are validated and, when they rebuild the
        network, the new model, data and training built aside first; only then is anything
        applied (a refusal changes nothing, in memory or on disk)."""
        self.check_idle()
        changes = self._changes(patch)
        new = self._merged(patch)
        changed = {k for k in changes if getattr(new, k) != getattr(self.settings, k)}
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

    def layer_params(self, layer: str) -> dict[str, Any]:
        """``W`` and ``b`` of one conv2d/dense layer as tensor objects (the layouts of
        docs/model-format.md: conv ``(F, C, k, k)``, dense ``(in, out)``)."""
        layer_named(self.model, layer, "layer", with_params=True, status=404)
        weights = self.model.get_weights()
        return {"layer": layer, "W": tensor_json(weights[f"{layer}.W"]),
                "b": tensor_json(weights[f"{layer}.b"])}

    def set_layer_params(self, layer: str, values: dict[str, Any]) -> dict[str, Any]:
        """Replace W and/or b of one layer (e.g. hand-made filters); the weights stay as
        set, the history starts over from them."""
        self.check_idle()
        layer_named(self.model, layer, "layer", with_params=True, status=404)
        current = self.model.get_weights()
        new = dict(current)
        for key, value in values.items():
            if value is None:
                continue
            try:
                array = np.asarray(value, dtype=np.float32)
            except ValueError as exc:  # ragged nesting
                raise ApiError(422, f"{key}: not a rectangular array ({exc})", key) from exc
            if array.size and not float(np.max(np.abs(array))) <= MAX_HAND_SET:
                raise ApiError(422, f"{key}: values must be finite and within "
                               f"+-{MAX_HAND_SET:g}", key)
            expected = current[f"{layer}.{key}"].shape
            if array.shape != expected:
                raise ApiError(422, f"{key}: shape {list(array.shape)} does not match "
                               f"{layer}.{key} of shape {list(expected)}", key)
            new[f"{layer}.{key}"] = array
        try:
            self.model.set_weights(new)
        except ValueError as exc:
            raise ApiError(422, f"W: {exc}", "W") from exc
        if self.data is not None:
            try:
                self.training = Training.new(self.model, self.data, self.settings)
            except ApiError:
                self.model.set_weights(current)
                raise
            self._drop_prefixes.add("snapshot/")
            self._save_all_snapshots = True
        return {**self.state(), "weights_reset": False, "history_reset": True}

    # -- forward and cells --------------------------------------------------------------
    def _drawing_input(self, image: np.ndarray, field: str) -> np.ndarray:
        """A drawing or upload (gray, RGB or RGBA) as this network's (C, H, W) input
        (``engine.preprocess.fit_input``: framed like MNIST, or kept in colour)."""
        shape = tuple(self.model.input_shape)
        if len(shape) != 3:
            raise ApiError(422, f"{field}: images feed networks that take (C, H, W), but this "
                           f"one takes {'x'.join(map(str, shape))}", field)
        with refused_as(field):
            return np.asarray(fit_input(image, shape), dtype=np.float32)

    def check_sample(self, ref: SampleRef, field: str = "sample") -> None:
        """422 naming ``<field>.index`` unless the split holds that sample (reads sizes only:
        safe without the lock, e.g. for a socket's probe while a train runs)."""
        part = self.data_or_raise().part(ref.split)
        if ref.index >= len(part):
            raise ApiError(422, f"{field}.index: {ref.index} is outside the {ref.split} split "
                           f"of {len(part)} samples", f"{field}.index")

    def sample_image(self, ref: SampleRef, field: str = "sample") -> tuple[np.ndarray, int]:
        self.check_sample(ref, field)
        part = self.data_or_raise().part(ref.split)
        return np.asarray(part.images[ref.index]), int(part.labels[ref.index])

    def forward_gray(self, gray: np.ndarray, field: str = "pixels") -> dict[str, Any]:
        """A drawing or upload (gray, RGB or RGBA), preprocessed to fit the network."""
        return self._forward(self._drawing_input(gray, field))

    def forward_sample(self, ref: SampleRef) -> dict[str, Any]:
        image, label = self.sample_image(ref)
        return {**self._forward(image, label), "true_label": label}

    def forward_input(self, x: np.ndarray) -> dict[str, Any]:
        """The forward reply for one input ``x`` of the model's input shape, as it is."""
        return self._forward(np.asarray(x, dtype=np.float32))

    def _forward(self, x: np.ndarray, label: int | None = None) -> dict[str, Any]:
        """The forward reply; ``x`` (and its true ``label``, None for a drawing, an upload or
        typed values) become the last input."""
        acts = self.model.run_forward(x[None], training=False)
        outputs = [np.asarray(to_public(a))[0] for a in acts[1:]]
        last = outputs[-1]
        class_names = self.state_class_names()
        scores = np.asarray(last, dtype=np.float64).reshape(-1)
        is_prob = self.model.layers[-1].kind in ("softmax", "sigmoid")
        if not np.all(np.isfinite(scores)):
            raise ApiError(422, "spec: the network's output is not finite for this input",
                           "spec")
        self.last_input = x  # only a forward that answered becomes the last input
        self.last_label = label
        prediction = int(predictions(scores.reshape(1, -1))[0])
        softmax = softmax_cell_of(self.model, acts) \
            if self.model.layers[-1].kind == "softmax" else None
        return forward_json(x, self.model.layers, outputs, scores, prediction, class_names,
                            is_prob, softmax)

    def state_class_names(self) -> list[str]:
        """The data's class names; without data, the own samples' or an imported file's."""
        if self.data is not None:
            return self.data.class_names
        return self.own.class_names() or list(self.file_class_names)

    def cell_input(self, source: str) -> np.ndarray:
        if source == "last":
            if self.last_input is None:
                raise ApiError(422, "query.input: nothing has been forwarded yet; forward an "
                               "image first or use input=sample:<index>", "query.input")
            return self.last_input
        if source.startswith("sample:") and source[7:].isdigit():
            return self.sample_image(SampleRef(split="val", index=int(source[7:])),
                                     "query.input")[0]
        raise ApiError(422, "query.input: must be last or sample:<index>", "query.input")

    # -- own samples --------------------------------------------------------------------
    def add_own_sample(self, gray: np.ndarray, label: str) -> dict[str, Any]:
        self.check_idle()
        if len(self.own) >= self.limits.max_dataset_size:
            raise ApiError(422, f"label: this session already holds {len(self.own)} samples, "
                           f"the limit", "label")
        image = self._drawing_input(gray, "pixels")
        sample = self.own.add(label, image)
        self._put[f"sample/{sample.id}"] = blob_codec.pack({"x": image})
        self._own_changed()
        return {"id": sample.id, "label": label, "samples": self.own.summary()}

    def add_own_images(self, images: np.ndarray, labels: list[str]) -> None:
        for image, label in zip(images, labels, strict=True):
            sample = self.own.add(label, image)
            self._put[f"sample/{sample.id}"] = blob_codec.pack({"x": np.asarray(image)})
        self._own_changed()

    def remove_own_sample(self, sample_id: str) -> dict[str, Any]:
        self.check_idle()
        if not self.own.remove(sample_id):
            raise ApiError(404, f"sample_id: no sample {sample_id!r} in this session",
                           "sample_id")
        self._drop.add(f"sample/{sample_id}")
        self._put.pop(f"sample/{sample_id}", None)
        self._own_changed()
        return {"samples": self.own.summary()}

    def _own_changed(self) -> None:
        """Own samples changed: a session training on them gets a fresh split; its weights
        stay, its history starts over (the old one was measured on other data)."""
        if self.settings.dataset != "own":
            return
        self.data, self.training, self.training_problem = self._data_for(
            self.model, self.settings, False)
        self._drop_prefixes.add("snapshot/")
        self._save_all_snapshots = True

    def own_listing(self) -> dict[str, Any]:
        images = [s.image for s in self.own.items]
        empty = np.zeros((0, *self.model.input_shape), dtype=np.float32)
        return {
            "samples": [{"id": s.id, "label": s.label} for s in self.own.items],
            "images": tensor_json(np.stack(images) if images else empty),
            "classes": self.own.summary()["classes"],
        }

    # -- export -------------------------------------------------------------------------
    def export_npz(self) -> bytes:
        return model_file.write(self.spec, self.settings.model_dump(), self.state_class_names(),
                                self.model.get_weights())

    def export_py(self) -> str:
        weights = model_file.write_weights(self.model.get_weights())
        return pytorch_script.render(self.spec, self.state_class_names(), weights)

    @classmethod
    def from_model_file(cls, session_id: str, limits: Settings,
                        loaded: model_file.ModelFile) -> Session:
        """A new session whose network is the file's, weights and all."""
        settings = TrainSettings()
        if loaded.settings is not None:
            try:
                settings = TrainSettings.model_validate(loaded.settings)
            except ValueError:
                settings = TrainSettings()
        try:
            session = cls(session_id, limits, loaded.spec, settings)
        except ApiError as exc:  # the file's spec (engine rules, server limits): name the file
            raise ApiError(exc.status, f"file: its spec is refused: {exc.message}", "file",
                           **exc.extra) from exc
        session.file_class_names = list(loaded.class_names or [])[:1024]
        try:
            session.model.set_weights(loaded.weights)
        except ValueError as exc:
            raise ApiError(422, f"file: {exc}", "file") from exc
        session.data, session.training, session.training_problem = session._data_for(
            session.model, session.settings, strict=False)
        return session

    # -- persistence (server.sessions.saving) --------------------------------------------
    def save(self, store: SessionStore) -> None:
        """Write what changed since the last save (one transaction)."""
        saving.save(self, store)

    def save_touch(self, store: SessionStore) -> None:
        """After a read or a forward: the last input if it changed, use at most once a
        minute."""
        saving.save_touch(self, store)

    # -- memory -------------------------------------------------------------------------
    HEAVY = ("table", "spec", "settings", "own", "last_input", "last_label", "model", "data",
             "training", "training_problem", "file_class_names", "_put", "_drop",
             "_drop_prefixes",
             "_save_all_snapshots", "_saved_touch", "_saved_last")

    def unload(self, store: SessionStore) -> None:
        """Save, then let go of the weights, training state, data and own samples (the
        caller holds the lock; no train runs). The object stays (its sockets, lock and
        watchers with it); :meth:`reload` brings the rest back from ``store``."""
        self.save(store)
        self.model = None  # type: ignore[assignment]
        self.data = self.training = self.last_input = None
        self._saved_last = (None, None)
        self.own = OwnSamples()
        self.resident = False
        self.bytes = 0

    def reload(self, store: SessionStore) -> None:
        """Undo :meth:`unload`: read the session back as it was saved."""
        stored = store.load(self.id)
        if stored is None:
            raise ApiError(404, "id: no such session", "id")
        fresh = Session.from_stored(stored, self.limits)
        for name in self.HEAVY:
            setattr(self, name, getattr(fresh, name))
        self.resident = True

    @classmethod
    def from_stored(cls, stored: StoredSession, limits: Settings) -> Session:
        return saving.load(cls, stored, limits)
