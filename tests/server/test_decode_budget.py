"""A zip's images cost their decoded pixels: over max_zip_pixels per upload, or over
max_decode_pixels_per_minute for one client, is a 413 naming the budget (issue 13, item 6)."""

from __future__ import annotations

import io
import zipfile

from fastapi.testclient import TestClient
from PIL import Image

from server.http.app import create_app
from server.http.client_limits import ClientLimits
from tests.server.conftest import app_settings

SPEC = {"input": {"channels": 1, "height": 8, "width": 8},
        "layers": [{"type": "flatten"}, {"type": "dense", "units": 2}, {"type": "softmax"}]}


def _zip(count: int, side: int = 1000) -> bytes:
    """``count`` blank PNGs of side x side, half in class a, half in b (a few kB in all)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(count):
            png = io.BytesIO()
            Image.new("L", (side, side), 255 * (i % 2)).save(png, "PNG")
            zf.writestr(f"{'ab'[i % 2]}/{i}.png", png.getvalue())
    return buffer.getvalue()


def _client(tmp_path, now: list[float], **limits: int) -> TestClient:
    app = create_app(app_settings(data_dir=tmp_path, **limits))
    app.state.client_limits = ClientLimits(60, limits["max_decode_pixels_per_minute"],
                                           clock=lambda: now[0])
    return TestClient(app)


def _upload(client: TestClient, sid: str, data: bytes):
    return client.post(f"/api/sessions/{sid}/dataset/zip", files={"file": ("z.zip", data)})


def test_a_zip_decoding_to_more_than_max_zip_pixels_is_413(tmp_path):
    now = [0.0]
    with _client(tmp_path, now, max_zip_pixels=3_000_000,
                 max_decode_pixels_per_minute=100_000_000) as c:
        sid = c.post("/api/sessions", json={"spec": SPEC, "settings": {"dataset": "own"}}
                     ).json()["id"]
        reply = _upload(c, sid, _zip(4))  # 4 x 1,000,000 pixels
        assert reply.status_code == 413, reply.text
        detail = reply.json()["detail"]
        assert detail["field"] == "file" and "3000000 decoded pixels (max_zip_pixels)" in (
            detail["message"])
        assert c.get(f"/api/sessions/{sid}/samples").json()["samples"] == []  # nothing added
        assert _upload(c, sid, _zip(3)).status_code == 200


def test_one_client_may_decode_only_so_many_pixels_a_minute(tmp_path):
    now = [0.0]
    with _client(tmp_path, now, max_zip_pixels=3_000_000,
                 max_decode_pixels_per_minute=5_000_000) as c:
        sid = c.post("/api/sessions", json={"spec": SPEC, "settings": {"dataset": "own"}}
                     ).json()["id"]
        assert _upload(c, sid, _zip(3)).status_code == 200  # 3 M of the 5 M
        now[0] += 10
        reply = _upload(c, sid, _zip(3))  # 2 M left this minute
        assert reply.status_code == 413, reply.text
        assert "max_decode_pixels_per_minute" in reply.json()["detail"]["message"]
        now[0] += 55  # the first upload has left the minute; the refused one spent 2 M
        assert _upload(c, sid, _zip(3)).status_code == 200
        assert len(c.get(f"/api/sessions/{sid}/samples").json()["samples"]) == 6
