"""GET /api/layers: the engine's layer table, served with this server's ceilings."""

from __future__ import annotations

from fastapi.testclient import TestClient

from engine import layer_types
from engine import spec as engine_spec
from server.http.app import create_app
from tests.server.conftest import app_settings


def _get(tmp_path, **limits) -> dict:
    client = TestClient(create_app(app_settings(data_dir=tmp_path, **limits)))
    reply = client.get("/api/layers")
    assert reply.status_code == 200
    return reply.json()


def test_every_engine_type_is_served_in_spec_order_with_its_keys(tmp_path) -> None:
    body = _get(tmp_path)
    assert [t["type"] for t in body["types"]] == list(engine_spec.LAYER_TYPES)
    for entry in body["types"]:
        kind = entry["type"]
        # the keys and defaults the engine fills in, in the engine's words
        assert {f["key"]: f["default"] for f in entry["fields"]} == engine_spec.DEFAULTS[kind]
        assert entry["prefix"] == engine_spec.NAME_PREFIX[kind]
        assert entry["activation"] == (kind in engine_spec.ACTIVATIONS)
        assert entry["elementwise"] == layer_types.get(kind).elementwise
    units = next(f for t in body["types"] if t["type"] == "dense" for f in t["fields"]
                 if f["key"] == "units")
    assert (units["min"], units["max"]) == (1, 1024)
    assert [f["key"] for f in body["input"]] == ["channels", "height", "width"]


def test_the_limits_served_are_the_ones_the_engine_enforces(tmp_path) -> None:
    """Each int key's max is accepted by /api/describe and max + 1 is refused, naming it."""
    client = TestClient(create_app(app_settings(data_dir=tmp_path)))
    body = client.get("/api/layers").json()
    checked = 0
    for entry in body["types"]:
        for f in entry["fields"]:
            if f["kind"] != "int":
                continue
            layers = [{"type": entry["type"], f["key"]: f["max"]}]
            if entry["type"] == "dense":
                layers.insert(0, {"type": "flatten"})
            spec = {"input": {"channels": 1, "height": 8, "width": 8}, "layers": layers}
            if entry["type"] == "pool" and f["key"] == "stride":
                layers[0]["size"] = 2
            assert client.post("/api/describe", json={"spec": spec}).status_code == 200, spec
            layers[-1][f["key"]] = f["max"] + 1
            refused = client.post("/api/describe", json={"spec": spec})
            assert refused.status_code == 422
            assert f"{f['key']} {f['max'] + 1} is outside" in refused.json()["detail"]["message"]
            checked += 1
    assert checked >= 5


def test_a_lower_server_ceiling_on_filters_is_what_the_page_is_told(tmp_path) -> None:
    body = _get(tmp_path, max_filters=16, max_layers=12)
    conv = next(t for t in body["types"] if t["type"] == "conv2d")
    assert next(f for f in conv["fields"] if f["key"] == "filters")["max"] == 16
    assert body["max_layers"] == 12


def test_the_openapi_document_describes_the_reply(tmp_path) -> None:
    client = TestClient(create_app(app_settings(data_dir=tmp_path)))
    doc = client.get("/openapi.json").json()
    schema = doc["paths"]["/api/layers"]["get"]["responses"]["200"]["content"][
        "application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/LayerTypes"}
    assert "LayerType" in doc["components"]["schemas"]


def test_the_node_tests_fixture_is_the_reply_of_a_default_server(tmp_path) -> None:
    """tests/js/fixtures/layer-types.json is what the page's modules are tested against."""
    import json
    from pathlib import Path

    fixture = Path(__file__).parents[1] / "js" / "fixtures" / "layer-types.json"
    assert json.loads(fixture.read_text()) == _get(tmp_path), (
        "regenerate the fixture from server.sessions.architecture.layer_table(Settings())")
