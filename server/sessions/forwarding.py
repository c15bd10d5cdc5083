"""One input through a session's network: the forward reply (every layer's output, the
prediction), and the input a cell's arithmetic is shown on."""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.metrics import predictions
from engine.model import to_public
from engine.trace import softmax_cell_of
from server.errors import ApiError
from server.sessions.session import Session
from server.sessions.strict_model import SampleRef
from server.wire.forward import forward_json


def forward_gray(session: Session, gray: np.ndarray, field: str = "pixels") -> dict[str, Any]:
    """A drawing or upload (gray, RGB or RGBA), preprocessed to fit the network."""
    return _forward(session, session.drawing_input(gray, field))


def forward_sample(session: Session, ref: SampleRef) -> dict[str, Any]:
    image, label = session.sample_image(ref)
    return {**_forward(session, image, label), "true_label": label}


def forward_input(session: Session, x: np.ndarray) -> dict[str, Any]:
    """The forward reply for one input ``x`` of the model's input shape, as it is."""
    return _forward(session, np.asarray(x, dtype=np.float32))


def _forward(session: Session, x: np.ndarray, label: int | None = None) -> dict[str, Any]:
    """The forward reply; ``x`` (and its true ``label``, None for a drawing, an upload or
    typed values) become the session's last input. The network runs once."""
    model = session.model
    acts = model.run_forward(x[None], training=False)
    outputs = [np.asarray(to_public(a))[0] for a in acts[1:]]
    scores = np.asarray(outputs[-1], dtype=np.float64).reshape(-1)
    is_prob = model.layers[-1].kind in ("softmax", "sigmoid")
    if not np.all(np.isfinite(scores)):
        raise ApiError(422, "spec: the network's output is not finite for this input",
                       "spec")
    session.last_input = x  # only a forward that answered becomes the last input
    session.last_label = label
    prediction = int(predictions(scores.reshape(1, -1))[0])
    softmax = softmax_cell_of(model, acts) if model.layers[-1].kind == "softmax" else None
    return forward_json(x, model.layers, outputs, scores, prediction,
                        session.state_class_names(), is_prob, softmax)


def cell_input(session: Session, source: str) -> np.ndarray:
    """``last`` (the last input forwarded) or ``sample:<index>`` (of the val split)."""
    if source == "last":
        if session.last_input is None:
            raise ApiError(422, "query.input: nothing has been forwarded yet; forward an "
                           "image first or use input=sample:<index>", "query.input")
        return session.last_input
    if source.startswith("sample:") and source[7:].isdigit():
        return session.sample_image(SampleRef(split="val", index=int(source[7:])),
                                    "query.input")[0]
    raise ApiError(422, "query.input: must be last or sample:<index>", "query.input")
