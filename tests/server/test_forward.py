import base64
import io

import numpy as np
import pytest
from PIL import Image

from tests.server.conftest import app_settings
from tests.server.helpers import pixels_of_digit, tensor


def _png(array: np.ndarray, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array.astype(np.uint8)).save(buffer, fmt)
    return buffer.getvalue()


def test_forward_pixels_returns_every_layer_and_probabilities(client, session):
    sid = session["id"]
    reply = client.post(f"/api/sessions/{sid}/forward",
                        json={"pixels": pixels_of_digit(), "width": 56, "height": 56})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert [layer["name"] for layer in body["layers"]] == [r["name"] for r in session["layers"]]
    for layer, row in zip(body["layers"], session["layers"], strict=True):
        out = tensor(layer["output"])
        assert list(out.shape) == row["output_shape"] == layer["shape"]
        assert layer["output"]["dtype"] == "float32"
    probs = np.array(body["probabilities"])
    assert abs(probs.sum() - 1) < 1e-5
    assert body["prediction"] == int(np.argmax(probs))
    assert body["label"] == body["class_names"][body["prediction"]]
    softmax_out = tensor(body["layers"][-1]["output"])
    assert np.allclose(softmax_out, probs, atol=1e-7)
    pre = tensor(body["preprocessed"])
    assert pre.shape == (1, 28, 28) and 0 <= pre.min() and pre.max() <= 1 and pre.max() > 0


def test_json_pixels_base64_and_0_to_1_agree(client, session):
    sid = session["id"]
    values = np.array(pixels_of_digit())
    as_list = client.post(f"/api/sessions/{sid}/forward",
                          json={"pixels": values.tolist(), "width": 56, "height": 56}).json()
    as_unit = client.post(f"/api/sessions/{sid}/forward", json={
        "pixels": (values / 255).tolist(), "width": 56, "height": 56, "range": 1}).json()
    as_b64 = client.post(f"/api/sessions/{sid}/forward", json={
        "pixels": base64.b64encode(values.astype(np.uint8).tobytes()).decode(),
        "width": 56, "height": 56}).json()
    for other in (as_unit, as_b64):
        assert np.allclose(tensor(other["preprocessed"]), tensor(as_list["preprocessed"]),
                           atol=1e-6)
        assert other["prediction"] == as_list["prediction"]


def test_png_and_jpeg_uploads(client, session):
    sid = session["id"]
    img = np.array(pixels_of_digit()).reshape(56, 56)
    json_reply = client.post(f"/api/sessions/{sid}/forward",
                             json={"pixels": img.ravel().tolist(), "width": 56, "height": 56})
    png_reply = client.post(f"/api/sessions/{sid}/forward",
                            files={"file": ("digit.png", _png(img), "image/png")})
    assert png_reply.status_code == 200
    assert np.array_equal(tensor(png_reply.json()["preprocessed"]),
                          tensor(json_reply.json()["preprocessed"]))
    jpeg_reply = client.post(f"/api/sessions/{sid}/forward",
                             files={"file": ("digit.jpg", _png(img, "JPEG"), "image/jpeg")})
    assert jpeg_reply.status_code == 200
    assert tensor(jpeg_reply.json()["preprocessed"]).shape == (1, 28, 28)


def test_dataset_sample_forward_reports_its_label(client, session):
    sid = session["id"]
    strip = client.get(f"/api/sessions/{sid}/dataset/samples", params={"count": 2}).json()
    reply = client.post(f"/api/sessions/{sid}/forward",
                        json={"sample": {"split": "val", "index": 1}})
    assert reply.status_code == 200
    assert reply.json()["true_label"] == strip["labels"][1]
    assert np.array_equal(tensor(reply.json()["preprocessed"]), tensor(strip["images"])[1])


