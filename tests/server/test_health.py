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
