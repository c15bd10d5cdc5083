"""A traced training step of one sample, encoded as binary tensor frames (docs/protocol.md).

The engine's ``trace_step`` does the work; this module picks the sample, keeps the session
untouched (an optional update is the trainer's own, undone by it: ``Trainer.trace``; without
one, ``engine.trainer.trace_undone`` puts the model's RNG back so probes never change what
training does) and encodes the records.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import numpy as np

from engine.metrics import predictions
from engine.trace import dead_relu_fractions, never_fired
from engine.trainer import trace_undone
from server.errors import ApiError
from server.sessions.layer_names import layer_named
from server.sessions.session import Session
from server.sessions.strict_model import SampleRef
from server.wire.tensors import finite_or_none, tensor_frame

# The kinds of tensor a trace sends (docs/protocol.md, "Binary frames"), the one list of
# them: run_trace sends these and nothing else, and the trace/set_probe_rate commands filter
# by them (server.http.schemas.commands).
Kind = Literal["input", "output", "pre_activation", "grad_output", "W", "b", "grad_W",
               "grad_b", "update_W", "update_b", "W_after", "b_after"]
KINDS: tuple[str, ...] = get_args(Kind)
ALL_KINDS = KINDS
PROBE_KINDS = ("input", "output", "pre_activation", "grad_output", "grad_W", "grad_b")
_ids = itertools.count(1)


@dataclass
class TraceRequest:
    sample: str | SampleRef = "last"
    label: int | None = None
    layers: list[str] | None = None
    kinds: tuple[str, ...] = ALL_KINDS
    dtype: str = "float32"
    with_update: bool = True
    probe: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def check_layers(session: Session, layers: list[str] | None) -> None:
    """422 naming ``layers`` when one is not a layer of the session's network."""
    if layers is None:
        return
    for name in layers:
        layer_named(session.model, name, "layers")


def check_probe(session: Session, sample: SampleRef | None, layers: list[str] | None) -> None:
    """What ``set_probe_rate`` names must exist (the probe runs later, during a train).
    Reads names and sizes only, so it needs no lock and answers at once while a train runs
    (which keeps the spec and data as they are)."""
    check_layers(session, layers)
    if sample is not None:
        session.check_sample(sample)


def _pick(session: Session, req: TraceRequest) -> tuple[np.ndarray, int]:
    """(input, label the loss is for): the request's label, else the sample's true label. A
    drawing or upload has none: the caller must name one (never the network's own guess,
    which would make every step reinforce the prediction, right or wrong)."""
    if req.sample == "last":
        if session.last_input is None:
            raise ApiError(422, "sample: nothing has been forwarded yet; forward an image or "
                           "name a dataset sample", "sample")
        x = session.last_input
        if req.label is not None:
            return x, req.label
        if session.last_label is None:
            raise ApiError(422, "label: the last input is a drawing or an upload, which has "
                           "no true label; name the label the loss is for", "label")
        return x, session.last_label
    assert isinstance(req.sample, SampleRef)
    x, y = session.sample_image(req.sample)
    return x, (req.label if req.label is not None else y)


def _regression_target(session: Session, req: TraceRequest) -> np.ndarray | None:
    """(1, T) the sample's real-valued target when the session's data is regression (the
    lab's plane and gmm sets; the last forwarded input: the model's own output, loss 0)."""
    data = session.data
    if data is None or not data.train.regression:
        return None
    if isinstance(req.sample, SampleRef):
        session.check_sample(req.sample)
        targets = data.part(req.sample.split).targets
        assert targets is not None
        return np.asarray(targets[req.sample.index:req.sample.index + 1], dtype=np.float32)
    assert session.last_input is not None
    return np.asarray(session.model.forward(session.last_input[None]), dtype=np.float32)


