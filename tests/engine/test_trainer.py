"""Trainer: stepping by sample/batch/epoch, events, cancel, reproducibility, NaN stop, rewind."""

from __future__ import annotations

import numpy as np
import pytest

from engine.datasets import shapes
from engine.datasets.dataset import Dataset
from engine.history import EpochRecord
from engine.model import build
from engine.optimizers import make_optimizer
from engine.train_events import Cancelled, Diverged, EpochEnd, StepProgress
from engine.trainer import Trainer, batches_left, largest_batch, trace_undone

SPEC = {
    "input": {"channels": 1, "height": 12, "width": 12},
    "layers": [
        {"type": "conv2d", "filters": 4, "kernel": 3, "padding": 1},
        {"type": "relu"},
        {"type": "pool", "mode": "max", "size": 2},
        {"type": "flatten"},
        {"type": "dropout", "rate": 0.2},
        {"type": "dense", "units": 7},
        {"type": "softmax"},
    ],
}


@pytest.fixture(scope="module")
def data() -> tuple[Dataset, Dataset]:
    full = shapes.generate(180, size=12, seed=3)
    return full.subset(np.arange(120)), full.subset(np.arange(120, 180))


def make(data: tuple[Dataset, Dataset], lr: float = 0.05, opt: str = "adam",
         batch_size: int = 16, seed: int = 7) -> Trainer:
    train, val = data
    model = build(SPEC, np.random.default_rng(seed))
    return Trainer(model, make_optimizer(opt, lr), train, val=val, test=val,
                   batch_size=batch_size, seed=seed)


