import io
import zipfile

import numpy as np
from PIL import Image

from tests.server.conftest import new_session
from tests.server.helpers import tensor
from tests.zips import zip_bytes


def _drawing(column: int) -> list[float]:
    img = np.zeros((28, 28))
    img[4:24, column:column + 4] = 255
    return img.ravel().tolist()


def _png(seed: int) -> bytes:
    buffer = io.BytesIO()
    img = np.zeros((20, 20), dtype=np.uint8)
    img[seed % 10:seed % 10 + 8, 5:9] = 255
    Image.fromarray(img).save(buffer, "PNG")
    return buffer.getvalue()


def _zip(files: dict[str, bytes]) -> bytes:
    return zip_bytes(files, zipfile.ZIP_STORED)


def test_add_list_and_remove_own_samples(client, session):
    sid = session["id"]
    added = [client.post(f"/api/sessions/{sid}/samples", json={
        "pixels": _drawing(4 + i), "width": 28, "height": 28, "label": label})
        for i, label in enumerate(["cat", "dog", "cat"])]
    assert [r.status_code for r in added] == [201, 201, 201]
    assert added[-1].json()["samples"] == {"count": 3, "classes": {"cat": 2, "dog": 1}}
    listing = client.get(f"/api/sessions/{sid}/samples").json()
    assert [s["label"] for s in listing["samples"]] == ["cat", "dog", "cat"]
    assert tensor(listing["images"]).shape == (3, 1, 28, 28)
    first = listing["samples"][0]["id"]
    reply = client.delete(f"/api/sessions/{sid}/samples/{first}")
    assert reply.status_code == 200
    assert reply.json()["samples"] == {"count": 2, "classes": {"dog": 1, "cat": 1}}
    assert client.delete(f"/api/sessions/{sid}/samples/{first}").status_code == 404
    assert client.get(f"/api/sessions/{sid}").json()["samples"]["count"] == 2


def test_training_on_own_samples(client):
    state = new_session(client, split={"train": 0.5, "val": 0.5, "test": 0.0})
    sid = state["id"]
    for i in range(6):
        client.post(f"/api/sessions/{sid}/samples", json={
            "pixels": _drawing(2 + i), "width": 28, "height": 28,
            "label": "left" if i < 3 else "right"})
    reply = client.put(f"/api/sessions/{sid}/settings", json={"settings": {"dataset": "own"}})
    assert reply.status_code == 200, reply.text
    assert "2 units" in reply.json()["training_problem"]  # the default net has 10 outputs
    spec = {**state["spec"], "layers": [
        {**layer, "units": 2} if layer["type"] == "dense" else layer
        for layer in state["spec"]["layers"]]}
    reply = client.put(f"/api/sessions/{sid}/spec", json={"spec": spec})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["training_problem"] is None
    assert body["class_names"] == ["left", "right"]
    assert body["dataset"]["name"] == "own"
    assert body["dataset"]["train"] + body["dataset"]["val"] == 6


def test_bad_own_samples(client, session):
    sid = session["id"]
    cases = [
        ({"pixels": _drawing(3), "width": 28, "height": 28, "label": ""}, "label"),
        ({"pixels": _drawing(3), "width": 28, "height": 28, "label": "x" * 33}, "label"),
        ({"pixels": _drawing(3), "width": 28, "height": 28, "label": "a\nb"}, "label"),
        ({"pixels": _drawing(3), "width": 28, "height": 28}, "label"),
        ({"pixels": _drawing(3)[:10], "width": 28, "height": 28, "label": "a"}, "pixels"),
    ]
    for body, field in cases:
        reply = client.post(f"/api/sessions/{sid}/samples", json=body)
        assert reply.status_code == 422, (field, reply.text)
        assert reply.json()["detail"]["field"] == field
    assert client.get(f"/api/sessions/{sid}").json()["samples"]["count"] == 0


def test_zip_upload_adds_images_and_reports_problems(client, session):
    sid = session["id"]
    data = _zip({
        **{f"cat/{i}.png": _png(i) for i in range(3)},
        **{f"dog/{i}.png": _png(i + 5) for i in range(2)},
        "dog/notes.txt": b"not an image",
        "cat/broken.png": _png(1)[:30],
    })
    reply = client.post(f"/api/sessions/{sid}/dataset/zip",
                        files={"file": ("data.zip", data, "application/zip")})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["added"] == 5
    assert body["samples"]["classes"] == {"cat": 3, "dog": 2}
    assert {p["file"] for p in body["problems"]} >= {"cat/broken.png"}
    assert all(p["message"] for p in body["problems"])


