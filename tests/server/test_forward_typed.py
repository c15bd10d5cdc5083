"""Every input the spec accepts can be fed: typed values (any reals), drawings and uploads of
any size and channel count (issue 11 item 6), and the textbook's small examples."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest
from PIL import Image

from tests.server.helpers import tensor

# A 4x4 image and the vertical Sobel kernel: the classic 2x2 map [[29, -192], [-35, -22]].
IMAGE = [[0, 50, 0, 29], [0, 80, 31, 2], [33, 90, 0, 75], [0, 9, 0, 95]]
SOBEL = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
# A 4x4 whose top-left 2x2 window (1, 0, 4, 6) averages 2.75 and has the maximum 6.
POOLED = [[1, 0, 2, 3], [4, 6, 6, 8], [3, 1, 1, 0], [1, 2, 2, 4]]
LOGITS = [2.5, 1.8, 0.2]


def own_session(client: Any, spec: dict[str, Any]) -> str:
    reply = client.post("/api/sessions", json={"spec": spec, "settings": {"dataset": "own"}})
    assert reply.status_code == 201, reply.text
    return reply.json()["id"]


def spec_of(c: int, h: int, w: int, *layers: dict[str, Any]) -> dict[str, Any]:
    return {"input": {"channels": c, "height": h, "width": w}, "layers": list(layers)}


def forward(client: Any, sid: str, **body: Any) -> Any:
    return client.post(f"/api/sessions/{sid}/forward", json=body)


def reference_conv(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    k = kernel.shape[0]
    n = image.shape[0] - k + 1
    return np.array([[(image[r:r + k, c:c + k] * kernel).sum() for c in range(n)]
                     for r in range(n)])


def test_typed_4x4_through_a_typed_3x3_kernel_gives_the_2x2_map(client):
    sid = own_session(client, spec_of(1, 4, 4, {"type": "conv2d", "filters": 1, "kernel": 3,
                                                "padding": 0}, {"type": "flatten"},
                                      {"type": "softmax"}))
    reply = client.put(f"/api/sessions/{sid}/params/conv1", json={"W": [[SOBEL]], "b": [0]})
    assert reply.status_code == 200, reply.text
    values = np.array(IMAGE, dtype=float)
    reply = forward(client, sid, input={"values": values.ravel().tolist(), "shape": [1, 4, 4]})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    np.testing.assert_array_equal(tensor(body["preprocessed"])[0], values)  # fed as it is
    conv = tensor(body["layers"][0]["output"])[0]
    expected = reference_conv(values, np.array(SOBEL, dtype=float))
    np.testing.assert_allclose(conv, expected, atol=1e-4)
    assert expected.tolist() == [[29, -192], [-35, -22]]
    cell = client.get(f"/api/sessions/{sid}/cell",
                      params={"layer": "conv1", "channel": 0, "row": 0, "col": 1}).json()
    assert np.allclose(tensor(cell["products"])[0], values[0:3, 1:4] * np.array(SOBEL))
    assert cell["result"] == pytest.approx(-192, abs=1e-4)


@pytest.mark.parametrize(("mode", "value"), [("avg", 2.75), ("max", 6.0)])
def test_typed_4x4_pooled(client, mode, value):
    sid = own_session(client, spec_of(1, 4, 4, {"type": "pool", "mode": mode, "size": 2},
                                      {"type": "flatten"}, {"type": "softmax"}))
    values = np.array(POOLED, dtype=float)
    reply = forward(client, sid, input={"values": values.ravel().tolist()})
    assert reply.status_code == 200, reply.text
    pooled = tensor(reply.json()["layers"][0]["output"])[0]
    window = values[0:2, 0:2]
    assert pooled[0, 0] == pytest.approx(window.mean() if mode == "avg" else window.max())
    assert pooled[0, 0] == pytest.approx(value)
    cell = client.get(f"/api/sessions/{sid}/cell",
                      params={"layer": "pool1", "channel": 0, "row": 0, "col": 0}).json()
    assert cell["result"] == pytest.approx(value)


def test_typed_logits_through_softmax(client):
    sid = own_session(client, spec_of(3, 1, 1, {"type": "flatten"}, {"type": "softmax"}))
    reply = forward(client, sid, input={"values": LOGITS, "shape": [3, 1, 1]})
    assert reply.status_code == 200, reply.text
    probs = np.array(reply.json()["probabilities"])
    exps = np.exp(np.array(LOGITS))
    np.testing.assert_allclose(probs, exps / exps.sum(), rtol=1e-6)
    assert [round(p, 2) for p in probs] == [0.63, 0.31, 0.06]
    assert reply.json()["softmax"]["logits"] == pytest.approx(LOGITS)


def test_negative_and_large_typed_values_are_fed_as_they_are(client):
    sid = own_session(client, spec_of(1, 1, 2, {"type": "flatten"}, {"type": "dense",
                                                                       "units": 2}))
    reply = forward(client, sid, input={"values": [-3.5, 1234.25]})
    assert reply.status_code == 200, reply.text
    assert tensor(reply.json()["preprocessed"]).ravel().tolist() == [-3.5, 1234.25]


def test_typed_input_refusals_name_the_field(tmp_path):
    from fastapi.testclient import TestClient

    from server.http.app import create_app
    from tests.server.conftest import app_settings

    client = TestClient(create_app(app_settings(data_dir=tmp_path, max_image_pixels=20)))
    sid = own_session(client, spec_of(1, 4, 4, {"type": "flatten"}, {"type": "dense",
                                                                       "units": 2}))
    ok = [0.5] * 16
    cases = [
        ({"input": {"values": ok, "shape": [1, 2, 8]}}, 422, "input.shape"),
        ({"input": {"values": ok, "shape": [16]}}, 422, "input.shape"),
        ({"input": {"values": ok[:15]}}, 422, "input.values"),
        ({"input": {"values": ok + [1.0]}}, 422, "input.values"),
        ({"input": {"values": [0.0] * 21}}, 413, "input.values"),
        ({"input": {"values": ok[:15] + [1e7]}}, 422, "input.values"),
        ({"input": {"values": []}}, 422, "input.values"),
        ({"input": {"values": ok[:15] + ["1"]}}, 422, "input.values.15"),
        ({"input": {"values": ok}, "sample": {"split": "val", "index": 0}}, 422, "body"),
        ({"input": {"values": ok}, "pixels": ok, "width": 4, "height": 4}, 422, "body"),
        ({"input": {"values": ok, "extra": 1}}, 422, "input.extra"),
    ]
    for body, status, field in cases:
        reply = forward(client, sid, **body)
        assert reply.status_code == status, (body, reply.text)
        assert reply.json()["detail"]["field"] == field, reply.json()
    for token in ("NaN", "Infinity", "-Infinity", "1e999"):
        raw = '{"input": {"values": [' + "0, " * 15 + token + "]}}"
        reply = client.post(f"/api/sessions/{sid}/forward", content=raw,
                            headers={"content-type": "application/json"})
        assert reply.status_code == 422, (token, reply.text)
        assert reply.json()["detail"]["field"] == "input.values.15", reply.json()
    # nothing refused became the last input
    reply = client.get(f"/api/sessions/{sid}/cell", params={"layer": "dense1", "channel": 0})
    assert reply.status_code == 422 and reply.json()["detail"]["field"] == "query.input"
    assert forward(client, sid, input={"values": ok}).status_code == 200
    assert client.get(f"/api/sessions/{sid}/cell", params={"layer": "dense1", "channel": 0}
                      ).status_code == 200


def _stroke(width: int, height: int) -> list[int]:
    img = np.zeros((height, width), np.uint8)
    img[height // 4: 3 * height // 4, width // 2 - max(1, width // 10): width // 2 + 1] = 255
    return img.ravel().tolist()


@pytest.mark.parametrize("shape", [(1, 1, 2), (1, 2, 2), (1, 3, 5), (3, 16, 16), (1, 20, 28),
                                   (2, 5, 5), (1, 28, 28)])
def test_drawings_fit_any_input_shape(client, shape):
    c, h, w = shape
    sid = own_session(client, spec_of(c, h, w, {"type": "flatten"}, {"type": "dense",
                                                                       "units": 3}))
    for width, height in ((140, 140), (2, 2), (40, 10)):
        reply = forward(client, sid, pixels=_stroke(width, height), width=width, height=height)
        assert reply.status_code == 200, (shape, width, reply.text)
        seen = tensor(reply.json()["preprocessed"])
        assert seen.shape == shape
        assert 0 <= seen.min() and seen.max() == pytest.approx(1.0)  # ink, bright on dark
        assert all(np.array_equal(seen[0], seen[k]) for k in range(c))  # gray in every channel


def test_a_2x2_drawing_on_a_1x2x2_network_is_the_drawing(client):
    sid = own_session(client, spec_of(1, 2, 2, {"type": "flatten"}, {"type": "dense",
                                                                       "units": 2}))
    reply = forward(client, sid, pixels=[0, 255, 0, 0], width=2, height=2)
    assert reply.status_code == 200, reply.text
    assert tensor(reply.json()["preprocessed"]).tolist() == [[[0, 1], [0, 0]]]


def _png(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, "PNG")
    return buf.getvalue()


def test_a_colour_upload_stays_in_colour_on_an_rgb_network(client):
    sid = own_session(client, spec_of(3, 32, 32, {"type": "conv2d", "filters": 2, "kernel": 3},
                                      {"type": "flatten"}, {"type": "dense", "units": 3}))
    img = np.zeros((64, 96, 3), np.uint8)
    img[:, :48] = (255, 0, 0)  # red left half, blue right half
    img[:, 48:] = (0, 0, 255)
    reply = client.post(f"/api/sessions/{sid}/forward", files={"file": ("c.png", _png(img))})
    assert reply.status_code == 200, reply.text
    seen = tensor(reply.json()["preprocessed"])
    assert seen.shape == (3, 32, 32)
    assert seen[0, :, :12].min() > 0.95 and seen[2, :, :12].max() < 0.05  # red stays red
    assert seen[2, :, 20:].min() > 0.95 and seen[0, :, 20:].max() < 0.05  # blue stays blue
    # a gray upload to the same network: the same gray in all three channels
    gray = np.zeros((40, 40), np.uint8)
    gray[10:30, 18:22] = 255
    reply = client.post(f"/api/sessions/{sid}/forward", files={"file": ("g.png", _png(gray))})
    seen = tensor(reply.json()["preprocessed"])
    assert np.array_equal(seen[0], seen[1]) and np.array_equal(seen[1], seen[2])


def test_black_strokes_on_a_transparent_png_are_seen(client, session):
    rgba = np.zeros((100, 100, 4), np.uint8)
    rgba[20:80, 45:55, 3] = 255  # opaque black bar, everything else transparent black
    reply = client.post(f"/api/sessions/{session['id']}/forward",
                        files={"file": ("t.png", _png(rgba))})
    assert reply.status_code == 200, reply.text
    seen = tensor(reply.json()["preprocessed"])[0]
    assert seen.max() == pytest.approx(1.0) and seen[0].max() == 0  # the bar, on black
    rows = np.flatnonzero((seen > 0.5).any(axis=1))
    assert rows[-1] - rows[0] + 1 == 20  # the MNIST framing: the longer side is 20 px