def test_bad_images_are_refused_naming_the_field(client, session):
    sid = session["id"]
    png = _png(np.random.default_rng(0).integers(0, 255, (60, 60)))
    cases = [
        ({"files": {"file": ("a.png", b"hello, I am text", "image/png")}}, 415, "file"),
        ({"files": {"file": ("a.png", png[: len(png) // 2], "image/png")}}, 422, "file"),
        ({"files": {"file": ("a.gif", _gif(), "image/gif")}}, 415, "file"),
        ({"files": {"file": ("a.png", b"", "image/png")}}, 422, "file"),
        ({"files": {"other": ("a.png", png, "image/png")}}, 422, "file"),
        ({"json": {"pixels": [0] * 10, "width": 4, "height": 4}}, 422, "pixels"),
        ({"json": {"pixels": [300] * 16, "width": 4, "height": 4}}, 422, "pixels"),
        ({"json": {"pixels": "!!!", "width": 4, "height": 4}}, 422, "pixels"),
        ({"json": {"pixels": [0] * 16, "width": "4", "height": 4}}, 422, "width"),
        ({"json": {"width": 4, "height": 4}}, 422, "body"),
        ({"json": {"pixels": [0] * 16, "width": 4, "height": 4,
                   "sample": {"split": "val", "index": 0}}}, 422, "body"),
        ({"json": {"sample": {"split": "val", "index": 99999}}}, 422, "sample.index"),
        ({"json": {"sample": {"split": "nope", "index": 0}}}, 422, "sample.split"),
        ({"content": b"{", "headers": {"content-type": "application/json"}}, 400, "body"),
    ]
    for kwargs, status, field in cases:
        reply = client.post(f"/api/sessions/{sid}/forward", **kwargs)
        assert reply.status_code == status, (kwargs.keys(), field, reply.text)
        assert reply.json()["detail"]["field"] == field, reply.json()


def _gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (8, 8)).save(buffer, "GIF")
    return buffer.getvalue()


def test_size_limits(tmp_path):
    from fastapi.testclient import TestClient

    from server.http.app import create_app

    client = TestClient(create_app(app_settings(data_dir=tmp_path, max_image_pixels=100 * 100,
                                            max_upload_bytes=1024 * 1024)))
    sid = client.post("/api/sessions", json={"settings": {"dataset_size": 100}}).json()["id"]
    big = _png(np.zeros((200, 200)))
    reply = client.post(f"/api/sessions/{sid}/forward", files={"file": ("a.png", big)})
    assert reply.status_code == 413 and reply.json()["detail"]["field"] == "file"
    reply = client.post(f"/api/sessions/{sid}/forward",
                        json={"pixels": [0] * 40000, "width": 200, "height": 200})
    assert reply.status_code == 413 and reply.json()["detail"]["field"] == "width"
    huge = b"\x89PNG" + b"\0" * (50 * 1024 * 1024)
    reply = client.post(f"/api/sessions/{sid}/forward", files={"file": ("a.png", huge)})
    assert reply.status_code == 413 and reply.json()["detail"]["field"] == "body"
    assert client.get(f"/api/sessions/{sid}").status_code == 200


def test_forward_of_unknown_session_is_404(client):
    reply = client.post("/api/sessions/" + "B" * 32 + "/forward",
                        json={"pixels": [0] * 4, "width": 2, "height": 2})
    assert reply.status_code == 404 and reply.json()["detail"]["field"] == "id"


def _solid_png(width: int, height: int, pixel_rows: bool = True) -> bytes:
    """A grayscale PNG of zeros, small on disk; without ``pixel_rows`` only its header
    (IHDR, IEND): what Pillow reads before refusing a huge image."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    parts = [b"\x89PNG\r\n\x1a\n",
             chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))]
    if pixel_rows:
        packer = zlib.compressobj(9)
        block = bytes((width + 1) * 500)  # 500 rows: a filter byte and the row's zeros each
        idat = b"".join(packer.compress(block) for _ in range(height // 500)) + packer.flush()
        parts.append(chunk(b"IDAT", idat))
    parts.append(chunk(b"IEND", b""))
    return b"".join(parts)


def test_huge_images_are_413_naming_the_pixel_limit(client, session):
    """Over Pillow's bomb thresholds (89 M pixels warns, 179 M refuses) is still 'too many
    pixels', not 'not a PNG'."""
    sid = session["id"]
    big = _solid_png(10_000, 10_000)  # 100 M pixels, a valid PNG of under 100 KB
    assert len(big) < 200_000
    with pytest.warns(Image.DecompressionBombWarning):  # Pillow's own open warns on it
        Image.open(io.BytesIO(big)).verify()
    for data in (big, _solid_png(20_000, 20_000, pixel_rows=False)):
        reply = client.post(f"/api/sessions/{sid}/forward", files={"file": ("a.png", data)})
        assert reply.status_code == 413, reply.text
        detail = reply.json()["detail"]
        assert detail["field"] == "file"
        assert "4000000 (max_image_pixels)" in detail["message"], detail
    assert "10000x10000" in client.post(f"/api/sessions/{sid}/forward", files={
        "file": ("a.png", big)}).json()["detail"]["message"]
    # nothing was forwarded: there is still no last input
    reply = client.get(f"/api/sessions/{sid}/cell", params={"layer": "conv1"})
    assert reply.status_code == 422 and reply.json()["detail"]["field"] == "query.input"