def test_bad_zip_changes_nothing(client, session):
    sid = session["id"]
    reply = client.post(f"/api/sessions/{sid}/dataset/zip",
                        files={"file": ("data.zip", b"PK but not really", "application/zip")})
    assert reply.status_code == 422 and reply.json()["detail"]["field"] == "file"
    reply = client.post(f"/api/sessions/{sid}/dataset/zip", data={"x": "1"})
    assert reply.status_code in (415, 422)
    assert reply.json()["detail"]["field"] == "file"
    assert client.get(f"/api/sessions/{sid}").json()["samples"]["count"] == 0


def test_dataset_sample_strips(client):
    reply = client.get("/api/datasets/mnist/samples", params={"split": "val", "count": 5})
    assert reply.status_code == 200
    body = reply.json()
    images = tensor(body["images"])
    assert images.shape == (5, 1, 28, 28) and len(body["labels"]) == 5
    assert body["indices"] == [0, 1, 2, 3, 4]
    assert all(0 <= label < 10 for label in body["labels"])
    again = client.get("/api/datasets/mnist/samples",
                       params={"split": "val", "count": 2, "offset": 3}).json()
    assert np.array_equal(tensor(again["images"]), images[3:5])
    shapes = client.get("/api/datasets/shapes/samples", params={"count": 3}).json()
    assert tensor(shapes["images"]).shape == (3, 1, 28, 28)
    for params, field in (({"count": 0}, "query.count"), ({"count": 65}, "query.count"),
                          ({"split": "x"}, "query.split"), ({"offset": 10**6}, "query.offset")):
        reply = client.get("/api/datasets/mnist/samples", params=params)
        assert reply.status_code == 422, params
        assert reply.json()["detail"]["field"] == field
    assert client.get("/api/datasets/cifar/samples").status_code == 422


def test_an_imported_own_data_model_keeps_its_class_names(client):
    state = new_session(client, split={"train": 0.5, "val": 0.5, "test": 0.0})
    sid = state["id"]
    for i in range(4):
        client.post(f"/api/sessions/{sid}/samples", json={
            "pixels": _drawing(2 + i), "width": 28, "height": 28,
            "label": "left" if i < 2 else "right"})
    spec = {**state["spec"], "layers": [
        {**layer, "units": 2} if layer["type"] == "dense" else layer
        for layer in state["spec"]["layers"]]}
    client.put(f"/api/sessions/{sid}/settings", json={"settings": {"dataset": "own"}})
    assert client.put(f"/api/sessions/{sid}/spec", json={"spec": spec}).status_code == 200
    data = client.get(f"/api/sessions/{sid}/export.npz").content
    copy = client.post("/api/sessions/import", files={"file": ("m.npz", data)}).json()
    assert copy["class_names"] == ["left", "right"]
    assert "two classes" in copy["training_problem"]  # the samples stayed in the old session
    again = client.get(f"/api/sessions/{copy['id']}").json()
    assert again["class_names"] == ["left", "right"]
    reply = client.post(f"/api/sessions/{copy['id']}/forward", json={
        "pixels": _drawing(3), "width": 28, "height": 28})
    assert reply.json()["label"] in ("left", "right")


def test_confusion_cell_samples_match_the_matrix(client, session):
    sid = session["id"]
    matrix = client.get(f"/api/sessions/{sid}/evaluate", params={"split": "val"}).json()["matrix"]
    strip = client.get(f"/api/sessions/{sid}/dataset/samples",
                       params={"split": "val", "count": 64}).json()
    for t, p in ((0, 0), (3, 5), (1, 1)):
        reply = client.get(f"/api/sessions/{sid}/confusion/samples",
                           params={"true": t, "predicted": p, "count": 64})
        assert reply.status_code == 200, reply.text
        body = reply.json()
        assert body["total"] == matrix[t][p] == len(body["indices"])
        images = tensor(body["images"])
        for k, index in enumerate(body["indices"]):
            assert strip["labels"][index] == t
            assert np.array_equal(images[k], tensor(strip["images"])[index])
            forward = client.post(f"/api/sessions/{sid}/forward",
                                  json={"sample": {"split": "val", "index": index}}).json()
            assert forward["prediction"] == p
    reply = client.get(f"/api/sessions/{sid}/confusion/samples",
                       params={"true": 10, "predicted": 0})
    assert reply.status_code == 422 and reply.json()["detail"]["field"] == "query.true"
