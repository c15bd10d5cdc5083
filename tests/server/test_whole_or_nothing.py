"""No request breaks a session: every change is checked whole before any of it is applied,
engine refusals come back as a 4xx naming the field, and a stored session that cannot be
loaded is reported by name and can still be deleted (issue 13, item 2)."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from server.http.app import create_app
from tests.server.conftest import store_sql

SHAPES = {"dataset": "shapes", "dataset_size": 70, "batch_size": 10}


def _spec(side: int, units: int = 2) -> dict[str, Any]:
    return {"input": {"channels": 1, "height": side, "width": side},
            "layers": [{"type": "flatten"}, {"type": "dense", "units": units},
                       {"type": "softmax"}]}


def _own_session(client: TestClient, side: int) -> str:
    reply = client.post("/api/sessions", json={"spec": _spec(side),
                                               "settings": {"dataset": "own"}})
    assert reply.status_code == 201, reply.text
    return str(reply.json()["id"])


def _refused(reply: Any, status: int, field: str) -> dict[str, Any]:
    assert reply.status_code == status, reply.text
    detail = reply.json()["detail"]
    assert detail["field"] == field, detail
    assert detail["message"].startswith(f"{field}:"), detail
    return dict(detail)


def _rows(settings: Any) -> list[Any]:
    return store_sql(settings, "SELECT id, meta FROM sessions ORDER BY id")


def test_a_refused_dataset_change_leaves_the_session_as_it_was(client, settings):
    sid = _own_session(client, 4)
    before = client.get(f"/api/sessions/{sid}").json()
    on_disk = _rows(settings)
    reply = client.put(f"/api/sessions/{sid}/settings",
                       json={"settings": {"dataset": "shapes", "lr": 0.5}})
    detail = _refused(reply, 422, "settings.dataset")
    assert "1x4x4" in detail["message"]
    assert client.get(f"/api/sessions/{sid}").json()["settings"] == before["settings"]
    # the next save (a change that is allowed) writes the old settings plus that change only
    assert _rows(settings) == on_disk
    ok = client.put(f"/api/sessions/{sid}/settings", json={"settings": {"lr": 0.2}})
    assert ok.status_code == 200, ok.text
    assert ok.json()["settings"] == {**before["settings"], "lr": 0.2}
    with TestClient(create_app(settings)) as again:
        assert again.get(f"/api/sessions/{sid}").json()["settings"]["dataset"] == "own"


def test_a_refused_spec_change_leaves_the_session_as_it_was(client):
    reply = client.post("/api/sessions", json={"spec": _spec(8, units=7),
                                               "settings": SHAPES})
    assert reply.status_code == 201, reply.text
    sid = reply.json()["id"]
    before = client.get(f"/api/sessions/{sid}").json()
    refused = client.put(f"/api/sessions/{sid}/spec", json={"spec": _spec(6, units=7)})
    _refused(refused, 422, "settings.dataset")
    after = client.get(f"/api/sessions/{sid}").json()
    assert after["spec"] == before["spec"] and after["layers"] == before["layers"]


@pytest.mark.parametrize("side", [3, 6, 7])
def test_shapes_below_their_smallest_side_are_a_4xx(client, side):
    reply = client.post("/api/sessions", json={"spec": _spec(side, units=7),
                                               "settings": SHAPES})
    detail = _refused(reply, 422, "settings.dataset")
    assert f"1x{side}x{side}" in detail["message"]


def test_shapes_at_their_smallest_side_train(client):
    reply = client.post("/api/sessions", json={"spec": _spec(8, units=7), "settings": SHAPES})
    assert reply.status_code == 201, reply.text
    assert reply.json()["dataset"]["name"] == "shapes"


def test_a_drawn_sample_the_engine_cannot_size_is_a_4xx_or_works(client):
    sid = _own_session(client, 3)
    reply = client.post(f"/api/sessions/{sid}/samples", json={
        "pixels": [0.0] * 8 + [255.0], "width": 3, "height": 3, "label": "a"})
    # the preprocessing of sides under 4 is another change; until it lands this is a 422
    if reply.status_code != 201:
        _refused(reply, 422, "pixels")
    listing = client.get(f"/api/sessions/{sid}/samples").json()
    assert listing["images"]["shape"][1:] == [1, 3, 3] or listing["samples"] == []


def _zip_of_two_classes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, level in (("dark", 0), ("light", 255)):
            png = io.BytesIO()
            Image.new("L", (12, 12), level).save(png, "PNG")
            zf.writestr(f"{name}/1.png", png.getvalue())
    return buffer.getvalue()


@pytest.mark.parametrize("side", [1, 2, 3])
def test_a_zip_fits_inputs_of_any_side(client, side):
    sid = _own_session(client, side)
    reply = client.post(f"/api/sessions/{sid}/dataset/zip",
                        files={"file": ("z.zip", _zip_of_two_classes())})
    assert reply.status_code == 200, reply.text
    listing = client.get(f"/api/sessions/{sid}/samples").json()
    assert listing["images"]["shape"] == [2, 1, side, side]
    assert [s["label"] for s in listing["samples"]] == ["dark", "light"]


def _npz(**members: Any) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, format=np.array("nnplay-model/1"), **members)
    return buffer.getvalue()


def _import(client: TestClient, data: bytes) -> Any:
    return client.post("/api/sessions/import", files={"file": ("m.npz", data)})


def test_import_of_a_deeply_nested_spec_is_refused(client):
    data = _npz(spec=np.array("[" * 100_000 + "]" * 100_000))
    assert "nested" in _refused(_import(client, data), 422, "file")["message"]


def test_import_with_a_member_that_is_not_npy_is_refused(client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf, zipfile.ZipFile(io.BytesIO(_npz(
            spec=np.array(json.dumps(_spec(4)))))) as good:
        for info in good.infolist():
            zf.writestr(info, good.read(info))
        zf.writestr("notes.txt", b"not an array")
    assert "notes.txt" in _refused(_import(client, buffer.getvalue()), 422, "file")["message"]


def test_import_of_a_header_declaring_a_trillion_elements_is_refused(client):
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f4", "fortran_order": False,
                                                  "shape": (10**12,)})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf, zipfile.ZipFile(io.BytesIO(_npz(
            spec=np.array(json.dumps(_spec(4)))))) as good:
        for info in good.infolist():
            zf.writestr(info, good.read(info))
        zf.writestr("dense1.W.npy", header.getvalue())
    detail = _refused(_import(client, buffer.getvalue()), 422, "file")
    assert "dense1.W.npy" in detail["message"]


def test_import_of_a_small_network_with_shapes_settings_is_kept_without_data(client):
    sid = _own_session(client, 4)
    exported = client.get(f"/api/sessions/{sid}/export.npz").content
    with np.load(io.BytesIO(exported)) as npz:
        members = {k: npz[k] for k in npz.files}
    members["settings"] = np.array(json.dumps({"dataset": "shapes"}))
    buffer = io.BytesIO()
    np.savez(buffer, **members)
    reply = _import(client, buffer.getvalue())
    assert reply.status_code == 201, reply.text
    state = reply.json()
    assert state["settings"]["dataset"] == "shapes"
    assert "shapes" in state["training_problem"] and "1x4x4" in state["training_problem"]
    fixed = client.put(f"/api/sessions/{state['id']}/settings",
                       json={"settings": {"dataset": "own"}})
    assert fixed.status_code == 200, fixed.text


def test_a_stored_session_that_cannot_be_loaded_is_named_and_can_be_deleted(settings):
    with TestClient(create_app(settings)) as first:
        broken = _own_session(first, 4)
        fine = _own_session(first, 4)
    store_sql(settings, "UPDATE blobs SET data = ? WHERE session_id = ? AND name = 'model'",
              (b"not an npz", broken))
    with TestClient(create_app(settings)) as second:
        for reply in (second.get(f"/api/sessions/{broken}"),
                      second.put(f"/api/sessions/{broken}/settings",
                                 json={"settings": {"lr": 0.1}})):
            detail = _refused(reply, 409, "id")
            assert broken in detail["message"] and detail["session"] == broken
        with second.websocket_connect(f"/api/sessions/{broken}/ws") as ws:
            message = ws.receive_json()
            assert message["type"] == "error" and broken in message["message"]
        assert second.get(f"/api/sessions/{fine}").status_code == 200
        assert second.delete(f"/api/sessions/{broken}").status_code == 204
        assert second.get(f"/api/sessions/{broken}").status_code == 404
        assert second.get(f"/api/sessions/{fine}").status_code == 200


def test_settings_the_data_cannot_meet_load_as_a_problem_not_an_error(settings):
    """What the old half-applied change saved (shapes settings on a 4x4 network) loads."""
    with TestClient(create_app(settings)) as first:
        sid = _own_session(first, 4)
    [(text,)] = store_sql(settings, "SELECT meta FROM sessions WHERE id = ?", (sid,))
    meta = json.loads(text)
    meta["settings"]["dataset"] = "shapes"
    store_sql(settings, "UPDATE sessions SET meta = ? WHERE id = ?", (json.dumps(meta), sid))
    with TestClient(create_app(settings)) as second:
        state = second.get(f"/api/sessions/{sid}").json()
        assert "shapes" in state["training_problem"]
        reply = second.put(f"/api/sessions/{sid}/settings", json={"settings": {"dataset": "own"}})
        assert reply.status_code == 200, reply.text
        assert second.delete(f"/api/sessions/{sid}").status_code == 204