def same_weights(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def test_step_one_sample_changes_weights_and_reports_progress(data):
    tr = make(data)
    before = tr.model.get_weights()
    events = tr.step_samples(1)
    assert len(events) == 1 and isinstance(events[0], StepProgress)
    ev = events[0]
    assert (ev.epoch, ev.batch, ev.batch_size, ev.samples_seen) == (1, 1, 1, 1)
    assert ev.epoch_size == 120 and ev.global_step == 1
    # 119 left at batch 16: 6 batches of 16, then 23 (a remainder of 7 < 8 rides along)
    assert ev.batches_in_epoch == 1 + 7
    assert np.isfinite(ev.loss) and ev.accuracy in (0.0, 1.0)
    assert not same_weights(before, tr.model.get_weights())


@pytest.mark.parametrize(("size", "batch", "expected"), [
    (802, 32, [32] * 24 + [34]),  # a remainder of 2 joins the last batch
    (120, 16, [16] * 7 + [8]),  # half a batch stays a batch of its own
    (121, 16, [16] * 7 + [9]),
    (40, 32, [40]),
    (6, 32, [6]),
    (64, 32, [32, 32]),
])
def test_a_remainder_under_half_a_batch_joins_the_batch_before_it(size, batch, expected):
    images = np.zeros((size, 1, 12, 12), np.float32)
    labels = np.arange(size) % 7
    train = Dataset(images, labels.astype(np.int64), [str(i) for i in range(7)])
    model = build(SPEC, np.random.default_rng(0))
    tr = Trainer(model, make_optimizer("sgd", 0.01), train, batch_size=batch, seed=0)
    progress = [e for e in tr.run_epoch() if isinstance(e, StepProgress)]
    assert [p.batch_size for p in progress] == expected
    assert {p.batches_in_epoch for p in progress} == {len(expected)}
    assert sorted(np.concatenate([p.indices for p in progress]).tolist()) == list(range(size))
    assert max(expected) <= largest_batch(batch)


def test_batches_left_counts_what_the_steps_take():
    """For every remaining count and batch size, stepping batch by batch takes exactly
    batches_left steps, each at most largest_batch samples."""
    for batch in (1, 2, 3, 5, 16, 32):
        for remaining in range(0, 4 * batch + 2):
            steps, left = [], remaining
            while left:
                take = left if 2 * (left - batch) < batch else batch
                steps.append(take)
                left -= take
            assert len(steps) == batches_left(remaining, batch), (remaining, batch)
            assert all(s <= largest_batch(batch) for s in steps)


def test_step_batches_uses_disjoint_samples_in_shuffled_order(data):
    tr = make(data)
    events = tr.step_batches(3)
    assert [e.batch for e in events] == [1, 2, 3]
    idx = np.concatenate([e.indices for e in events])
    assert idx.shape == (48,) and len(set(idx.tolist())) == 48
    assert not np.array_equal(idx, np.arange(48))  # shuffled
    assert events[-1].samples_seen == 48


def test_epoch_yields_one_event_per_batch_then_epoch_end(data):
    tr = make(data)
    events = list(tr.run_epoch())
    progress = [e for e in events if isinstance(e, StepProgress)]
    assert len(progress) == 8  # ceil(120 / 16), the last batch of 8
    assert [p.batch for p in progress] == list(range(1, 9))
    assert all(p.batches_in_epoch == 8 for p in progress)
    assert progress[-1].batch_size == 8 and progress[-1].samples_seen == 120
    assert sorted(np.concatenate([p.indices for p in progress]).tolist()) == list(range(120))
    assert isinstance(events[-1], EpochEnd)
    rec = events[-1].record
    assert tr.history == [rec] and rec.epoch == 1 and rec.samples == 120 and rec.steps == 8
    sizes = np.array([p.batch_size for p in progress])
    losses = np.array([p.loss for p in progress])
    assert rec.train_loss == pytest.approx(float(sizes @ losses) / 120)
    assert rec.train_accuracy == pytest.approx(progress[-1].running_accuracy)
    val = tr.evaluate("val")
    assert rec.val_loss == pytest.approx(val.loss) and rec.val_accuracy == val.accuracy


def test_cancel_between_batches_then_resume_matches_uninterrupted(data):
    tr = make(data)
    calls = {"n": 0}

    def cancel() -> bool:
        calls["n"] += 1
        return calls["n"] > 3  # let three batches through

    events = list(tr.run_epoch(cancel))
    assert [type(e) for e in events] == [StepProgress] * 3 + [Cancelled]
    assert events[-1].batch == 3 and events[-1].samples_seen == 48 and tr.epoch == 0
    rest = list(tr.run_epoch())
    assert [e.batch for e in rest if isinstance(e, StepProgress)] == [4, 5, 6, 7, 8]
    assert isinstance(rest[-1], EpochEnd)

    ref = make(data)
    list(ref.run_epoch())
    assert same_weights(tr.model.get_weights(), ref.model.get_weights())
    assert tr.history == ref.history


def test_closing_the_generator_leaves_a_resumable_state(data):
    tr = make(data)
    gen = tr.run_epoch()
    next(gen), next(gen)
    gen.close()
    list(tr.run_epoch())
    ref = make(data)
    list(ref.run_epoch())
    assert same_weights(tr.model.get_weights(), ref.model.get_weights())


def test_two_trainers_same_seed_are_bit_identical(data):
    a, b = make(data), make(data)
    for tr in (a, b):
        tr.step_samples(5)
        list(tr.run_epoch())
        list(tr.run_epoch())
        tr.step_batches(2)
    assert same_weights(a.model.get_weights(), b.model.get_weights())
    assert a.history == b.history
    c = make(data, seed=8)
    c.step_samples(5)
    assert not same_weights(a.model.get_weights(), c.model.get_weights())


def test_nan_loss_stops_and_keeps_the_weights_from_before_the_step(data):
    tr = make(data, lr=0.05, opt="sgd")
    tr.step_batches(2)
    before = tr.model.get_weights()
    opt_before = tr.optimizer.state_dict()
    # Make the next forward overflow: an absurd first-layer weight gives inf logits.
    w = tr.model.named_params()["conv1.W"]
    w[...] = np.float32(3e38)
    poisoned = tr.model.get_weights()
    events = tr.step_batches(3)
    assert len(events) == 1 and isinstance(events[0], Diverged)
    ev = events[0]
    assert (ev.epoch, ev.batch, ev.global_step) == (1, 3, 3)
    assert ev.cause == "loss" and not np.isfinite(ev.loss)
    assert "epoch 1, batch 3 (step 3)" in ev.message
    assert "learning rate too high (lr=0.05)" in ev.message
    assert same_weights(tr.model.get_weights(), poisoned)  # the step was not applied
    assert tr.global_step == 2 and tr.samples_seen == 32
    tr.model.set_weights(before)
    assert tr.optimizer.state_dict()["t"] == opt_before["t"]


def test_huge_learning_rate_diverges_and_keeps_finite_pre_step_weights(data):
    tr = make(data, lr=1e30, opt="sgd", batch_size=8)
    snapshots = []
    seen = []
    for _ in range(40):
        snapshots.append(tr.model.get_weights())
        events = tr.step_batches(1)
        seen.extend(events)
        if isinstance(events[-1], Diverged):
            break
    ev = seen[-1]
    assert isinstance(ev, Diverged), "lr=1e30 must diverge"
    assert ev.lr == 1e30 and "lr=1e+30" in ev.message
    assert ev.global_step == tr.global_step + 1
    assert same_weights(tr.model.get_weights(), snapshots[-1])
    assert all(np.isfinite(v).all() for v in tr.model.get_weights().values())


def test_run_epoch_stops_at_divergence(data):
    tr = make(data, lr=1e30, opt="sgd")
    events = list(tr.run_epoch())
    assert isinstance(events[-1], Diverged)
    assert not any(isinstance(e, EpochEnd) for e in events)
    assert tr.epoch == 0


def test_rewind_then_train_on_repeats_the_original_run(data):
    tr = make(data)
    for _ in range(3):
        list(tr.run_epoch())
    at3 = tr.model.get_weights()
    hist3 = list(tr.history)
    assert [r.epoch for r in hist3] == [1, 2, 3] and len(tr.snapshots) == 4
    tr.step_batches(2)  # a partial epoch 4 that the rewind discards
    tr.rewind(1)
    assert tr.epoch == 1 and tr.history == hist3[:1] and len(tr.snapshots) == 2
    assert same_weights(tr.model.get_weights(), tr.snapshots[1].weights)
    assert tr.samples_seen == 0
    list(tr.run_epoch())
    list(tr.run_epoch())
    assert same_weights(tr.model.get_weights(), at3)
    assert tr.history == hist3


def test_rewind_to_zero_restores_initial_weights(data):
    tr = make(data)
    init = tr.model.get_weights()
    list(tr.run_epoch())
    tr.rewind(0)
    assert same_weights(tr.model.get_weights(), init) and tr.history == []
    assert tr.global_step == 0 and tr.optimizer.state_dict()["t"] == 0


def test_rewind_keeps_the_current_learning_rate(data):
    tr = make(data, lr=0.05)
    list(tr.run_epoch())
    tr.optimizer.lr = 0.001
    tr.rewind(1)
    assert tr.optimizer.lr == 0.001


@pytest.mark.parametrize("bad", [-1, 2, 1.0, "1"])
def test_rewind_refuses_an_epoch_not_reached(data, bad):
    tr = make(data)
    list(tr.run_epoch())
    with pytest.raises(ValueError, match=r"0\.\.1"):
        tr.rewind(bad)


def test_evaluate_confusion_matrix_and_per_class_accuracy(data):
    tr = make(data)
    list(tr.run_epoch())
    ev = tr.evaluate("test")
    k = data[1].num_classes
    assert ev.confusion.shape == (k, k) and ev.confusion.sum() == len(data[1])
    assert np.array_equal(ev.confusion.sum(axis=1), data[1].counts())
    assert ev.accuracy == pytest.approx(np.trace(ev.confusion) / len(data[1]))
    counts = data[1].counts()
    expected = np.diag(ev.confusion) / np.where(counts > 0, counts, 1)
    assert np.allclose(ev.per_class_accuracy[counts > 0], expected[counts > 0])
    assert ev.class_names == data[1].class_names
    with pytest.raises(ValueError, match="unknown split 'tset'"):
        tr.evaluate("tset")


def test_evaluate_refuses_a_missing_split(data):
    train, _ = data
    model = build(SPEC, np.random.default_rng(0))
    tr = Trainer(model, make_optimizer("sgd", 0.1), train)
    with pytest.raises(ValueError, match="no val split"):
        tr.evaluate("val")
    list(tr.run_epoch())
    assert tr.history[0].val_loss is None


def test_state_dict_round_trip_resumes_mid_epoch_bit_for_bit(data):
    a = make(data)
    list(a.run_epoch())
    a.step_batches(3)
    state = a.state_dict()
    b = make(data, seed=99)  # different init and shuffle: all overwritten by the state
    b.load_state_dict(state)
    for tr in (a, b):
        list(tr.run_epoch())
        list(tr.run_epoch())
    assert same_weights(a.model.get_weights(), b.model.get_weights())
    assert a.history == b.history
    b.rewind(1)
    a.rewind(1)
    assert same_weights(a.model.get_weights(), b.model.get_weights())


def test_state_dict_is_plain_arrays_and_scalars(data):
    tr = make(data)
    tr.step_batches(9)

    def check(v: object) -> None:
        if isinstance(v, dict):
            assert all(isinstance(k, str) for k in v)
            for x in v.values():
                check(x)
        elif isinstance(v, list):
            for x in v:
                check(x)
        else:
            assert v is None or isinstance(v, (np.ndarray, int, float, str, bool)), type(v)

    check(tr.state_dict())


def test_checkpoints_are_taken_within_the_first_epochs(data):
    tr = make(data)
    list(tr.run_epoch())
    assert [c.position for c in tr.checkpoints] == pytest.approx([0.25, 0.5, 0.75], abs=0.07)
    tr.step_batches(2)
    traj = tr.trajectory()
    pos = [c.position for c in traj]
    assert pos == sorted(pos) and pos[0] == 0.0 and 1.0 in pos
    assert pos[-1] == pytest.approx(1 + 32 / 120)
    assert same_weights(traj[-1].weights, tr.model.get_weights())


def test_epoch_record_round_trips():
    rec = EpochRecord(1, 0.5, 0.8, None, None, 3, 40, 3, 0.1)
    assert EpochRecord.from_dict(rec.to_dict()) == rec


def test_bad_arguments_are_named(data):
    train, val = data
    model = build(SPEC, np.random.default_rng(0))
    with pytest.raises(ValueError, match="batch_size"):
        Trainer(model, make_optimizer("sgd", 0.1), train, batch_size=0)
    with pytest.raises(ValueError, match="needs a final sigmoid"):
        Trainer(model, make_optimizer("sgd", 0.1), train, loss="bce")
    wrong = {**SPEC, "layers": SPEC["layers"][:-2] + [{"type": "dense", "units": 5},
                                                      {"type": "softmax"}]}
    with pytest.raises(ValueError, match="data has 7 classes"):
        Trainer(build(wrong, np.random.default_rng(0)), make_optimizer("sgd", 0.1), train)
    other = shapes.generate(12, size=14, seed=0)
    with pytest.raises(ValueError, match=r"val images are \(1, 14, 14\)"):
        Trainer(model, make_optimizer("sgd", 0.1), train, val=other)


def test_training_on_mnist_reduces_the_loss():
    from engine.datasets import mnist

    full = mnist.load_shipped()
    train, test = full.subset(np.arange(600)), full.subset(np.arange(600, 900))
    spec = {"input": {"channels": 1, "height": 28, "width": 28},
            "layers": [{"type": "conv2d", "filters": 4, "kernel": 3, "padding": 1},
                       {"type": "relu"}, {"type": "pool", "mode": "max", "size": 2},
                       {"type": "flatten"}, {"type": "dense", "units": 10},
                       {"type": "softmax"}]}
    model = build(spec, np.random.default_rng(0))
    tr = Trainer(model, make_optimizer("adam", 0.01), train, test=test, batch_size=32, seed=0)
    before = tr.evaluate("test")
    for _ in range(2):
        list(tr.run_epoch())
    after = tr.evaluate("test")
    assert after.loss < 0.6 * before.loss
    assert after.accuracy > 0.6
    assert tr.history[1].train_loss < tr.history[0].train_loss


def test_an_update_that_overflows_is_undone_and_named(data):
    tr = make(data, lr=1e12, opt="sgd")
    # Huge but finite activations: the loss stays finite (saturated softmax), the dense
    # layer's gradient is about 1e28 and lr * gradient overflows float32.
    tr.model.named_params()["conv1.W"][...] *= np.float32(1e28)
    before = tr.model.get_weights()
    events = tr.step_batches(1)
    assert isinstance(events[-1], Diverged)
    ev = events[-1]
    assert ev.cause == "update" and np.isfinite(ev.loss)
    assert "made weights non-finite" in ev.message and "(step 1)" in ev.message
    assert same_weights(tr.model.get_weights(), before)
    assert tr.global_step == 0 and tr.optimizer.state_dict()["t"] == 0


@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_one_sigmoid_unit_trains_on_two_classes(data, loss):
    """Two classes may share one output unit (class 1 when it exceeds 0.5): an epoch runs
    and learns something."""
    train, val = data
    def two(d: Dataset) -> Dataset:
        keep = np.flatnonzero(d.labels < 2)
        return Dataset(d.images[keep], d.labels[keep], d.class_names[:2])
    train2, val2 = two(train), two(val)
    spec = {**SPEC, "layers": [*SPEC["layers"][:-2], {"type": "dense", "units": 1},
                               {"type": "sigmoid"}]}
    model = build(spec, np.random.default_rng(0))
    tr = Trainer(model, make_optimizer("adam", 0.01), train2, val=val2, loss=loss,
                 batch_size=8, seed=0)
    first = tr.evaluate("val").loss
    for _ in range(3):
        events = list(tr.run_epoch())
        assert isinstance(events[-1], EpochEnd)
    assert tr.evaluate("val").loss < first


def test_snapshots_are_thinned_and_a_thinned_epoch_cannot_be_rewound_to(data):
    from engine.snapshots import keeps

    kept_at_250 = [e for e in range(251) if keeps(e, 250)]
    assert kept_at_250 == [0, 100, *range(160, 240, 10), *range(240, 251)]
    for epoch in range(300):  # once dropped, never kept again
        states = [keeps(epoch, latest) for latest in range(epoch, 420)]
        assert states == sorted(states, reverse=True)
    trainer = make(data, batch_size=60)
    weights = {}
    for _ in range(12):
        list(trainer.run_epoch())
        weights[trainer.epoch] = trainer.model.get_weights()
    assert trainer.rewind_epochs() == [0, *range(3, 13)]
    with pytest.raises(ValueError, match="not kept"):
        trainer.rewind(2)
    index = trainer.rewind_epochs().index(5)
    full = trainer.snapshots[index]
    trainer.snapshots[index] = full.light()  # weights only, as the server holds it
    with pytest.raises(ValueError, match="partial"):
        trainer.rewind(5)
    trainer.rewind(5, full)  # the whole one, as read back from disk
    assert same_weights(trainer.model.get_weights(), weights[5])
    assert trainer.rewind_epochs() == [0, 3, 4, 5]
    list(trainer.run_epoch())
    assert same_weights(trainer.model.get_weights(), weights[6])


def test_trace_is_the_trainers_step_undone() -> None:
    """Trainer.trace: the update the trace reports is the one its optimizer made (after -
    before), and afterwards weights, optimizer state and RNGs are as before, so training on
    gives the same bits as a trainer that never traced."""

    def fresh() -> Trainer:
        data = _trace_data()
        model = build(_TRACE_SPEC, np.random.default_rng(1))
        return Trainer(model, make_optimizer("adam", 0.01), data, loss="cross_entropy",
                       batch_size=4, seed=2)

    traced, plain = fresh(), fresh()
    traced.step_batches(2)
    plain.step_batches(2)
    before = traced.state_dict()
    x, y = traced.train.images[:1], traced.train.labels[:1]
    trace, after = traced.trace(x, y)
    for rec in trace.layers:
        if rec.update_W is not None:
            moved = after[f"{rec.name}.W"] - before["weights"][f"{rec.name}.W"]
            np.testing.assert_allclose(moved, rec.update_W, rtol=1e-5, atol=1e-7)
            assert np.any(rec.update_W != 0)
    again = traced.state_dict()
    for name, w in before["weights"].items():
        np.testing.assert_array_equal(again["weights"][name], w)
    assert again["rng"] == before["rng"] and again["model_rng"] == before["model_rng"]
    traced.step_batches(3)
    plain.step_batches(3)
    for name, w in plain.model.get_weights().items():
        np.testing.assert_array_equal(traced.model.get_weights()[name], w)
    # without an optimizer nothing changes either, and no weights are reported
    weights = traced.model.get_weights()
    trace, none = trace_undone(traced.model, x, y, "cross_entropy")
    assert none is None and trace.layers[0].update_W is None
    for name, w in weights.items():
        np.testing.assert_array_equal(traced.model.get_weights()[name], w)


_TRACE_SPEC = {"input": {"channels": 1, "height": 4, "width": 4},
               "layers": [{"type": "flatten"}, {"type": "dense", "units": 3},
                          {"type": "softmax"}]}


def _trace_data() -> Dataset:
    rng = np.random.default_rng(0)
    return Dataset(rng.random((24, 1, 4, 4)).astype(np.float32),
                   rng.integers(0, 3, 24).astype(np.int64), ["a", "b", "c"])
