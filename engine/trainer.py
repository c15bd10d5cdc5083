"""The trainer: one primitive step, used for a sample, a batch, or a whole epoch.

A step takes the next ``count`` samples of the current epoch's shuffled order, runs
forward (training mode), the loss, backward and one optimizer update:
``theta <- theta + optimizer.step(grads)``. The order is a permutation of the train split
drawn from the trainer's own ``numpy.random.Generator`` when an epoch starts, so the same
seed (and the same model seed) gives bit-identical weights.

Positions and numbering: ``trainer.epoch`` counts finished epochs; the epoch in progress is
``epoch + 1``. A step never crosses an epoch boundary. The last batch of an epoch takes what
is left, except that a remainder smaller than half a batch joins the batch before it (802
samples at batch 32: 24 batches of 32, then one of 34; 120 at batch 16: 7 of 16, then 8):
a step on two samples at full length lands just before the epoch's validation, its snapshot
and its loss-surface dot, and was measured to take a validation loss from 0.97 to 3.36. So
a batch holds at most ``largest_batch(batch_size)`` samples. When a step consumes the last
sample, the epoch ends: its :class:`EpochRecord` is appended to ``history``, a
:class:`Snapshot` is kept (older ones thinned: :func:`engine.snapshots.keeps`), and the next
step starts a new epoch.

Stopping: ``run_epoch(cancel)`` checks ``cancel()`` between batches; a stopped epoch keeps its
position (order, samples done, running sums) and the next ``step_*`` or ``run_epoch``
resumes where it stopped. ``rewind(e)`` restores the snapshot of the end of epoch ``e``, one
of ``rewind_epochs()`` (weights, optimizer moments, both RNG states), truncates history to
``e`` records and starts epoch ``e + 1`` afresh; training on from there repeats the original
run bit for bit (same learning rate). The current learning rate, weight decay and L1 rate are
kept across a rewind.

Divergence: a step whose loss is NaN/inf, or whose update makes a weight NaN/inf, is undone
(weights, optimizer state and model RNG from before the step) and reported as
:class:`Diverged`; the position stays on that batch.

Trajectory: while fewer than three epochs are finished, ``checkpoints_per_epoch`` weight
checkpoints are also taken inside each epoch (for the loss-surface PCA).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from engine import losses
from engine.datasets.dataset import Dataset
from engine.history import EpochRecord
from engine.metrics import Evaluation, evaluate, predictions
from engine.model import Sequential
from engine.optimizers import Optimizer
from engine.snapshots import Checkpoint, Snapshot, copy_tree, keeps
from engine.trace import StepTrace, trace_step
from engine.train_events import Cancelled, Diverged, EpochEnd, StepProgress, TrainEvent

STATE_VERSION = 1
CHECKPOINT_EPOCHS = 3


class Trainer:
    """Steps ``model`` on ``train`` with ``optimizer``; see the module docstring.

    train/val/test: Datasets (val and test optional). loss: cross_entropy | mse | bce (must
    pair with the model's last layer). batch_size >= 1. seed: the shuffling Generator's seed.
    """

    def __init__(self, model: Sequential, optimizer: Optimizer, train: Dataset,
                 val: Dataset | None = None, test: Dataset | None = None,
                 loss: str = "cross_entropy", batch_size: int = 32, seed: int = 0,
                 checkpoints_per_epoch: int = 4) -> None:
        losses.check_pairing(loss, model.layers[-1].kind)
        if train.regression and loss != "mse":
            raise ValueError(f"real-valued targets need the mse loss, not {loss}")
        if len(train) == 0:
            raise ValueError("the train split is empty: nothing to train on")
        for name, data in (("train", train), ("val", val), ("test", test)):
            if data is not None and data.input_shape != model.input_shape:
                raise ValueError(f"{name} images are {data.input_shape} but the model takes "
                                 f"{model.input_shape}")
        _check_outputs(model, train)
        self.model = model
        self.optimizer = optimizer
        self.train, self.val, self.test = train, val, test
        self.loss = loss
        self.batch_size = _positive_int(batch_size, "batch_size")
        self.checkpoints_per_epoch = _positive_int(checkpoints_per_epoch,
                                                   "checkpoints_per_epoch")
        self.seed = int(seed)
        self.rng = np.random.default_rng(self.seed)
        self.epoch = 0
        self.global_step = 0
        self.history: list[EpochRecord] = []
        self.checkpoints: list[Checkpoint] = []
        self._reset_position()
        self.snapshots: list[Snapshot] = [self._snapshot()]

    # -- position -------------------------------------------------------------------------
    def _reset_position(self) -> None:
        self._order: np.ndarray | None = None
        self._cursor = 0
        self._steps = 0
        self._loss_sum = 0.0
        self._correct = 0

    @property
    def epoch_size(self) -> int:
        return len(self.train)

    @property
    def samples_seen(self) -> int:
        """Samples of the epoch in progress already trained on."""
        return self._cursor

    def _order_now(self) -> np.ndarray:
        if self._order is None:
            self._order = self.rng.permutation(self.epoch_size)
        return self._order

    def _batches_in_epoch(self) -> int:
        return self._steps + batches_left(self.epoch_size - self._cursor, self.batch_size)

    def _next_batch(self) -> int:
        """Samples in the next batch: ``batch_size``, or all that is left when the rest would
        be a remainder of less than half a batch (or when fewer than a batch are left)."""
        remaining = self.epoch_size - self._cursor
        leftover = remaining - self.batch_size
        return remaining if 2 * leftover < self.batch_size else self.batch_size

    # -- snapshots ------------------------------------------------------------------------
    def _snapshot(self) -> Snapshot:
        return Snapshot(epoch=self.epoch, global_step=self.global_step,
                        weights=self.model.get_weights(),
                        optimizer=self.optimizer.state_dict(),
                        rng=dict(self.rng.bit_generator.state),
                        model_rng=dict(self.model.rng.bit_generator.state))

    def _save_before_step(self) -> _Saved:
        return _save(self.model, self.optimizer)

    def _undo_step(self, saved: _Saved) -> None:
        _undo(self.model, self.optimizer, saved)

    def trace(self, x: np.ndarray, y: np.ndarray) -> tuple[StepTrace, dict[str, np.ndarray]]:
        """One traced step of this trainer's loss and optimizer on ``x`` ``(N, C, H, W)``,
        ``y`` (labels ``(N,)`` or targets ``(N, T)``), then undone as a diverged step is:
        weights, optimizer state and model RNG as before, so training goes on exactly as if
        it had not run. Returns the trace and the weights the update reached."""
        trace, after = trace_undone(self.model, x, y, self.loss, self.optimizer)
        assert after is not None  # an optimizer was given
        return trace, after

    def _maybe_checkpoint(self, before: int) -> None:
        if self.epoch >= CHECKPOINT_EPOCHS or self._cursor >= self.epoch_size:
            return
        k, n = self.checkpoints_per_epoch, self.epoch_size
        if (self._cursor * k) // n > (before * k) // n:
            self.checkpoints.append(Checkpoint(self.epoch + self._cursor / n,
                                               self.model.get_weights()))

    # -- the primitive --------------------------------------------------------------------
    def _step(self, count: int) -> list[TrainEvent]:
        """Train on the next ``count`` samples (fewer at the epoch's end) as one batch."""
        order = self._order_now()
        start = self._cursor
        idx = order[start:start + count]
        x, y = self.train.images[idx], self.train.y(idx)
        saved = self._save_before_step()
        with np.errstate(over="ignore", invalid="ignore"):  # divergence is checked below
            out = self.model.forward(x, training=True)
            loss, dout = losses.loss_and_grad(self.loss, out, y, logits=self.model.logits)
            if not np.isfinite(loss):
                self._undo_step(saved)
                return [self._diverged(loss, "loss")]
            self.model.backward(dout, loss=self.loss)
            self.model.release_caches()  # the batch's activations are not needed any more
            self.optimizer.step(self.model.trainable_params(), self.model.named_grads())
        if not all(np.isfinite(v).all() for v in self.model.trainable_params().values()):
            self._undo_step(saved)
            return [self._diverged(loss, "update")]
        right = None if self.train.regression else int(
            np.count_nonzero(predictions(out) == y))
        return self._advance(idx, loss, right, grad_sizes(self.model))

    def _advance(self, idx: np.ndarray, loss: float, right: int | None,
                 sizes: dict[str, float]) -> list[TrainEvent]:
        before = self._cursor
        n = idx.shape[0]
        self._cursor += n
        self._steps += 1
        self.global_step += 1
        self._loss_sum += loss * n
        self._correct += right or 0
        regression = right is None
        events: list[TrainEvent] = [StepProgress(
            epoch=self.epoch + 1, batch=self._steps, batches_in_epoch=self._batches_in_epoch(),
            batch_size=n, loss=float(loss), accuracy=None if right is None else right / n,
            running_loss=self._loss_sum / self._cursor,
            running_accuracy=None if regression else self._correct / self._cursor,
            samples_seen=self._cursor, epoch_size=self.epoch_size,
            global_step=self.global_step, indices=idx.copy(), grad_sizes=sizes)]
        self._maybe_checkpoint(before)
        if self._cursor >= self.epoch_size:
            events.append(EpochEnd(self._finish_epoch()))
        return events

    def _finish_epoch(self) -> EpochRecord:
        val = self.evaluate("val") if self.val is not None else None
        record = EpochRecord(
            epoch=self.epoch + 1, train_loss=self._loss_sum / self._cursor,
            train_accuracy=None if self.train.regression else self._correct / self._cursor,
            val_loss=val.loss if val else None, val_accuracy=val.accuracy if val else None,
            steps=self._steps, samples=self._cursor, global_step=self.global_step,
            lr=self.optimizer.lr, train_rmse=losses.rmse(self.loss, self._loss_sum / self._cursor),
            val_rmse=val.rmse if val else None)
        self.history.append(record)
        self.epoch += 1
        self._reset_position()
        self.snapshots.append(self._snapshot())
        self.snapshots = [s for s in self.snapshots if keeps(s.epoch, self.epoch)]
        return record

    def _diverged(self, loss: float, cause: str) -> Diverged:
        lr = self.optimizer.lr
        epoch, batch, step = self.epoch + 1, self._steps + 1, self.global_step + 1
        what = (f"the loss became {loss}" if cause == "loss"
                else f"the update after loss {loss:.4g} made weights non-finite")
        message = (f"training stopped at epoch {epoch}, batch {batch} (step {step}): {what}. "
                   f"Likely cause: learning rate too high (lr={lr:g}); try a smaller one. "
                   f"The weights from before this step are kept.")
        return Diverged(epoch=epoch, batch=batch, global_step=step, loss=float(loss), lr=lr,
                        cause=cause, message=message)

    # -- public stepping ------------------------------------------------------------------
    def step_samples(self, n: int = 1) -> list[TrainEvent]:
        """``n`` steps of one sample each; stops early (last event Diverged) on divergence."""
        return self._repeat(_positive_int(n, "n"), 1)

    def step_batches(self, n: int = 1) -> list[TrainEvent]:
        """``n`` steps of a batch each (``batch_size`` samples; an epoch's last batch takes
        what is left, see the module docstring)."""
        return self._repeat(_positive_int(n, "n"), None)

    def _repeat(self, n: int, count: int | None) -> list[TrainEvent]:
        """``n`` steps of ``count`` samples, or of the next batch when ``count`` is None."""
        events: list[TrainEvent] = []
        for _ in range(n):
            events.extend(self._step(self._next_batch() if count is None else count))
            if isinstance(events[-1], Diverged):
                break
        return events

    def run_epoch(self, cancel: Callable[[], bool] | None = None) -> Iterator[TrainEvent]:
        """Finish the epoch in progress batch by batch, yielding every event.

        Ends after :class:`EpochEnd`, or after :class:`Diverged`, or with :class:`Cancelled`
        when ``cancel()`` turns true between two batches (position kept: resumable). Closing
        the generator between events is equally safe.
        """
        target = self.epoch + 1
        while self.epoch < target:
            if cancel is not None and cancel():
                yield Cancelled(epoch=self.epoch + 1, batch=self._steps,
                                samples_seen=self._cursor, epoch_size=self.epoch_size,
                                message=f"stopped after batch {self._steps} of epoch "
                                        f"{self.epoch + 1}; training resumes from here")
                return
            for event in self._step(self._next_batch()):
                yield event
                if isinstance(event, Diverged):
                    return

    # -- evaluation -----------------------------------------------------------------------
    def evaluate(self, which: str | Dataset = "test") -> Evaluation:
        """Loss, accuracy, confusion matrix and per-class accuracy on train|val|test or a
        Dataset, with the current weights in inference mode."""
        if isinstance(which, Dataset):
            return evaluate(self.model, which, self.loss, "dataset")
        data = {"train": self.train, "val": self.val, "test": self.test}.get(which, "unknown")
        if data == "unknown":
            raise ValueError(f"unknown split {which!r} (train, val or test)")
        if data is None:
            raise ValueError(f"there is no {which} split to evaluate")
        assert isinstance(data, Dataset)
        return evaluate(self.model, data, self.loss, which)

    # -- rewind ---------------------------------------------------------------------------
    def rewind_epochs(self) -> list[int]:
        """The epochs whose snapshot is kept (see :func:`engine.snapshots.keeps`), oldest
        first: those :meth:`rewind` can go back to."""
        return [s.epoch for s in self.snapshots]

    def rewind(self, epoch: int, full: Snapshot | None = None) -> None:
        """Go back to the end of ``epoch`` (0 = the initial weights); see the module doc.
        ``full``: the whole snapshot of ``epoch`` when the one held is partial."""
        if not isinstance(epoch, (int, np.integer)) or not 0 <= epoch <= self.epoch:
            raise ValueError(f"can rewind to an epoch in 0..{self.epoch}, got {epoch!r}")
        held = {s.epoch: s for s in self.snapshots}
        if int(epoch) not in held:
            raise ValueError(f"epoch {epoch}'s snapshot is not kept; can rewind to "
                             f"{', '.join(map(str, held))}")
        snap = full if full is not None else held[int(epoch)]
        if snap.partial or snap.epoch != epoch:
            raise ValueError(f"the snapshot of epoch {epoch} held here is partial; pass the "
                             "whole one")
        self.model.set_weights(snap.weights)
        self._restore_optimizer(snap.optimizer)
        self.rng.bit_generator.state = copy_tree(snap.rng)
        self.model.rng.bit_generator.state = copy_tree(snap.model_rng)
        self.model.zero_grad()
        self.epoch = snap.epoch
        self.global_step = snap.global_step
        self.history = self.history[:snap.epoch]
        self.snapshots = [s for s in self.snapshots if s.epoch < snap.epoch] + [snap]
        self.checkpoints = [c for c in self.checkpoints if c.position < snap.epoch]
        self._reset_position()

    def _restore_optimizer(self, state: dict[str, Any]) -> None:
        """Moments and step count from ``state``; the current lr/weight decay stay. A state
        of another optimizer kind is dropped (fresh moments)."""
        lr, wd, l1 = self.optimizer.lr, self.optimizer.weight_decay, self.optimizer.l1
        if state.get("name") == self.optimizer.name:
            self.optimizer.load_state_dict(copy_tree(state))
        else:
            self.optimizer.slots, self.optimizer.t = {}, 0
        self.optimizer.lr, self.optimizer.weight_decay, self.optimizer.l1 = lr, wd, l1

    # -- trajectory -----------------------------------------------------------------------
    def trajectory(self) -> list[Checkpoint]:
        """Weights along training, oldest first: every epoch snapshot (positions 0, 1, ...);
        while fewer than three epochs are finished also the within-epoch checkpoints, and
        the current weights when an epoch is in progress."""
        points = [Checkpoint(float(s.epoch), s.weights) for s in self.snapshots]
        if self.epoch < CHECKPOINT_EPOCHS:
            points += self.checkpoints
        if self._cursor > 0:
            points.append(Checkpoint(self.epoch + self._cursor / self.epoch_size,
                                     self.model.get_weights()))
        return sorted(points, key=lambda c: c.position)

    # -- persistence ----------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """Everything to resume training: plain ndarrays and JSON-able scalars (copies).

        Not included: the datasets and the architecture (persisted by their owners)."""
        return {
            "version": STATE_VERSION, "loss": self.loss, "batch_size": self.batch_size,
            "seed": self.seed, "checkpoints_per_epoch": self.checkpoints_per_epoch,
            "epoch": self.epoch, "global_step": self.global_step,
            "weights": self.model.get_weights(), "optimizer": self.optimizer.state_dict(),
            "rng": self.rng.bit_generator.state,
            "model_rng": self.model.rng.bit_generator.state,
            "position": {"order": None if self._order is None else self._order.copy(),
                         "cursor": self._cursor, "steps": self._steps,
                         "loss_sum": self._loss_sum, "correct": self._correct},
            "history": [r.to_dict() for r in self.history],
            "snapshots": [s.to_plain() for s in self.snapshots],
            "checkpoints": [c.to_plain() for c in self.checkpoints],
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore :meth:`state_dict` output (ValueError if it does not fit this trainer)."""
        if state.get("version") != STATE_VERSION:
            raise ValueError(f"trainer state version {state.get('version')!r} is not "
                             f"{STATE_VERSION}")
        pos = state["position"]
        order = pos["order"]
        if order is not None and np.asarray(order).shape != (self.epoch_size,):
            raise ValueError(f"saved epoch order covers {np.asarray(order).shape[0]} samples "
                             f"but the train split has {self.epoch_size}")
        self.model.set_weights(state["weights"])
        self.optimizer.load_state_dict(copy_tree(state["optimizer"]))
        self.loss = state["loss"]
        self.batch_size = _positive_int(state["batch_size"], "batch_size")
        self.seed = int(state["seed"])
        self.checkpoints_per_epoch = int(state["checkpoints_per_epoch"])
        self.rng.bit_generator.state = copy_tree(state["rng"])
        self.model.rng.bit_generator.state = copy_tree(state["model_rng"])
        self.epoch, self.global_step = int(state["epoch"]), int(state["global_step"])
        self._order = None if order is None else np.array(order, dtype=np.int64)
        self._cursor, self._steps = int(pos["cursor"]), int(pos["steps"])
        self._loss_sum, self._correct = float(pos["loss_sum"]), int(pos["correct"])
        self.history = [EpochRecord.from_dict(r, self.loss) for r in state["history"]]
        self.snapshots = [Snapshot.from_plain(s) for s in state["snapshots"]
                          if keeps(int(s["epoch"]), self.epoch)]
        self.checkpoints = [Checkpoint.from_plain(c) for c in state["checkpoints"]]


_Saved = tuple[dict[str, np.ndarray], dict[str, Any] | None, Any]


def _save(model: Sequential, optimizer: Optimizer | None) -> _Saved:
    """What a step changes: the weights, the optimizer's state and the model's RNG."""
    return (model.get_weights(), optimizer.state_dict() if optimizer is not None else None,
            model.rng.bit_generator.state)


def _undo(model: Sequential, optimizer: Optimizer | None, saved: _Saved) -> None:
    """Put back what :func:`_save` saved, and clear the gradients."""
    weights, opt_state, model_rng = saved
    if optimizer is not None and opt_state is not None:
        model.set_weights(weights)
        optimizer.load_state_dict(opt_state)
    model.rng.bit_generator.state = model_rng
    model.zero_grad()


def trace_undone(model: Sequential, x: np.ndarray, y: np.ndarray, loss: str,
                 optimizer: Optimizer | None = None,
                 ) -> tuple[StepTrace, dict[str, np.ndarray] | None]:
    """:func:`engine.trace.trace_step` (with one ``optimizer`` update when given), then the
    model and optimizer as they were (weights, optimizer state, model RNG; gradients
    cleared). Returns the trace and the weights the update reached (None without one)."""
    saved = _save(model, optimizer)
    try:
        trace = trace_step(model, x, y, loss, optimizer)
        after = model.get_weights() if optimizer is not None else None
    finally:
        _undo(model, optimizer, saved)
    return trace, after


def largest_batch(batch_size: int) -> int:
    """The most samples one batch step can take: ``batch_size`` plus a remainder of less
    than half a batch, ``batch_size + (batch_size - 1) // 2``."""
    return batch_size + (batch_size - 1) // 2


def batches_left(remaining: int, batch_size: int) -> int:
    """Batch steps that ``remaining`` samples of an epoch take (a remainder of less than
    half a batch rides with the batch before it)."""
    full, rest = divmod(remaining, batch_size)
    if full == 0:
        return int(rest > 0)
    return full + int(2 * rest >= batch_size)


def grad_sizes(model: Sequential) -> dict[str, float]:
    """``{layer: mean |dL/dW|}`` of every trainable layer with weights, from the gradients
    the last backward left (the loss's own gradient, before any regularisation)."""
    return {name[:-2]: float(np.mean(np.abs(g)))
            for name, g in model.named_grads().items() if name.endswith(".W")}


def _check_outputs(model: Sequential, train: Dataset) -> None:
    """The model must output one score per class (or a single one for two classes); for
    regression, one number per target."""
    out = model.shapes[-1]
    if train.targets is not None:
        t = train.targets.shape[1]
        if tuple(out) != (t,):
            raise ValueError(f"the model outputs {out} but the data has {t} real-valued "
                             f"target{'s' if t > 1 else ''}; the last dense layer needs "
                             f"{t} unit{'s' if t > 1 else ''}")
        return
    k = train.num_classes
    if len(out) != 1 or not (out[0] == k or (out[0] == 1 and k == 2)):
        raise ValueError(f"the model outputs {out} but the data has {k} classes "
                         f"({', '.join(train.class_names)}); the last dense layer needs "
                         f"{k} units")


def _positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)