def run_trace(session: Session, req: TraceRequest, seq: int | None) -> tuple[list[bytes],
                                                                             dict[str, Any]]:
    """(tensor frames, the closing ``trace`` message); call under the session lock."""
    model = session.model
    check_layers(session, req.layers)
    x, label = _pick(session, req)
    target = _regression_target(session, req)
    n_classes = len(session.state_class_names())
    if target is None and n_classes and not 0 <= label < n_classes:
        raise ApiError(422, f"label: {label} is outside 0..{n_classes - 1}", "label")
    y = target if target is not None else np.array([label], dtype=np.int64)
    training = session.training
    after: dict[str, np.ndarray] | None
    if req.with_update and training is not None:  # the trainer's own step, then undone
        trace, after = training.trainer.trace(x[None], y)
    else:  # no update: the model's RNG and gradients as they were
        trace, after = trace_undone(model, x[None], y, session.settings.loss)
    before = model.get_weights()  # as they were before the step: it has been undone
    loss = finite_or_none(trace.loss)
    trace_id = next(_ids)
    base = {"seq": seq, "type": "tensor", "trace_id": trace_id}
    wanted = set(req.kinds)
    frames: list[bytes] = []

    def add(layer: str, kind: str, array: np.ndarray | None) -> None:
        assert kind in KINDS, kind  # what the commands' kinds filter accepts
        if array is None or kind not in wanted:
            return
        if not np.all(np.isfinite(array)):
            return  # a non-finite tensor is reported by the trace message's loss, not sent
        frames.append(tensor_frame({**base, "name": f"{layer}.{kind}", "layer": layer,
                                    "kind": kind}, array, req.dtype))

    add("input", "input", x)
    for rec in trace.layers:
        if req.layers is not None and rec.name not in req.layers:
            continue
        add(rec.name, "output", rec.output[0])
        add(rec.name, "pre_activation", None if rec.pre_activation is None
            else rec.pre_activation[0])
        add(rec.name, "grad_output", None if rec.grad_output is None else rec.grad_output[0])
        for p in ("W", "b"):
            key = f"{rec.name}.{p}"
            if key in before:
                add(rec.name, p, before[key])
                if after is not None:
                    add(rec.name, f"{p}_after", after[key])
        add(rec.name, "grad_W", rec.grad_W)
        add(rec.name, "grad_b", rec.grad_b)
        add(rec.name, "update_W", rec.update_W)
        add(rec.name, "update_b", rec.update_b)
    out = trace.layers[-1].output
    message = {
        "seq": seq, "type": "trace", "trace_id": trace_id, "probe": req.probe, "loss": loss,
        "label": None if target is not None else label,
        "target": None if target is None else [float(v) for v in target[0]],
        "prediction": int(predictions(out.reshape(1, -1))[0]),
        "layers": [{"name": rec.name, "type": rec.kind} for rec in trace.layers],
        "tensors": len(frames), **req.extra,
    }
    if not req.probe:  # a whole batch's forward is too dear to repeat on every probe
        batch, source = _dead_batch(session, x)
        message["dead"] = dead_relu_fractions(model, batch)
        message["dead_batch"] = {"source": source, "size": int(batch.shape[0])}
    return frames, message


def _dead_batch(session: Session, x: np.ndarray) -> tuple[np.ndarray, str]:
    """The batch dead ReLUs are counted on, at the current weights: the last batch trained
    on ("last_batch"), else the first ``batch_size`` train images ("first_batch"), else the
    traced input alone ("sample", a session without data)."""
    training = session.training
    if training is None:
        return x[None], "sample"
    images = training.trainer.train.images
    if training.last_batch is not None:
        return images[training.last_batch], "last_batch"
    return images[:training.trainer.batch_size], "first_batch"


def dead_units(session: Session) -> dict[str, Any]:
    """Which ReLU maps and units never fire, on the batch ``_dead_batch`` picks, at the current
    weights: per relu/leaky_relu layer its ``fraction`` of dead units, per channel (a map, or
    one unit of a vector) the fraction of its units that are dead, and ``dead``: the channels
    dead at every position. Call under the session lock."""
    x = session.last_input
    if x is None:
        x = np.zeros(session.model.input_shape, dtype=np.float32)
    batch, source = _dead_batch(session, x)
    layers = []
    kinds = {ly.name: ly.kind for ly in session.model.layers}
    for name, dead in never_fired(session.model, batch).items():
        per = dead.reshape(dead.shape[0], -1).mean(axis=1)
        layers.append({"name": name, "type": kinds[name], "shape": list(dead.shape),
                       "fraction": float(dead.mean()), "channels": [float(v) for v in per],
                       "dead": [int(c) for c in np.flatnonzero(per == 1.0)]})
    return {"batch": {"source": source, "size": int(batch.shape[0])}, "layers": layers}
