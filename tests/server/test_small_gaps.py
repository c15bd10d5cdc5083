"""Smaller gaps (issue 13, item 7): a WebSocket frame nested too deeply is answered and
logged, the label rule holds for every way a class name comes in, and the PyTorch export
does not carry the session id."""

from __future__ import annotations

import io
import json
import logging
import zipfile

import numpy as np
import pytest
from PIL import Image

from tests.server.helpers import receive_until

HOSTILE = {
    "ansi": "cat\x1b[31mred",
    "bidi override": "gpj.\u202eexe",
    "bidi isolate": "a\u2067b",
    "C1 control": "a\x85b",
    "line separator": "a\u2028b",
    "too long": "x" * 5000,
    "only spaces": "   ",
}
SPEC = {"input": {"channels": 1, "height": 8, "width": 8},
        "layers": [{"type": "flatten"}, {"type": "dense", "units": 2}, {"type": "softmax"}]}


def test_a_frame_nested_too_deeply_gets_an_error_and_a_log_line(client, session, caplog):
    with client.websocket_connect(f"/api/sessions/{session['id']}/ws") as ws:
        assert ws.receive_json()["type"] == "state"
        with caplog.at_level(logging.WARNING, logger="server.http.websocket"):
            ws.send_text("[" * 1100 + "]" * 1100)
            reply = ws.receive_json()
        assert reply["type"] == "error" and reply["field"] == "message"
        assert "nested too deeply" in reply["message"]
        ws.send_json({"seq": 1, "cmd": "state"})  # the socket still works
        messages, _ = receive_until(ws, 1)
        assert messages[-1]["type"] == "done"
    assert any("nested too deeply" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("label", list(HOSTILE.values()), ids=list(HOSTILE))
def test_a_sample_label_follows_the_rule(client, label):
    sid = client.post("/api/sessions", json={"spec": SPEC, "settings": {"dataset": "own"}}
                      ).json()["id"]
    reply = client.post(f"/api/sessions/{sid}/samples", json={
        "pixels": [0.0] * 63 + [255.0], "width": 8, "height": 8, "label": label})
    assert reply.status_code == 422, reply.text
    assert reply.json()["detail"]["field"] == "label"
    ok = client.post(f"/api/sessions/{sid}/samples", json={
        "pixels": [0.0] * 63 + [255.0], "width": 8, "height": 8, "label": "café 🐱"})
    assert ok.status_code == 201, ok.text


def _png(level: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (8, 8), level).save(buffer, "PNG")
    return buffer.getvalue()


def test_zip_folder_names_follow_the_label_rule(client):
    sid = client.post("/api/sessions", json={"spec": SPEC, "settings": {"dataset": "own"}}
                      ).json()["id"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("good/1.png", _png(255))
        zf.writestr("fine/1.png", _png(0))
        for i, name in enumerate(HOSTILE.values()):
            zf.writestr(f"{name}/{i}.png", _png(128))
    reply = client.post(f"/api/sessions/{sid}/dataset/zip",
                        files={"file": ("z.zip", buffer.getvalue())})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["added"] == 2
    assert set(body["samples"]["classes"]) == {"good", "fine"}
    refused = [p for p in body["problems"] if "folder name" in p["message"]]
    assert len(refused) == len(HOSTILE)
    for problem in refused:  # quoted with its controls escaped, cut short
        assert not any(c in problem["file"] for c in "\x1b\u202e\u2067\x85\u2028")
        assert len(problem["file"]) <= 44


def test_a_zip_of_only_refused_folder_names_is_a_422(client):
    sid = client.post("/api/sessions", json={"spec": SPEC, "settings": {"dataset": "own"}}
                      ).json()["id"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("a\x1b[2Jb/1.png", _png(0))
        zf.writestr("c\u202ed/1.png", _png(255))
    reply = client.post(f"/api/sessions/{sid}/dataset/zip",
                        files={"file": ("z.zip", buffer.getvalue())})
    assert reply.status_code == 422 and reply.json()["detail"]["field"] == "file"
    assert client.get(f"/api/sessions/{sid}/samples").json()["samples"] == []


def test_imported_class_names_follow_the_label_rule(client, session):
    exported = client.get(f"/api/sessions/{session['id']}/export.npz").content
    with np.load(io.BytesIO(exported)) as npz:
        members = {k: npz[k] for k in npz.files}
    names = [str(i) for i in range(10)]
    names[3] = "three\u202e"
    members["class_names"] = np.array(json.dumps(names))
    buffer = io.BytesIO()
    np.savez(buffer, **members)
    reply = client.post("/api/sessions/import", files={"file": ("m.npz", buffer.getvalue())})
    assert reply.status_code == 422, reply.text
    detail = reply.json()["detail"]
    assert detail["field"] == "file" and "class name 4" in detail["message"]


def test_the_pytorch_export_does_not_carry_the_session_id(client, session):
    sid = session["id"]
    script = client.get(f"/api/sessions/{sid}/export.py").text
    assert sid[:6] not in script and sid[-6:] not in script
    assert script.startswith('"""nnplay model: conv2d -> relu')


def test_options_and_405_name_every_method_of_the_path(client, session):
    sid = session["id"]
    reply = client.options(f"/api/sessions/{sid}")
    assert reply.status_code == 204 and reply.headers["allow"] == "DELETE, GET, OPTIONS"
    assert client.options("/api/sessions/import").headers["allow"] == "OPTIONS, POST"
    refused = client.patch(f"/api/sessions/{sid}")
    assert refused.status_code == 405 and refused.headers["allow"] == "DELETE, GET, OPTIONS"
    assert refused.json()["detail"]["field"] == "method"
    # no CORS headers: another site's preflight still fails
    assert "access-control-allow-origin" not in {k.lower() for k in reply.headers}


def test_the_openapi_document_gives_the_error_object_and_reply_schemas(client):
    document = client.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "Error" in schemas
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            codes = {int(c) for c in operation["responses"]}
            assert {400, 422} <= codes and (401 in codes) == (path != "/api/health"), path
            for code, response in operation["responses"].items():
                if code.startswith("4"):
                    assert response["content"]["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/Error"}, (method, path, code)
            if "requestBody" in operation:
                assert {403, 413, 415} <= codes, (method, path)
            if "{session_id}" in path:
                assert {404, 409} <= codes, (method, path)
    create = document["paths"]["/api/sessions"]["post"]["responses"]
    assert {"429", "503"} <= set(create)
    assert create["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/SessionState"}


def test_an_upload_with_another_field_is_a_422_naming_it(client, session):
    reply = client.post(f"/api/sessions/{session['id']}/forward",
                        files={"file": ("a.png", _png(200))}, data={"extra": "1"})
    assert reply.status_code == 422, reply.text
    assert reply.json()["detail"]["field"] == "extra"
