"""Helpers for talking to the server in tests: decoding tensors, reading WS replies."""

from __future__ import annotations

import io
import json
from typing import Any

import numpy as np

from server.wire.tensors import decode_frame, decode_tensor_json


def tensor(obj: dict[str, Any]) -> np.ndarray:
    return decode_tensor_json(obj)


def weights(client: Any, sid: str) -> dict[str, np.ndarray]:
    """The session's parameters, read from its exported .npz."""
    reply = client.get(f"/api/sessions/{sid}/export.npz")
    assert reply.status_code == 200, reply.text
    with np.load(io.BytesIO(reply.content), allow_pickle=False) as npz:
        return {k: npz[k] for k in npz.files if "." in k}


def same_weights(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def receive_until(ws: Any, seq: int | None, last: tuple[str, ...] = ("done", "error")
                  ) -> tuple[list[dict[str, Any]], list[tuple[dict[str, Any], np.ndarray]]]:
    """Every message up to and including the first of type in ``last`` for ``seq``:
    (JSON messages, decoded binary frames)."""
    messages: list[dict[str, Any]] = []
    frames: list[tuple[dict[str, Any], np.ndarray]] = []
    while True:
        raw = ws.receive()
        if raw.get("type") == "websocket.close":
            raise AssertionError(f"socket closed: {raw}")
        if raw.get("bytes") is not None:
            frames.append(decode_frame(raw["bytes"]))
            continue
        message = json.loads(raw["text"])
        messages.append(message)
        if message.get("seq") == seq and message["type"] in last:
            return messages, frames


def of_type(messages: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [m for m in messages if m["type"] == kind]


def train_epochs(client: Any, session_id: str, count: int = 1) -> list[dict[str, Any]]:
    """Train ``count`` epochs over a WebSocket with probes off; the epoch_end messages."""
    with client.websocket_connect(f"/api/sessions/{session_id}/ws") as ws:
        ws.receive_json()
        ws.send_json({"seq": 0, "cmd": "set_probe_rate", "per_second": 0})
        receive_until(ws, 0)
        ws.send_json({"seq": 1, "cmd": "train", "unit": "epochs", "count": count})
        messages, _ = receive_until(ws, 1)
    return of_type(messages, "epoch_end")


def pixels_of_digit() -> list[float]:
    """A 56x56 drawing of a thick vertical bar (0..255), as a page would send it."""
    img = np.zeros((56, 56))
    img[8:48, 24:32] = 255
    return [float(v) for v in img.ravel()]
