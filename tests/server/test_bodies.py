"""JSON request bodies: held to ``max_json_bytes`` before parsing, parsed off the event loop."""

from __future__ import annotations

import asyncio
import io
import json

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from server.config import Settings
from server.http import bodies as body_reading
from server.http.app import create_app
from tests.server.conftest import app_settings, new_session

LIMIT = 64 * 1024


@pytest.fixture
def small_client(tmp_path):
    with TestClient(create_app(app_settings(data_dir=tmp_path, max_json_bytes=LIMIT))) as c:
        yield c


def _refused(reply) -> None:
    assert reply.status_code == 413, reply.text
    detail = reply.json()["detail"]
    assert detail["field"] == "body"
    assert str(LIMIT) in detail["message"] and "max_json_bytes" in detail["message"]


def test_json_body_over_the_ceiling_is_413_naming_the_limit(small_client):
    client = small_client
    state = new_session(client)
    sid = state["id"]
    # 40,000 zeros: a valid 200x200 drawing, but over 64 KB of JSON
    body = json.dumps({"pixels": [0] * 40_000, "width": 200, "height": 200}).encode()
    assert len(body) > LIMIT
    headers = {"content-type": "application/json"}
    _refused(client.post(f"/api/sessions/{sid}/forward", content=body, headers=headers))

    # sent in chunks without a Content-Length: cut off as it arrives
    def chunks():
        for i in range(0, len(body), 8192):
            yield body[i:i + 8192]

    _refused(client.post(f"/api/sessions/{sid}/forward", content=chunks(), headers=headers))

    # a body FastAPI would read for a route with a pydantic body: refused, nothing changed
    spec = {"spec": {**state["spec"], "pad": "x" * LIMIT}}
    _refused(client.put(f"/api/sessions/{sid}/spec", json=spec))
    # labelled multipart (which may be larger), but read as JSON: the same refusal
    _refused(client.put(f"/api/sessions/{sid}/spec", content=json.dumps(spec).encode(),
                        headers={"content-type": "multipart/form-data; boundary=x"}))
    after = client.get(f"/api/sessions/{sid}").json()
    assert after["spec"] == state["spec"] and after["step"] == state["step"]

    # uploads are held to max_upload_bytes, not to the JSON ceiling
    noise = np.random.default_rng(0).integers(0, 256, (300, 300), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(noise).save(buffer, "PNG")
    assert len(buffer.getvalue()) > LIMIT
    reply = client.post(f"/api/sessions/{sid}/forward",
                        files={"file": ("a.png", buffer.getvalue(), "image/png")})
    assert reply.status_code == 200, reply.text


def test_default_ceiling_admits_a_512_square_drawing_as_a_list(client, session):
    """The largest JSON a client needs: a drawing at the largest input side (512) as a list
    of 0..255 numbers, written the way json.dumps writes floats."""
    sid = session["id"]
    img = np.zeros((512, 512))
    img[100:400, 230:280] = 255.0
    pixels = [float(v) for v in img.ravel()]
    reply = client.post(f"/api/sessions/{sid}/forward",
                        json={"pixels": pixels, "width": 512, "height": 512})
    assert reply.status_code == 200, reply.text
    reply = client.post(f"/api/sessions/{sid}/samples",
                        json={"pixels": pixels, "width": 512, "height": 512, "label": "bar"})
    assert reply.status_code == 201, reply.text
    assert Settings().max_json_bytes < Settings().max_upload_bytes


def test_json_bodies_are_parsed_off_the_event_loop(client, session, monkeypatch):
    """Every route with a JSON body parses it in a worker thread: the parser sees no running
    event loop (on the loop's thread it would)."""
    parsed: dict[str, bool] = {}
    real = body_reading.parse_json

    def spy(model, raw):
        try:
            asyncio.get_running_loop()
            on_loop = True
        except RuntimeError:
            on_loop = False
        parsed[model.__name__] = parsed.get(model.__name__, False) or on_loop
        return real(model, raw)

    monkeypatch.setattr(body_reading, "parse_json", spy)
    sid = session["id"]
    base = f"/api/sessions/{sid}"
    pixels = {"pixels": [0.0] * 16, "width": 4, "height": 4}
    calls = [
        client.post("/api/sessions", json={"settings": {"dataset_size": 100}}),
        client.post("/api/describe", json={"spec": session["spec"]}),
        client.put(f"{base}/settings", json={"settings": {"lr": 0.01}}),
        client.put(f"{base}/params/conv1", json={"b": [0.0] * 8}),
        client.post(f"{base}/forward", json=pixels),
        client.post(f"{base}/samples", json={**pixels, "label": "a"}),
        client.post(f"{base}/landscape", json={"grid": 4}),  # parsed, then refused (even)
        client.put(f"{base}/spec", json={"spec": session["spec"]}),
    ]
    assert [r.status_code for r in calls] == [201, 200, 200, 200, 200, 201, 422, 200], [
        r.text for r in calls]
    assert parsed == {"CreateSessionBody": False, "SpecBody": False, "SettingsBody": False,
                      "ParamsBody": False, "ForwardBody": False, "OwnSampleBody": False,
                      "LandscapeBody": False}
