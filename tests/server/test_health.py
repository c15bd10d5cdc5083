from fastapi.testclient import TestClient

from server.http.app import create_app
from tests.server.conftest import app_settings


def test_health_answers_ok(tmp_path):
    client = TestClient(create_app(app_settings(data_dir=tmp_path)))
    reply = client.get("/api/health")
    assert reply.status_code == 200
    assert reply.json()["status"] == "ok"


def test_index_page_loads_main_module(tmp_path):
    client = TestClient(create_app(app_settings(data_dir=tmp_path)))
    reply = client.get("/")
    assert reply.status_code == 200
    assert '<script type="module" src="/static/js/main.js"></script>' in reply.text
    assert client.get("/static/js/main.js").status_code == 200


def test_shutting_the_app_down_closes_its_runtime(tmp_path):
    app = create_app(app_settings(data_dir=tmp_path))
    closed = []
    runtime = app.state.runtime
    close = runtime.close
    runtime.close = lambda: (closed.append(True), close())
    with TestClient(app) as client:
        assert client.get("/api/health").status_code == 200
        assert closed == []
    assert closed == [True]


def test_an_app_started_again_serves_its_sessions_on_a_new_runtime(tmp_path):
    app = create_app(app_settings(data_dir=tmp_path))
    with TestClient(app) as client:
        made = client.post("/api/sessions", json={"settings": {"dataset_size": 200}})
        assert made.status_code == 201
    with TestClient(app) as client:
        again = client.get(f"/api/sessions/{made.json()['id']}")
        assert again.status_code == 200
        assert again.json()["id"] == made.json()["id"]
